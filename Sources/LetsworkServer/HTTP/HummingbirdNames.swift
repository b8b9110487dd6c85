import HTTPTypes
import Hummingbird

// Hummingbird re-exports `Request` and `Response`, and the MCP SDK declares generic `Request<M>`
// and `Response<M>` too; this file imports only Hummingbird so the names below are unambiguous
// in the files that import both.

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
