#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a loopback connection could not be made.
public struct LoopbackFailure: Error, CustomStringConvertible {
    public let description: String
}

/// A blocking TCP socket connected to 127.0.0.1:`port`, every send and receive bounded by
/// `timeoutSeconds`, for tests that write HTTP byte by byte. The caller closes it.
public func connectLoopback(port: Int, timeoutSeconds: Int) throws -> Int32 {
    let fd = try tcpSocket()
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = RelaySocket.loopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw LoopbackFailure(description: "could not connect to 127.0.0.1:\(port): \(reason)")
    }
    return fd
}

/// A free TCP port on 127.0.0.1 (bound, read back, released), for a server that cannot take port 0.
public func freeLoopbackPort() throws -> Int {
    let fd = try tcpSocket()
    defer { close(fd) }
    var address = RelaySocket.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw LoopbackFailure(description: "could not bind a port on 127.0.0.1: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}

private func tcpSocket() throws -> Int32 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw LoopbackFailure(description: "socket() failed: \(String(cString: strerror(errno)))") }
    return fd
}
