import Foundation
import LetsworkTestSupport
import MCP
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An independent MCP client (the SDK's own, over Streamable HTTP without a GET stream) that
/// sends `Authorization: Bearer token` on every request.
struct MCPConnection {
    let client: MCP.Client

    static func open(_ url: URL, token: String, name: String) async throws -> MCPConnection {
        let transport = HTTPClientTransport(
            endpoint: url, streaming: false,
            requestModifier: { request in
                var request = request
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                return request
            })
        let client = MCP.Client(name: name, version: "1.0")
        _ = try await client.connect(transport: transport)
        return MCPConnection(client: client)
    }

    /// The whole result of a tool call: text, structured content, isError.
    func call(_ tool: String, _ arguments: [String: Value] = [:]) async throws -> CallTool.Result {
        try await client.send(CallTool.request(.init(name: tool, arguments: arguments))).value
    }

    func close() async { await client.disconnect() }
}

extension CallTool.Result {
    /// The text parts, joined.
    var text: String {
        content.compactMap { part -> String? in
            if case .text(let text, _, _) = part { return text }
            return nil
        }.joined(separator: "\n")
    }

    var failed: Bool { isError == true }

    /// `structuredContent[key]` as a string.
    func string(_ key: String) -> String? {
        if case .object(let object)? = structuredContent, case .string(let value)? = object[key] { return value }
        return nil
    }
}

/// One HTTP/1.1 request over a plain loopback socket, so the test controls every header (Host
/// included, which URLSession would rewrite). `headers` are extra header lines, each ending in
/// "\r\n". Returns the status code.
func rawHTTPStatus(port: Int, host: String, token: String, body: String, path: String = "/mcp", headers: String = "",
                   timeoutSeconds: Int = 20) throws -> Int {
    let fd = try connectLoopback(port: port, timeoutSeconds: timeoutSeconds)
    defer { close(fd) }
    let request = "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nAuthorization: Bearer \(token)\r\n\(headers)"
        + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        try #require(count > 0, "send() failed")
        sent += count
    }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !reply.contains(0x0A) {
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { break }
        reply += buffer[0..<count]
    }
    // "HTTP/1.1 403 Forbidden"
    let statusLine = String(decoding: reply.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
    let parts = statusLine.split(separator: " ")
    return try #require(parts.count >= 2 ? Int(parts[1]) : nil, "no HTTP status line in \(statusLine.debugDescription)")
}

let initializeBody = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}"#

/// A listening TCP socket on 127.0.0.1 holding a port busy until closed.
final class BusyPort {
    let fd: Int32
    let port: Int

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        fd = socketFD
        port = Int(UInt16(bigEndian: address.sin_port))
        try #require(socketFD >= 0 && bound == 0 && listen(socketFD, 1) == 0, "could not bind a loopback port")
    }

    deinit { close(fd) }
}
