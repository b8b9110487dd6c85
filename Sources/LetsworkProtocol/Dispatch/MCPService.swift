/// What one participant can do over MCP, whichever era it speaks: the server's instructions for
/// that participant, its tools, and tool calls. The composition root makes one per bearer token,
/// so every call already knows who is calling.
public protocol MCPService: Sendable {
    var instructions: String { get }
    var tools: [ToolDescription] { get }

    /// Runs tool `name`. Tool refusals come back as results with `isError`; only a call that names
    /// no tool of this server throws (`RPCError.invalidParams`).
    func callTool(_ name: String, arguments: [String: JSONValue], client: ClientContext) async throws(RPCError) -> ToolResult

    /// The prompts offered to this participant (slash commands in Claude Code).
    var prompts: [PromptDescription] { get }

    /// Renders prompt `name` from the session's state now.
    func prompt(_ name: String, arguments: [String: String]) async throws(RPCError) -> PromptResult

    /// The resources offered to this participant.
    var resources: [ResourceDescription] { get }

    /// Reads `uri` (one of ``resources``, possibly with a query).
    func readResource(_ uri: String) async throws(RPCError) -> [ResourceContents]

    /// Yields each time subscribable resource `uri` may have changed; ends when the caller stops
    /// iterating or the session shuts down. Nil when `uri` cannot be followed.
    func updates(of uri: String) -> AsyncStream<Void>?
}

/// Prompts and resources are optional: a service without them declares neither capability.
extension MCPService {
    public var resources: [ResourceDescription] { [] }

    public func readResource(_ uri: String) async throws(RPCError) -> [ResourceContents] {
        throw .resourceNotFound(uri)
    }

    public func updates(of uri: String) -> AsyncStream<Void>? { nil }

    public var prompts: [PromptDescription] { [] }

    public func prompt(_ name: String, arguments: [String: String]) async throws(RPCError) -> PromptResult {
        throw .invalidParams("Unknown prompt '\(name)': this server offers none.")
    }
}
