import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP

/// Answers `/mcp`: checks Host/Origin, the bearer token and the session's owner, then hands the
/// JSON-RPC message to the session's MCP server through the SDK's transport.
///
/// Order of checks, each refusing before any MCP processing: Host/Origin (403) → path (404) →
/// token (401) → session owner (403) / unknown session (404) → body size (413) → message shape.
///
/// Transport: one SDK `StatelessHTTPServerTransport` per session, with `Mcp-Session-Id` managed
/// here. The SDK's `StatefulHTTPServerTransport` was the first choice, but in swift-sdk 0.12.1 it
/// (a) answers every POST with an SSE stream, which the SDK's own client cannot read on Linux
/// (FoundationNetworking has no streaming `bytes(for:)`), and (b) keeps every response it sends
/// in an in-memory replay store that is only emptied when the session ends, so a long session's
/// memory grows with every tool call. The stateless transport answers each request with its
/// JSON-RPC response in the POST's own HTTP response and keeps nothing afterwards; session
/// identity, ownership and `DELETE` live in ``SessionStore``. GET gets 405, which the spec allows
/// for a server that offers no server-to-client stream: no reply ever depends on one.
struct MCPEndpoint: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: SessionHTTPServer.Configuration
    let tokens: TokenRegistry
    let store: SessionStore
    let factory: any MCPSessionFactory
    let logger: Logger
    /// Guests' token buckets (see ``RateLimiter``); the host's requests never reach it.
    let rateLimiter = RateLimiter()

    /// The SDK-side checks that remain once Host/Origin and auth are done here.
    private static let validation = StandardValidationPipeline(validators: [
        AcceptValidator(),
        ContentTypeValidator(),
        ProtocolVersionValidator(),
    ])

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
            return Reply.problem(
                .methodNotAllowed,
                "Method Not Allowed: this server offers no server-to-client event stream; "
                    + "every reply comes back in the response to its POST.",
                headers: [.allow: "POST, DELETE"]
            )

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

    // MARK: - POST

    private func post(_ request: IncomingRequest, principal: Principal, lookup: SessionStore.Lookup) async throws -> OutgoingResponse {
        let body: Data
        switch try await collectBody(request) {
        case .success(let data): body = data
        case .failure(let refusal): return refusal.response
        }

        let peek = MessagePeek(body)
        switch peek {
        case .batch:
            return Reply.problem(
                .badRequest,
                "Bad Request: JSON-RPC batches are not supported; send one message per POST",
                code: -32600
            )
        case .invalid:
            return Reply.problem(.badRequest, "Parse error: the body must be one JSON-RPC message (a JSON object)", code: -32700)
        case .initialize, .message:
            break
        }

        // Built only for what goes to the SDK: a tool call answered here never needs it.
        var forwarded: MCP.HTTPRequest {
            MCP.HTTPRequest(method: "POST", headers: Self.forwardedHeaders(request.headers), body: body,
                            path: configuration.endpointPath)
        }
        let eventStream = wantsEventStream(request)

        guard case .found(let session) = lookup else {
            guard case .initialize(let clientName, let clientVersion, let protocolVersion) = peek else {
                return Reply.problem(
                    .badRequest,
                    "Bad Request: missing Mcp-Session-Id header. Send initialize first; its response carries the session id."
                )
            }
            return await startSession(
                forwarded,
                principal: principal,
                client: (clientName, clientVersion, protocolVersion),
                eventStream: eventStream
            )
        }

        guard !peek.isInitialize else {
            return Reply.problem(
                .badRequest,
                "Bad Request: this session is already initialized; send initialize without an Mcp-Session-Id header to start another"
            )
        }
        guard let requestID = RequestIDScanner.topLevelID(in: body) else {
            // A notification or a response: nothing waits for a reply.
            let reply = await session.transport.handleRequest(forwarded)
            return Reply.from(reply, sessionID: session.summary.id, eventStream: eventStream)
        }
        guard await store.begin(requestID, in: session.summary.id) else {
            return Reply.problem(
                .conflict,
                "Conflict: a request with id \(requestID) is still in progress on this session; give each request a unique id",
                code: -32600
            )
        }
        if let toolCall = session.toolCall, let call = DirectToolCall.parse(body) {
            let data = await DirectToolCall.respond(rawID: requestID, toolCall, name: call.name, arguments: call.arguments)
            await store.finish(requestID, in: session.summary.id)
            return Reply.from(.data(data, headers: ["Content-Type": "application/json"]), sessionID: session.summary.id, eventStream: eventStream)
        }
        let reply = await session.transport.handleRequest(forwarded)
        await store.finish(requestID, in: session.summary.id)
        return Reply.from(reply, sessionID: session.summary.id, eventStream: eventStream)
    }

    private func startSession(
        _ forwarded: MCP.HTTPRequest,
        principal: Principal,
        client: (name: String?, version: String?, protocolVersion: String?),
        eventStream: Bool
    ) async -> OutgoingResponse {
        let server: MCP.Server
        do {
            server = try await factory.makeServer(for: principal)
        } catch {
            logger.error("Could not make an MCP server for a new session", metadata: ["principal": "\(principal.id)", "error": "\(error)"])
            return Reply.problem(.internalServerError, "Internal error: could not start an MCP session (\(error))", code: -32603)
        }

        let transport = StatelessHTTPServerTransport(validationPipeline: Self.validation, logger: logger)
        do {
            try await server.start(transport: transport)
        } catch {
            logger.error("Could not start an MCP server", metadata: ["principal": "\(principal.id)", "error": "\(error)"])
            await server.stop()
            return Reply.problem(.internalServerError, "Internal error: could not start an MCP session (\(error))", code: -32603)
        }

        let reply = await transport.handleRequest(forwarded)
        guard case .data(let data, _) = reply, MessagePeek.isSuccessfulResponse(data) else {
            await server.stop()
            return Reply.from(reply, sessionID: nil, eventStream: eventStream)
        }

        let now = Date()
        let summary = SessionSummary(
            id: SessionIdentifier.generate(),
            principal: principal,
            clientName: client.name,
            clientVersion: client.version,
            protocolVersion: client.protocolVersion,
            startedAt: now
        )
        let session = SessionStore.Session(summary: summary, server: server, transport: transport,
                                           toolCall: await factory.makeToolCallHandler(for: principal), lastActivity: now)
        guard await store.insert(session, maxPerPrincipal: configuration.maxSessionsPerPrincipal) else {
            await server.stop()
            return Reply.problem(.serviceUnavailable, "Service Unavailable: the letswork session is shutting down")
        }
        return Reply.from(reply, sessionID: summary.id, eventStream: eventStream)
    }

    // MARK: - Helpers

    private struct Refusal: Error {
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
    private func collectBody(_ request: IncomingRequest) async throws -> Result<Data, Refusal> {
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

    /// Whether to frame the reply as SSE: when configured to and the client accepts it, or when
    /// the client accepts only SSE.
    private func wantsEventStream(_ request: IncomingRequest) -> Bool {
        let accept = request.headers[.accept]?.lowercased() ?? ""
        let acceptsSSE = accept.contains("text/event-stream")
        let acceptsJSON = accept.isEmpty || accept.contains("application/json") || accept.contains("*/*") || accept.contains("application/*")
        return acceptsSSE && (configuration.replyFormat == .sse || !acceptsJSON)
    }

    /// The request's headers for the SDK, without credentials: MCP handlers can read the HTTP
    /// context of a call, and they never need to see a token.
    private static func forwardedHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields where field.name != .authorization && field.name != .cookie && field.name != .proxyAuthorization {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
            }
        }
        return headers
    }
}

/// Session ids: 128 random bits in URL-safe base64 (visible ASCII, as the spec requires).
enum SessionIdentifier {
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode(randomBytes(count: 16, using: &generator))
    }
}
