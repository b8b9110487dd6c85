import Foundation
import HTTPTypes
import Hummingbird
import LetsworkProtocol

/// POST /mcp: one JSON-RPC message, read once, answered by the principal's dispatcher in the era
/// the client speaks.
///
/// - **2026-07-28** (stateless): a request whose `MCP-Protocol-Version` header names no handshake
///   version, or that carries `params._meta` and no session, or `server/discover`. Its envelope
///   is checked (``ModernEnvelope``: `_meta`, the mirrored headers, the version) and it is
///   dispatched with the client context it carries. No session, nothing kept but presence.
/// - **2025-11-25 and earlier** (sessions): `initialize` opens a session (`Mcp-Session-Id`);
///   every later request names it and is dispatched with the context `initialize` gave.
extension MCPEndpoint {
    func post(_ request: IncomingRequest, principal: Principal, lookup: SessionStore.Lookup) async throws -> OutgoingResponse {
        if let refusal = RequestFormat.refusal(for: request) { return refusal }
        let body: Data
        switch try await collectBody(request) {
        case .success(let data): body = data
        case .failure(let refusal): return refusal.response
        }
        let eventStream = RequestFormat.wantsEventStream(request, preferring: configuration.replyFormat)

        let message: RPCMessage
        switch RPCMessage.parse(body) {
        case .success(let parsed): message = parsed
        case .failure(let failure): return Reply.failure(failure, eventStream: eventStream)
        }

        let dispatcher: MCPDispatcher
        do {
            dispatcher = try await store.dispatcher(for: principal) { try await factory.dispatcher(for: $0) }
        } catch {
            logger.error("Could not make an MCP dispatcher", metadata: ["principal": "\(principal.id)", "error": "\(error)"])
            return Reply.problem(.internalServerError, "Internal error: letswork could not serve this participant (\(error)). "
                                    + "Tell the host; their terminal shows details.", code: RPCError.internalErrorCode)
        }

        let versionHeader = request.headers[.mcpProtocolVersion]
        let session: SessionStore.Session?
        if case .found(let found) = lookup { session = found } else { session = nil }
        if Self.isModern(message, versionHeader: versionHeader, inSession: session != nil) {
            return await modern(message, request: request, principal: principal, dispatcher: dispatcher, eventStream: eventStream)
        }
        return await handshake(message, versionHeader: versionHeader, session: session, principal: principal,
                               dispatcher: dispatcher, eventStream: eventStream)
    }

    /// Which era a message belongs to. A version header outside the handshake list always means
    /// the stateless era, whose checks then name the versions letswork speaks (`-32022`).
    static func isModern(_ message: RPCMessage, versionHeader: String?, inSession: Bool) -> Bool {
        if let versionHeader { return !ProtocolVersion.handshake.contains(versionHeader) }
        guard !inSession else { return false }
        switch message {
        case .request(let request): return request.method == "server/discover" || request.meta?[MetaKey.protocolVersion] != nil
        case .notification(_, let params): return params["_meta"]?[MetaKey.protocolVersion] != nil
        case .response: return false
        }
    }

    // MARK: - 2026-07-28

    private func modern(_ message: RPCMessage, request: IncomingRequest, principal: Principal,
                        dispatcher: MCPDispatcher, eventStream: Bool) async -> OutgoingResponse {
        guard case .request(let rpc) = message else {
            // The stateless era defines no client-to-server notifications or responses here.
            return Reply.accepted(sessionID: nil)
        }
        if let version = request.headers[.mcpProtocolVersion], !ProtocolVersion.all.contains(version) {
            // A version letswork has never heard of: say which it speaks before anything else.
            return Reply.failure(RPCFailure(id: rpc.id, error: .unsupportedProtocolVersion(version)), eventStream: eventStream)
        }
        let headers = request.headers
        let client: ClientContext
        switch ModernEnvelope.read(rpc, header: { name in HTTPField.Name(name).map { headers[values: $0] } ?? [] }) {
        case .success(let context): client = context
        case .failure(let error): return Reply.failure(RPCFailure(id: rpc.id, error: error), eventStream: eventStream)
        }
        await store.statelessRequest(from: principal, client: client)
        if rpc.method == "subscriptions/listen" { return await listen(rpc, dispatcher: dispatcher) }
        let (data, error) = await dispatcher.respond(to: rpc, client: client)
        return Reply.message(data, status: error?.httpStatus ?? 200, sessionID: nil, eventStream: eventStream)
    }

    // MARK: - 2025-11-25 and earlier

    private func handshake(_ message: RPCMessage, versionHeader: String?, session: SessionStore.Session?,
                           principal: Principal, dispatcher: MCPDispatcher, eventStream: Bool) async -> OutgoingResponse {
        guard let session else {
            guard case .request(let rpc) = message, rpc.method == "initialize" else {
                let id: JSONValue = if case .request(let rpc) = message { rpc.id } else { .null }
                return Reply.problem(
                    .badRequest,
                    "Bad Request: missing Mcp-Session-Id header. Send initialize first (its response carries the session id), "
                        + "or speak MCP 2026-07-28: params._meta with \"\(MetaKey.protocolVersion)\" and a matching MCP-Protocol-Version header.",
                    id: id)
            }
            return await startSession(rpc, principal: principal, dispatcher: dispatcher, eventStream: eventStream)
        }
        let sessionID = session.summary.id
        guard case .request(let rpc) = message else { return Reply.accepted(sessionID: sessionID) }
        guard rpc.method != "initialize" else {
            return Reply.problem(
                .badRequest,
                "Bad Request: this session is already initialized; send initialize without an Mcp-Session-Id header to start another",
                id: rpc.id)
        }
        let key = JSONWriter.string(rpc.id)
        guard await store.begin(key, in: sessionID) else {
            return Reply.problem(
                .conflict,
                "Conflict: a request with id \(key) is still in progress on this session; give each request a unique id",
                id: rpc.id)
        }
        let (data, error) = await dispatcher.respond(to: rpc, client: session.client)
        await store.finish(key, in: sessionID)
        if error == nil, rpc.method == "resources/subscribe" || rpc.method == "resources/unsubscribe",
           case .string(let uri)? = rpc.params["uri"] {
            await store.setSubscription(sessionID, to: uri, rpc.method == "resources/subscribe")
        }
        return Reply.message(data, status: error?.httpStatus ?? 200, sessionID: sessionID, eventStream: eventStream)
    }

    private func startSession(_ rpc: RPCRequest, principal: Principal, dispatcher: MCPDispatcher,
                              eventStream: Bool) async -> OutgoingResponse {
        let opened: (result: [String: JSONValue], client: ClientContext)
        do {
            opened = try dispatcher.initialize(rpc)
        } catch {
            return Reply.failure(RPCFailure(id: rpc.id, error: error), eventStream: eventStream)
        }
        let now = Date()
        let summary = SessionSummary(
            id: SessionIdentifier.generate(),
            principal: principal,
            clientName: opened.client.clientName,
            clientVersion: opened.client.clientVersion,
            protocolVersion: opened.client.protocolVersion,
            startedAt: now
        )
        let session = SessionStore.Session(summary: summary, client: opened.client, lastActivity: now)
        guard await store.insert(session, maxPerPrincipal: configuration.maxSessionsPerPrincipal) else {
            return Reply.problem(.serviceUnavailable, "Service Unavailable: the letswork session is shutting down", id: rpc.id)
        }
        return Reply.message(RPCResponse.success(id: rpc.id, result: .object(opened.result)), sessionID: summary.id, eventStream: eventStream)
    }
}
