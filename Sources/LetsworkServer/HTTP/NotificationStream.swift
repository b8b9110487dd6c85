import Foundation
import HTTPTypes
import Hummingbird
import LetsworkProtocol

/// A long-lived SSE response carrying change notifications: the `subscriptions/listen` stream
/// (2026-07-28) and a session's GET stream (2025-11-25). Both say only *that* something changed;
/// the client then reads the resource, so a stream that drops (a tunnel, a reset) loses nothing.
///
/// A comment line goes out every ``keepAlive`` so intermediaries and idle timers leave the stream
/// open and a departed client is noticed. The stream ends when the client goes, its session ends,
/// or the server shuts down — then the listen stream's request is answered as complete.
struct NotificationStream {
    static let keepAlive = Duration.seconds(15)

    enum Tick: Sendable {
        case changed(String)
        case keepAlive
    }

    /// Messages sent first (the listen acknowledgement).
    var opening: [JSONValue] = []
    /// The resources followed, each with the stream that rings when it may have changed.
    var updates: [(uri: String, rings: AsyncStream<Void>)]
    /// The notification for a change of `uri`, or nil to send nothing (a GET stream whose
    /// session has not subscribed to it).
    var message: @Sendable (String) async -> JSONValue?
    /// Sent when the server ends the stream (the listen request's completion).
    var closing: JSONValue?
    /// The session whose activity the stream keeps fresh and whose end ends it.
    var sessionID: String?

    func response(store: SessionStore) async -> OutgoingResponse {
        let (ticks, continuation) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(64))
        let registration = await store.registerStream(continuation, session: sessionID)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache, no-transform"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        if let sessionID { headers[.mcpSessionID] = sessionID }
        let body = ResponseBody { [self] writer in
            let forwarders = updates.map { uri, rings in
                Task {
                    for await _ in rings { continuation.yield(.changed(uri)) }
                    continuation.finish()
                }
            }
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: Self.keepAlive)
                    continuation.yield(.keepAlive)
                }
            }
            defer {
                forwarders.forEach { $0.cancel() }
                heartbeat.cancel()
                continuation.finish()
                Task { await store.unregisterStream(registration) }
            }
            // An opening comment, so the headers and the first bytes leave at once.
            try await writer.write(ByteBuffer(string: ": letswork notifications\n\n"))
            for message in opening { try await writer.write(Reply.sseMessage(JSONWriter.data(message))) }
            for await tick in ticks {
                switch tick {
                case .changed(let uri):
                    guard let message = await message(uri) else { continue }
                    try await writer.write(Reply.sseMessage(JSONWriter.data(message)))
                case .keepAlive:
                    try await writer.write(ByteBuffer(string: ":\n\n"))
                    if let sessionID { await store.touch(sessionID) }
                }
            }
            if let closing { try await writer.write(Reply.sseMessage(JSONWriter.data(closing))) }
            try await writer.finish(nil)
        }
        return OutgoingResponse(status: .ok, headers: headers, body: body)
    }
}

extension MCPEndpoint {
    /// POST `subscriptions/listen` (2026-07-28), its envelope already checked.
    func listen(_ rpc: RPCRequest, dispatcher: MCPDispatcher) async -> OutgoingResponse {
        let uris: [String]
        do {
            uris = try Subscription.honoured(rpc, resources: dispatcher.service.resources)
        } catch {
            return Reply.failure(RPCFailure(id: rpc.id, error: error), eventStream: false)
        }
        let id = rpc.id
        let stream = NotificationStream(
            opening: [Subscription.acknowledgement(id: id, uris: uris)],
            updates: uris.compactMap { uri in dispatcher.service.updates(of: uri).map { (uri, $0) } },
            message: { uri in Subscription.updated(uri, subscription: id) },
            closing: Subscription.completion(id: id))
        return await stream.response(store: store)
    }

    /// GET with a session (2025-11-25): the session's stream of `notifications/resources/updated`
    /// for the resources it subscribed to with `resources/subscribe`.
    func sessionStream(_ session: SessionStore.Session, principal: Principal) async throws -> OutgoingResponse {
        let dispatcher = try await store.dispatcher(for: principal) { try await factory.dispatcher(for: $0) }
        let sessionID = session.summary.id
        let followable = dispatcher.service.resources.filter(\.subscribable).map(\.uri)
        guard !followable.isEmpty else {
            return Reply.problem(.methodNotAllowed, "Method Not Allowed: this server offers no server-to-client event stream; "
                                    + "every reply comes back in the response to its POST.", headers: [.allow: "POST, DELETE"])
        }
        let stream = NotificationStream(
            updates: followable.compactMap { uri in dispatcher.service.updates(of: uri).map { (uri, $0) } },
            message: { [store] uri -> JSONValue? in
                // `.none`, not `nil`: JSONValue is ExpressibleByNilLiteral, so `nil` here would be `.null`.
                guard await store.isSubscribed(sessionID, to: uri) else { return .none }
                return Subscription.updated(uri, subscription: nil)
            },
            closing: nil, sessionID: sessionID)
        return await stream.response(store: store)
    }
}
