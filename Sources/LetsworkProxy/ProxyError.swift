/// A failure of the proxy or of `join`'s checks, with a sentence saying what to do.
public struct ProxyError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case general
        /// The host refused the token (401/403).
        case unauthorized
        /// Nothing answered at the URL, or the tunnel says the host is gone.
        case unreachable
        /// Something answered that is not an MCP server.
        case notMCP
    }

    public let kind: Kind
    public let message: String

    public init(_ message: String, kind: Kind = .general) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
