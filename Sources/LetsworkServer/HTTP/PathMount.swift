import Hummingbird

/// Another responder served under a path prefix of the session's server (the review page at
/// `/review`), consulted right after the Host/Origin check and before `/mcp` and its tokens:
/// what it serves does its own authentication.
public struct PathMount: Sendable {
    public let prefix: String
    public let respond: @Sendable (Request, BasicRequestContext) async throws -> Response

    /// - Parameters: prefix: `/review` serves `/review` and `/review/…`; respond: answers them.
    public init(prefix: String, respond: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        self.prefix = prefix
        self.respond = respond
    }
}
