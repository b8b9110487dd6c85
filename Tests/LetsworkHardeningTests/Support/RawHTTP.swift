import Foundation
import LetsworkTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.1 exchange over a plain loopback socket, so a test controls every byte: the Host
/// header (which URLSession rewrites), a Content-Length that lies, a body of any size or shape.
/// `Connection: close`, so the reply ends where the socket does. Blocking, with a timeout on
/// every send and receive; call it from a test, not from a hot loop.
enum RawHTTP {
    /// Sends `method path` with `headers` (given in full, in order) and `body`.
    /// - Throws: `LoopbackFailure` when the server cannot be reached, ``WireFailure`` when it
    ///   sends no status line.
    static func exchange(port: Int, method: String = "POST", path: String = "/mcp", headers: [(String, String)],
                         body: [UInt8], timeoutSeconds: Int = 30) throws -> WireReply {
        let fd = try connectLoopback(port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }

        var head = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Connection: close\r\n\r\n"
        // The server may answer (413, 401) and close before the whole body is sent: a failed send
        // is not an error as long as a reply can be read. MSG_NOSIGNAL: no SIGPIPE for the test.
        _ = sendAll(fd, Array(head.utf8) + body)

        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            reply += buffer[0..<count]
        }
        return try parse(reply)
    }

    /// The usual headers of an MCP POST from 127.0.0.1:`port`, with a bearer `token` if given.
    static func mcpHeaders(port: Int, token: String?, sessionID: String? = nil, bodyLength: Int,
                           host: String? = nil, extra: [(String, String)] = []) -> [(String, String)] {
        var headers: [(String, String)] = [("Host", host ?? "127.0.0.1:\(port)")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        headers += [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
                    ("Content-Length", "\(bodyLength)")]
        return headers + extra
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
            if count <= 0 { return false }
            sent += count
        }
        return true
    }

    private static func parse(_ reply: [UInt8]) throws -> WireReply {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = reply.indices.first(where: { reply[$0...].starts(with: separator) }) else {
            throw WireFailure("no complete HTTP reply (\(reply.count) bytes)")
        }
        let head = String(decoding: reply[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw WireFailure("no HTTP status line in \(head[0].debugDescription)")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(reply[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return WireReply(status: status, headers: headers, body: Data(body))
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: 10) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "0"
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 1
            let stop = min(start + size, bytes.count)
            output += bytes[start..<stop]
            index = stop + 2
        }
        return output
    }
}
