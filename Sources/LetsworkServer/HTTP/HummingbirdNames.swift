import HTTPTypes
import Hummingbird

// Hummingbird calls its types `Request` and `Response`; these names say which side each is on.

/// An HTTP request as Hummingbird delivers it.
typealias IncomingRequest = Request
/// An HTTP response as Hummingbird sends it.
typealias OutgoingResponse = Response

extension HTTPField.Name {
    /// `Mcp-Session-Id` (Streamable HTTP).
    static let mcpSessionID = Self("Mcp-Session-Id")!
    /// `MCP-Protocol-Version` (Streamable HTTP, 2025-06-18 and later).
    static let mcpProtocolVersion = Self("MCP-Protocol-Version")!
}
