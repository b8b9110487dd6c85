import Foundation
import HTTPTypes
import Hummingbird
import LetsworkProtocol
import Logging

/// Answers `/mcp` in both MCP eras: checks Host/Origin, the bearer token and the session's owner,
/// reads the JSON-RPC message once, settles its era, and hands it to the principal's
/// ``MCPDispatcher`` (see MCPEndpoint+Post.swift).
///
/// Order of checks, each refusing before any MCP processing: Host/Origin (403) → path (404) →
/// token (401) → session owner (403) / unknown session (404) → body size (413) → message shape.
/// Every refusal carries a JSON-RPC error body.
///
/// Every reply comes in the POST's own HTTP response. The only server-to-client messages are
/// change notifications, on a session's GET stream (2025-11-25) or a `subscriptions/listen`
/// stream (2026-07-28); see NotificationStream.swift.
struct MCPEndpoint: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: SessionHTTPServer.Configuration
    let tokens: TokenRegistry
    let store: SessionStore
    let factory: any ParticipantFactory
    let logger: Logger
    /// Guests' token buckets (see ``RateLimiter``); the host's requests never reach it.
    let rateLimiter = RateLimiter()

    func respond(to request: IncomingRequest, context: Context) async throws -> OutgoingResponse {
        if let reason = await store.hostPolicy.rejection(host: request.head.authority, origin: request.headers[.origin]) {
            await store.refused(RefusedRequest(status: 403, reason: reason, principal: nil))
            logger.notice("Refused a request with a foreign Host or Origin")
            return Reply.problem(.forbidden, reason)
        }

        let path = request.uri.path
        if let mount = configuration.mounts.first(where: { path == $0.prefix || path.hasPrefix($0.prefix + "/") }) {
            return try await mount.respond(request, context)
        }
        // The host's guest admin (letswork invite/revoke) shares the token check; see GuestAdmin.
        let isGuestAdmin = path.hasPrefix(GuestAdmin.path)
        guard isGuestAdmin || path == configuration.endpointPath || path == configuration.endpointPath + "/" else {
            return Reply.problem(.notFound, "Not Found: this server's MCP endpoint is \(configuration.endpointPath)")
        }

        let principal: Principal
        switch await authenticate(request) {
        case .success(let authenticated):
            principal = authenticated
            if !authenticated.role.isHost, let limit = configuration.guestRateLimit,
               let wait = rateLimiter.admit(authenticated.id, under: limit) {
                return tooManyRequests(wait, limit: limit)
            }
        case .failure(let refusal):
            await store.refused(RefusedRequest(status: 401, reason: refusal.message, principal: nil))
            logger.notice("Refused a request without a valid token")
            return refusal.response
        }
        if isGuestAdmin {
            return try await GuestAdmin(tokens: tokens, store: store).respond(to: request, principal: principal)
        }

        let sessionID = request.headers[.mcpSessionID]
        let lookup = await store.lookup(sessionID, for: principal)

        if sessionID != nil {
            switch lookup {
            case .found:
                break
            case .notFound:
                return Reply.problem(
                    .notFound,
                    "Not Found: this MCP session does not exist or has ended. "
                        + "Send initialize without an Mcp-Session-Id header to start a new one."
                )
            case .foreign:
                let reason = "Forbidden: this MCP session belongs to another participant and your token cannot use it. "
                    + "Send initialize without an Mcp-Session-Id header to open your own session."
                await store.refused(RefusedRequest(status: 403, reason: reason, principal: principal))
                logger.notice("Refused a request on another principal's session", metadata: ["principal": "\(principal.id)"])
                return Reply.problem(.forbidden, reason)
            }
        }

        switch request.method {
        case .post:
            return try await post(request, principal: principal, lookup: lookup)

        case .get:
            // 2025-11-25's server-to-client stream belongs to a session; 2026-07-28 has none
            // (its clients send subscriptions/listen instead).
            guard case .found(let session) = lookup else {
                return Reply.problem(
                    .methodNotAllowed,
                    "Method Not Allowed: GET opens an MCP session's notification stream and needs its Mcp-Session-Id header. "
                        + "With MCP 2026-07-28, POST subscriptions/listen instead.",
                    headers: [.allow: "POST, GET, DELETE"]
                )
            }
            return try await sessionStream(session, principal: principal)

        case .delete:
            guard let sessionID, case .found = lookup else {
                return Reply.problem(.badRequest, "Bad Request: DELETE needs the Mcp-Session-Id header of the session to end")
            }
            await store.end(sessionID, reason: .clientClosed)
            return OutgoingResponse(status: .ok, headers: [.mcpSessionID: sessionID])

        default:
            return Reply.problem(
                .methodNotAllowed,
                "Method Not Allowed: use POST for MCP messages and DELETE to end a session",
                headers: [.allow: "POST, GET, DELETE"]
            )
        }
    }

    // MARK: - Helpers

    struct Refusal: Error {
        let message: String
        let response: OutgoingResponse
    }

    private func authenticate(_ request: IncomingRequest) async -> Result<Principal, Refusal> {
        guard let header = request.headers[.authorization] else {
            return .failure(unauthorized(
                "Unauthorized: this letswork session needs a token. Send the header "
                    + "\"Authorization: Bearer <token>\" with the token from the host's join command "
                    + "(letswork join <url> --token <token>).",
                challenge: "Bearer realm=\"letswork\""
            ))
        }
        let parts = header.split(maxSplits: 1, whereSeparator: \.isWhitespace)
        guard parts.count == 2, parts[0].lowercased() == "bearer", case let token = String(parts[1]).trimmed, !token.isEmpty else {
            return .failure(unauthorized(
                "Unauthorized: the Authorization header must read \"Bearer <token>\".",
                challenge: "Bearer realm=\"letswork\", error=\"invalid_request\""
            ))
        }
        guard let principal = await tokens.principal(forBearer: token) else {
            return .failure(unauthorized(
                "Unauthorized: this token is not valid for this letswork session (mistyped, from an "
                    + "older session, or revoked by the host). Ask the host for the current join command.",
                challenge: "Bearer realm=\"letswork\", error=\"invalid_token\""
            ))
        }
        return .success(principal)
    }

    private func tooManyRequests(_ wait: Duration, limit: RateLimit) -> OutgoingResponse {
        let seconds = RateLimiter.retryAfterSeconds(wait)
        return Reply.problem(
            .tooManyRequests,
            "Too Many Requests: this guest token sent more than \(Int(limit.requestsPerSecond)) requests a second "
                + "(bursts up to \(limit.burst)). Nothing was done for this request; wait \(seconds) s and send it again, "
                + "and pace requests (one agent rarely needs more than a few a second).",
            code: -32000,
            headers: [.retryAfter: "\(seconds)"]
        )
    }

    private func unauthorized(_ message: String, challenge: String) -> Refusal {
        Refusal(message: message, response: Reply.problem(.unauthorized, message, headers: [.wwwAuthenticate: challenge]))
    }

    /// Reads the body, refusing with 413 as soon as it passes the limit (by `Content-Length` if
    /// given, else while streaming) so an oversized body is never held in memory.
    func collectBody(_ request: IncomingRequest) async throws -> Result<Data, Refusal> {
        let limit = configuration.maxRequestBodyBytes
        // Built only when needed: serialising it on every request cost a fifth of the server's CPU.
        func tooLarge() -> Refusal {
            Refusal(message: "", response: Reply.problem(
                .contentTooLarge,
                "Content Too Large: request bodies are limited to \(limit) bytes. "
                    + "Write smaller files, or ask the host to raise the limit."
            ))
        }
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return .failure(tooLarge())
        }
        var buffer = ByteBuffer()
        for try await chunk in request.body {
            guard buffer.readableBytes + chunk.readableBytes <= limit else { return .failure(tooLarge()) }
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
        return .success(Data(buffer.readableBytesView))
    }

}

/// Session ids: 128 random bits in URL-safe base64 (visible ASCII, as the spec requires).
enum SessionIdentifier {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode(randomBytes(count: 16, using: &generator))
    }
}
