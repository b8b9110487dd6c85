/// The MCP revisions letswork speaks, and the era each belongs to.
public enum ProtocolVersion {
    /// Revisions reached through the `initialize` handshake and a session (`Mcp-Session-Id`).
    public static let handshake = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    /// Stateless revisions: every request carries its version and client facts in `params._meta`.
    public static let modern = ["2026-07-28"]
    public static let all = handshake + modern
    /// What an `initialize` that asks for an unknown version is offered instead.
    public static let latestHandshake = "2025-11-25"
    public static let latestModern = "2026-07-28"

    public static func isModern(_ version: String) -> Bool { modern.contains(version) }
}

/// The reserved `_meta` keys of 2026-07-28.
public enum MetaKey {
    public static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
    public static let clientInfo = "io.modelcontextprotocol/clientInfo"
    public static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    public static let serverInfo = "io.modelcontextprotocol/serverInfo"
}

/// The HTTP headers that mirror a 2026-07-28 request's body.
public enum MirrorHeader {
    public static let protocolVersion = "MCP-Protocol-Version"
    public static let method = "Mcp-Method"
    public static let name = "Mcp-Name"

    /// The `params` member that `Mcp-Name` mirrors, for the methods that have one.
    public static func nameParameter(of method: String) -> String? {
        switch method {
        case "tools/call", "prompts/get": "name"
        case "resources/read", "resources/subscribe", "resources/unsubscribe": "uri"
        default: nil
        }
    }
}
