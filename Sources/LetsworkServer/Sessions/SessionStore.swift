import Foundation
import Logging
import LetsworkProtocol

/// The live MCP sessions and who was last seen when.
///
/// One actor holds every map the request path touches, so a request costs one hop here for its
/// session lookup and presence update. Sessions exist only for clients of the handshake era
/// (2025-11-25 and earlier); 2026-07-28 clients are stateless and leave only their presence.
actor SessionStore {
    struct Session: Sendable {
        let summary: SessionSummary
        /// What the client said of itself in `initialize`; every request of the session is
        /// dispatched with it.
        let client: ClientContext
        var lastActivity: Date
    }

    enum Lookup: Sendable {
        case found(Session)
        case notFound
        case foreign(owner: Principal)
    }

    private var sessions: [String: Session] = [:]
    /// JSON-RPC request ids awaiting their reply, per session: a second request with an id still
    /// in flight is refused, as JSON-RPC ids must be unique among a session's open requests.
    private var inFlight: [String: Set<String>] = [:]
    private var lastSeen: [String: (principal: Principal, date: Date)] = [:]
    /// Each principal's dispatcher, made once by the factory (see ``dispatcher(for:making:)``).
    private var dispatchers: [String: MCPDispatcher] = [:]
    /// The client each principal last spoke 2026-07-28 with, so the feed names a new one once.
    private var statelessClients: [String: String] = [:]
    private(set) var hostPolicy: HostPolicy
    private var accepting = true
    /// The resources each session subscribed to (2025-11-25 `resources/subscribe`).
    private var subscriptions: [String: Set<String>] = [:]
    /// Open notification streams, by registration, with the session each belongs to (nil for a
    /// stateless `subscriptions/listen`): finished when that session ends or the server stops.
    private var streams: [Int: (session: String?, continuation: AsyncStream<NotificationStream.Tick>.Continuation)] = [:]
    private var nextStream = 0
    private var streamsClosed = false
    private let continuation: AsyncStream<ConnectionEvent>.Continuation
    private let logger: Logger

    init(hostPolicy: HostPolicy, continuation: AsyncStream<ConnectionEvent>.Continuation, logger: Logger) {
        self.hostPolicy = hostPolicy
        self.continuation = continuation
        self.logger = logger
    }

    /// Claims `requestID` on `sessionID`; false if a request with that id is still in flight there.
    func begin(_ requestID: String, in sessionID: String) -> Bool {
        inFlight[sessionID, default: []].insert(requestID).inserted
    }

    /// Releases a claim made by ``begin(_:in:)``.
    func finish(_ requestID: String, in sessionID: String) {
        inFlight[sessionID]?.remove(requestID)
        if inFlight[sessionID]?.isEmpty == true { inFlight[sessionID] = nil }
    }

    func setPublicHostnames(_ hostnames: [String]) {
        hostPolicy = HostPolicy(publicHostnames: hostnames)
    }

    /// Records that `principal` made an authenticated request, and finds the session it names.
    func lookup(_ sessionID: String?, for principal: Principal, now: Date = Date()) -> Lookup {
        lastSeen[principal.id] = (principal, now)
        guard let sessionID else { return .notFound }
        guard var session = sessions[sessionID] else { return .notFound }
        guard session.summary.principal.id == principal.id else {
            return .foreign(owner: session.summary.principal)
        }
        session.lastActivity = now
        sessions[sessionID] = session
        return .found(session)
    }

    /// Adds a session that just answered `initialize`. Returns `false` (and the caller must stop
    /// the server) if the store is shutting down.
    func insert(_ session: Session, maxPerPrincipal: Int) async -> Bool {
        guard accepting else { return false }
        sessions[session.summary.id] = session
        lastSeen[session.summary.principal.id] = (session.summary.principal, session.lastActivity)
        continuation.yield(.connected(session.summary))
        logger.info(
            "MCP session started",
            metadata: [
                "principal": "\(session.summary.principal.id)",
                "client": "\(session.summary.clientName ?? "unknown")",
            ]
        )
        let own = sessions.values
            .filter { $0.summary.principal.id == session.summary.principal.id }
            .sorted { $0.lastActivity < $1.lastActivity }
        for stale in own.dropLast(max(1, maxPerPrincipal)) {
            await end(stale.summary.id, reason: .replaced)
        }
        return true
    }

    /// Ends one session. Returns it if it existed.
    @discardableResult
    func end(_ sessionID: String, reason: SessionEndReason) async -> SessionSummary? {
        guard let session = sessions.removeValue(forKey: sessionID) else { return nil }
        subscriptions[sessionID] = nil
        for (key, stream) in streams where stream.session == sessionID {
            stream.continuation.finish()
            streams[key] = nil
        }
        continuation.yield(.disconnected(session.summary, reason: reason))
        logger.info(
            "MCP session ended",
            metadata: ["principal": "\(session.summary.principal.id)", "reason": "\(reason)"]
        )
        return session.summary
    }

    /// Ends every session of one principal.
    /// The dispatcher for `principal`, made by `make` the first time.
    func dispatcher(for principal: Principal, making make: @Sendable (Principal) async throws -> MCPDispatcher) async throws -> MCPDispatcher {
        if let known = dispatchers[principal.id] { return known }
        let made = try await make(principal)
        dispatchers[principal.id] = made
        return made
    }

    /// Records a 2026-07-28 request's client; the feed hears of each new client of a principal.
    func statelessRequest(from principal: Principal, client: ClientContext) {
        let name = "\(client.clientName ?? "unknown client") \(client.clientVersion ?? "")"
        guard statelessClients.updateValue(name, forKey: principal.id) != name else { return }
        continuation.yield(.statelessClient(principal: principal, clientName: client.clientName, protocolVersion: client.protocolVersion))
    }

    func endAll(of principalID: String, reason: SessionEndReason) async {
        dispatchers[principalID] = nil
        statelessClients[principalID] = nil
        for id in sessions.values.filter({ $0.summary.principal.id == principalID }).map(\.summary.id) {
            await end(id, reason: reason)
        }
    }

    /// Ends the sessions idle for longer than `timeout`.
    func endIdle(olderThan timeout: Duration, now: Date = Date()) async {
        let limit = now.addingTimeInterval(-timeout.seconds)
        for id in sessions.values.filter({ $0.lastActivity < limit }).map(\.summary.id) {
            await end(id, reason: .idleTimeout)
        }
    }

    // MARK: - Notification streams

    /// Registers an open stream; a session's earlier GET stream is ended, since each message
    /// must travel on one stream only.
    func registerStream(_ continuation: AsyncStream<NotificationStream.Tick>.Continuation, session: String?) -> Int {
        guard accepting, !streamsClosed else {
            continuation.finish()
            return -1
        }
        if let session {
            for (key, stream) in streams where stream.session == session {
                stream.continuation.finish()
                streams[key] = nil
            }
        }
        nextStream += 1
        streams[nextStream] = (session, continuation)
        return nextStream
    }

    func unregisterStream(_ key: Int) {
        streams[key] = nil
    }

    /// Ends every notification stream (as a graceful shutdown begins, so none holds it up).
    func closeStreams() {
        streamsClosed = true
        streams.values.forEach { $0.continuation.finish() }
        streams = [:]
    }

    func setSubscription(_ sessionID: String, to uri: String, _ subscribed: Bool) {
        if subscribed { subscriptions[sessionID, default: []].insert(uri) } else { subscriptions[sessionID]?.remove(uri) }
    }

    func isSubscribed(_ sessionID: String, to uri: String) -> Bool {
        subscriptions[sessionID]?.contains(uri) == true
    }

    /// Keeps a session with an open stream from counting as idle.
    func touch(_ sessionID: String, now: Date = Date()) {
        sessions[sessionID]?.lastActivity = now
        if let principal = sessions[sessionID]?.summary.principal { lastSeen[principal.id] = (principal, now) }
    }

    /// Refuses new sessions and ends the open ones; finishes the event stream.
    func shutDown() async {
        accepting = false
        closeStreams()
        for id in Array(sessions.keys) {
            await end(id, reason: .serverStopped)
        }
        continuation.finish()
    }

    func refused(_ refusal: RefusedRequest) {
        continuation.yield(.refused(refusal))
    }

    var summaries: [SessionSummary] {
        sessions.values.map(\.summary).sorted { $0.startedAt < $1.startedAt }
    }

    var presence: [Presence] {
        lastSeen.values.map { entry in
            let own = sessions.values.filter { $0.summary.principal.id == entry.principal.id }
            let newest = own.max { $0.summary.startedAt < $1.summary.startedAt }
            return Presence(
                principal: entry.principal,
                lastSeen: entry.date,
                openSessions: own.count,
                clientName: newest?.summary.clientName
            )
        }
        .sorted { $0.principal.id < $1.principal.id }
    }
}

extension Duration {
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
