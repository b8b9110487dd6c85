import Hummingbird

/// Another responder served under a path prefix of the session's server (the review page at
/// `/review`), consulted right after the Host/Origin check and before `/mcp` and its tokens:
/// what it serves does its own authentication.
public struct PathMount: Sendable {
    /// The path prefix, without a trailing slash.
    public let prefix: String
    /// Answers the requests under `prefix`.
    public let respond: @Sendable (Request, BasicRequestContext) async throws -> Response

    /// - Parameters:
    ///   - prefix: `/review` serves `/review` and `/review/…`.
    ///   - respond: Answers those requests, after only the server's Host/Origin check.
    public init(prefix: String, respond: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        self.prefix = prefix
        self.respond = respond
    }
}
