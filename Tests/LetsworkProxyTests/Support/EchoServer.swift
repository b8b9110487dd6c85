import Foundation
import LetsworkTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP echo server on 127.0.0.1 (each connection gets back what it sends, and a half-close
/// when it half-closes), for checking the fault relay against something simple and exact.
final class EchoServer: @unchecked Sendable {
    // @unchecked Sendable: `listener` and `threads` are set in init; the rest is in a Mutex.
    let port: Int
    private let listener: Int32
    private let threads = DispatchGroup()
    private let state = Mutex((stopping: false, accepted: 0))

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = LoopbackSocket.address(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && listen(socket, 64) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard socket >= 0, bound else { throw TestFailure("echo server: cannot listen") }
        listener = socket
        port = Int(UInt16(bigEndian: address.sin_port))
        threads.enter()
        Thread { [self] in
            while !state.withLock({ $0.stopping }) {
                var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&waiting, 1, 20) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                state.withLock { $0.accepted += 1 }
                threads.enter()
                Thread { [self] in
                    echo(connection)
                    threads.leave()
                }.start()
            }
            threads.leave()
        }.start()
    }

    var accepted: Int { state.withLock { $0.accepted } }

    func stop() {
        state.withLock { $0.stopping = true }
        _ = threads.wait(timeout: .now() + 5)
        close(listener)
    }

    private func echo(_ connection: Int32) {
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while !state.withLock({ $0.stopping }) {
            var waiting = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 20) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 {
                shutdown(connection, Int32(SHUT_WR))
                return
            }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { send(connection, $0.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL)) }
                if written <= 0 { return }
                sent += written
            }
        }
    }
}

/// A blocking client socket with a receive timeout, for tests.
struct LoopbackSocket {
    let fd: Int32

    static func address(port: Int) -> sockaddr_in { RelaySocket.loopback(port: port) }

    /// Connects to 127.0.0.1:`port`; reads wait at most `timeout`.
    init(port: Int, timeout: Duration = .seconds(5)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = Self.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard fd >= 0, connected else { throw TestFailure("cannot connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw TestFailure("send failed: \(String(cString: strerror(errno)))") }
            sent += written
        }
    }

    enum Received: Equatable {
        case bytes([UInt8])
        case endOfStream
        /// recv failed with this errno (EAGAIN: the timeout passed).
        case failed(Int32)
    }

    /// One recv of up to `limit` bytes.
    func receive(limit: Int = 64 * 1024) -> Received {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(Array(buffer[0..<count])) }
        return count == 0 ? .endOfStream : .failed(errno)
    }

    /// Exactly `count` bytes (or fewer, when the stream ends or fails first).
    func receive(exactly count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count, case .bytes(let more) = receive(limit: count - bytes.count) { bytes += more }
        return bytes
    }

    func halfClose() { shutdown(fd, Int32(SHUT_WR)) }
    func close() { Glibc.close(fd) }
}
