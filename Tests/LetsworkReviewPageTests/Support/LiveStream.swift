import Foundation
import LetsworkTestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open `GET /review/queue/live` over a plain socket: its status, then its `data:` lines as
/// they arrive, the way a browser's EventSource reads them.
final class LiveStream {
    private let socket: Int32
    private var pending = ""
    /// The response's status line and headers.
    private(set) var head = ""
    /// Whether the server ended the stream.
    private(set) var ended = false

    init(port: Int, cookie: String) throws {
        socket = try connectLoopback(port: port, timeoutSeconds: 30)
        let request = "GET /review/queue/live HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(cookie)\r\nAccept: text/event-stream\r\n\r\n"
        _ = Array(request.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    deinit { close(socket) }

    /// The status code, once the head has arrived (within `timeout`).
    func status(within timeout: Duration) -> Int? {
        let deadline = ContinuousClock.now + timeout
        while head.isEmpty, ContinuousClock.now < deadline, !ended {
            guard let range = pending.range(of: "\r\n\r\n") else { read(until: deadline); continue }
            head = String(pending[..<range.lowerBound])
            pending = String(pending[range.upperBound...])
        }
        return Int(head.split(separator: " ").dropFirst().first ?? "")
    }

    /// The next `data:` value the stream sends within `timeout`, nil if none came.
    func nextData(within timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = pending.firstMatch(of: /data: ([^\r\n]*)\n/) {
                let value = String(line.output.1)
                pending = String(pending[line.range.upperBound...])
                return value
            }
            if ended { return nil }
            read(until: deadline)
        }
        return nil
    }

    /// Waits up to `timeout` for the server to close the stream.
    func waitForEnd(within timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !ended, ContinuousClock.now < deadline { read(until: deadline) }
        return ended
    }

    private func read(until deadline: ContinuousClock.Instant) {
        var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let left = max(1, Int32((deadline - ContinuousClock.now).components.seconds * 1000 + 1))
        guard poll(&poller, 1, min(left, 200)) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 16384)
        let count = recv(socket, &buffer, buffer.count, 0)
        if count <= 0 { ended = true; return }
        // Chunked transfer: the chunk sizes are lines of their own, which the matching skips.
        pending += String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
