import Foundation
import LetsworkReview

/// Talks to this repository's running session through its host-only admin route
/// (`/letswork/guests` on the loopback server), with the host token from the 0600 state file.
///
/// A plain HTTP/1.1 exchange over a loopback socket: one request, `Connection: close`, the
/// whole answer read back. Nothing leaves the machine, and the token never appears in argv.
struct SessionAdmin {
    let state: SessionState

    /// The running session of `store`'s repository.
    /// - Throws: ``ValidationErrorMessage`` when none is running.
    static func running(_ store: ChangeStore) throws -> SessionAdmin {
        guard let state = SessionState.read(gitDirectory: store.gitDirectory), state.isRunning else {
            throw ValidationErrorMessage("No session is running for this repository. Start one with `letswork start`, then invite or revoke guests.")
        }
        return SessionAdmin(state: state)
    }

    /// Sends `method path` with an optional JSON body; returns the status and the decoded JSON.
    /// - Throws: ``ValidationErrorMessage`` when the session cannot be reached or refuses.
    func request(_ method: String, _ path: String, json: [String: Any]? = nil) throws -> [String: Any] {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(state.port)\r\nAuthorization: Bearer \(state.hostToken)\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let reply = try exchange(Data(head.utf8) + body)
        guard let split = reply.range(of: Data("\r\n\r\n".utf8)),
              let statusLine = String(data: reply[..<split.lowerBound], encoding: .utf8)?.split(separator: "\r\n").first,
              let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            throw ValidationErrorMessage("The session on port \(state.port) gave an answer letswork cannot read; is it a letswork session of this version?")
        }
        let object = (try? JSONSerialization.jsonObject(with: reply[split.upperBound...])) as? [String: Any] ?? [:]
        guard status == 200 else {
            let message = (object["error"] as? [String: Any])?["message"] as? String ?? "HTTP \(status)"
            throw ValidationErrorMessage(message)
        }
        return object
    }

    private func exchange(_ request: Data) throws -> Data {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ValidationErrorMessage("Cannot open a socket: \(String(cString: strerror(errno))).") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(state.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            throw ValidationErrorMessage("Cannot reach the session on 127.0.0.1:\(state.port) (\(String(cString: strerror(errno)))); check it with `letswork status`.")
        }
        let sent = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw ValidationErrorMessage("Could not send the request to the session.") }
        var reply = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while reply.count < 1 << 20 {
            let got = recv(socket, &buffer, buffer.count, 0)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            reply.append(contentsOf: buffer[..<got])
        }
        return reply
    }
}
