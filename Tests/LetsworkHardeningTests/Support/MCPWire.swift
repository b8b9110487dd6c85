import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP reply as the client saw it.
struct WireReply: Sendable {
    let status: Int
    /// Header names lower-cased.
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object, or the `data:` line of a one-event SSE reply.
    var object: [String: Any]? {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] { return object }
        let dataLine = text.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6)
        return dataLine.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `error.message` of a JSON-RPC error body.
    var errorMessage: String? { (object?["error"] as? [String: Any])?["message"] as? String }
}

/// What one `tools/call` came back with.
struct ToolReply: Sendable {
    let http: WireReply
    /// `result.isError`.
    let isError: Bool
    /// The text parts of `result.content`, joined.
    let text: String
    /// `result.structuredContent.change_id`, when present.
    let changeID: String?
    /// A JSON-RPC error instead of a result.
    let rpcError: String?
}

/// A minimal MCP client over Streamable HTTP, written for these tests so that every byte, header
/// and timeout is under their control: `initialize`, `notifications/initialized`, then one POST per
/// request with `Authorization: Bearer` and `Mcp-Session-Id`.
final class MCPWire: @unchecked Sendable {
    // @unchecked Sendable: `nextID` is only touched while `lock` is held; the rest is immutable.
    let url: URL
    let token: String
    let sessionID: String
    private let lock = NSLock()
    private var nextID = 1

    private init(url: URL, token: String, sessionID: String) {
        self.url = url
        self.token = token
        self.sessionID = sessionID
    }

    /// One URLSession for all tests, with no cache and a bounded wait for every request.
    static let urlSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.timeoutIntervalForResource = 60
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()

    static let initializeBody = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hardening","version":"1"}}}"#

    /// POSTs `body` to `url`.
    static func post(_ url: URL, token: String?, sessionID: String? = nil, body: Data,
                     headers: [String: String] = [:]) async throws -> WireReply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json, text/event-stream", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await urlSession.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return WireReply(status: http.statusCode, headers: fields, body: data)
    }

    /// Opens an MCP session with `token`.
    /// - Throws: ``WireFailure`` when initialize is refused.
    static func open(_ url: URL, token: String) async throws -> MCPWire {
        let reply = try await post(url, token: token, body: Data(initializeBody.utf8))
        guard reply.status == 200, let sessionID = reply.headers["mcp-session-id"] else {
            throw WireFailure("initialize answered \(reply.status): \(reply.text.prefix(300))")
        }
        let wire = MCPWire(url: url, token: token, sessionID: sessionID)
        _ = try await wire.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return wire
    }

    /// POSTs a raw JSON-RPC text on this session.
    func send(_ json: String, headers: [String: String] = [:]) async throws -> WireReply {
        try await Self.post(url, token: token, sessionID: sessionID, body: Data(json.utf8), headers: headers)
    }

    func takeID() -> Int {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        return nextID
    }

    /// Calls `tool` with `arguments` given as a JSON object's text (so tests can send any JSON,
    /// wrong types included).
    func call(_ tool: String, json arguments: String = "{}") async throws -> ToolReply {
        let name = String(decoding: try JSONSerialization.data(withJSONObject: [tool], options: [.fragmentsAllowed]), as: UTF8.self)
            .dropFirst().dropLast()
        let body = #"{"jsonrpc":"2.0","id":\#(takeID()),"method":"tools/call","params":{"name":\#(name),"arguments":\#(arguments)}}"#
        return Self.toolReply(try await send(body))
    }

    /// Calls `tool` with arguments built from plain values (strings, numbers, booleans).
    func call(_ tool: String, _ arguments: [String: any Sendable]) async throws -> ToolReply {
        let data = try JSONSerialization.data(withJSONObject: arguments, options: [.sortedKeys])
        return try await call(tool, json: String(decoding: data, as: UTF8.self))
    }

    static func toolReply(_ reply: WireReply) -> ToolReply {
        let object = reply.object
        let result = object?["result"] as? [String: Any]
        let content = result?["content"] as? [[String: Any]] ?? []
        let text = content.compactMap { $0["text"] as? String }.joined(separator: "\n")
        let structured = result?["structuredContent"] as? [String: Any]
        return ToolReply(http: reply, isError: result?["isError"] as? Bool ?? (result == nil), text: text,
                         changeID: structured?["change_id"] as? String, rpcError: reply.errorMessage)
    }

    /// Ends the session (DELETE).
    func close() async {
        var request = URLRequest(url: url)
        request.httpMethod = "DELETE"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id")
        _ = try? await Self.urlSession.data(for: request)
    }
}

struct WireFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
