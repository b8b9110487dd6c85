import MCP

/// Makes the MCP server that answers one client session.
///
/// The HTTP layer calls ``makeServer(for:)`` when a client sends `initialize` with a valid token,
/// passing the principal that token belongs to: the role comes from the token alone. Return a
/// `Server` with its handlers registered (`tools/list`, `tools/call`, …) but not started: the
/// HTTP layer starts it on the session's transport and stops it when the session ends.
///
/// Capture `principal` in the handlers, so every tool call knows who is calling without trusting
/// anything the client says. This module knows nothing of the tools themselves.
/// Answers one `tools/call` for a session: the tool's name and arguments in, its result out.
/// Throw `MCPError` for protocol errors (an unknown tool); report tool failures in the result.
public typealias ToolCallHandler = @Sendable (_ name: String, _ arguments: [String: Value]?) async throws -> CallTool.Result

public protocol MCPSessionFactory: Sendable {
    /// Returns an unstarted MCP server for a new session of `principal`.
    ///
    /// - Throws: Any error; the client gets HTTP 500 with the error's description and no session
    ///   is created.
    func makeServer(for principal: Principal) async throws -> MCP.Server

    /// Optionally, a direct handler for `tools/call` on `principal`'s sessions, which the HTTP
    /// layer then calls instead of routing the call through the SDK's `Server` (see
    /// `DirectToolCall` for why). It must answer exactly as the server's own handler would.
    func makeToolCallHandler(for principal: Principal) async -> ToolCallHandler?
}

extension MCPSessionFactory {
    /// No direct handler: every call goes through the SDK's `Server`.
    public func makeToolCallHandler(for principal: Principal) async -> ToolCallHandler? { nil }
}

/// An ``MCPSessionFactory`` made from a closure.
///
/// ```swift
/// let factory = ClosureSessionFactory { principal in
///     let server = Server(name: "letswork", version: "3.0.0", capabilities: .init(tools: .init()))
///     await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools(for: principal.role)) }
///     return server
/// }
/// ```
public struct ClosureSessionFactory: MCPSessionFactory {
    private let make: @Sendable (Principal) async throws -> MCP.Server
    private let toolCalls: (@Sendable (Principal) async -> ToolCallHandler?)?

    /// Wraps `make`.
    public init(_ make: @escaping @Sendable (Principal) async throws -> MCP.Server,
                toolCalls: (@Sendable (Principal) async -> ToolCallHandler?)? = nil) {
        self.make = make
        self.toolCalls = toolCalls
    }

    /// The `toolCalls` closure's handler, if one was given.
    public func makeToolCallHandler(for principal: Principal) async -> ToolCallHandler? {
        await toolCalls?(principal)
    }

    /// Calls the closure.
    /// - Throws: Whatever the closure throws.
    public func makeServer(for principal: Principal) async throws -> MCP.Server {
        try await make(principal)
    }
}
