import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP face of a letswork session: MCP Streamable HTTP at `/mcp` on `127.0.0.1`, behind
/// bearer tokens.
///
/// Both MCP eras: 2026-07-28 clients send self-contained requests; earlier clients open a
/// session with `initialize`, and every later request on it must carry a token of the same
/// principal. Each principal is answered by the ``MCPDispatcher`` the ``ParticipantFactory``
/// makes for it. Replies always travel in the response to their POST.
///
/// It is a `Service`: run it in a `ServiceGroup` (next to the tunnel) so SIGINT/SIGTERM shut it
/// down gracefully, or call ``stop()``.
///
/// ```swift
/// let tokens = TokenRegistry()
/// let host = try await tokens.issueHostToken()
/// let guest = try await tokens.addGuest(named: "guest")
/// let server = SessionHTTPServer(
///     configuration: .init(port: 8000),
///     tokens: tokens,
///     factory: toolsFactory,
///     logger: logger
/// )
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
/// async let running: Void = group.run()
/// print("listening on", try await server.localURL)
/// try await running
/// ```
public final class SessionHTTPServer: Service, Sendable {
    /// What the server was created with. `publicHostnames` may since have been replaced.
    public let configuration: Configuration

    /// Who connected, who left, who was refused. Single consumer; the stream finishes when the
    /// server stops. The newest 1,000 events are kept if nobody reads.
    public let events: AsyncStream<ConnectionEvent>

    private let store: SessionStore
    private let listener = ListenerState()
    private let group: ServiceGroup
    private let logger: Logger

    /// Creates a server; it listens once ``run()`` is called.
    ///
    /// - Parameters:
    ///   - configuration: Port, public hostnames, limits.
    ///   - tokens: Who may connect, and as whom. Consulted on every request, so revocations take
    ///     effect at once.
    ///   - factory: Makes each principal's dispatcher.
    ///   - logger: Where the server logs (it never logs a token).
    public init(
        configuration: Configuration,
        tokens: TokenRegistry,
        factory: some ParticipantFactory,
        logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        let (events, continuation) = AsyncStream.makeStream(of: ConnectionEvent.self, bufferingPolicy: .bufferingNewest(1000))
        self.events = events
        let store = SessionStore(
            hostPolicy: HostPolicy(publicHostnames: configuration.publicHostnames),
            continuation: continuation,
            logger: logger
        )
        self.store = store

        let endpoint = MCPEndpoint(configuration: configuration, tokens: tokens, store: store, factory: factory, logger: logger)
        let listener = self.listener
        let application = Application(
            responder: endpoint,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: configuration.port)),
            onServerRunning: { channel in
                await listener.listening(port: channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
        self.group = ServiceGroup(services: [application], logger: logger)
    }

    /// Listens on 127.0.0.1 and serves until ``stop()`` or a graceful shutdown of the enclosing
    /// `ServiceGroup`; then ends every open session. Call it once.
    ///
    /// - Throws: ``SessionServerError`` `.cannotListen` when the port cannot be bound (the
    ///   message suggests `--port`), `.alreadyStarted` on a second call; otherwise whatever
    ///   stopped the server abnormally.
    public func run() async throws {
        try await listener.begin()
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { [store, configuration] in
                    await Self.sweepIdleSessions(store: store, timeout: configuration.sessionIdleTimeout)
                }
                // Long-lived notification streams end as a shutdown begins, or it would wait on them.
                tasks.addTask { [store] in
                    try? await gracefulShutdown()
                    await store.closeStreams()
                }
                defer { tasks.cancelAll() }
                try await group.run()
            }
        } catch {
            let wasListening = await listener.stopped()
            await store.shutDown()
            if !wasListening, !(error is CancellationError) {
                let failure = SessionServerError.cannotListen(port: configuration.port, underlying: error)
                logger.error("\(failure.message)")
                throw failure
            }
            throw error
        }
        _ = await listener.stopped()
        await store.shutDown()
    }

    /// Starts a graceful shutdown: the server stops accepting connections, lets requests in
    /// flight finish, ends the MCP sessions, and ``run()`` returns. Safe to call at any time, more
    /// than once, even before ``run()`` (which then returns at once).
    public func stop() async {
        await store.closeStreams()
        await group.triggerGracefulShutdown()
    }

    /// The port the server listens on; waits until it is listening.
    ///
    /// - Throws: ``SessionServerError`` `.notRunning` if the server stopped or failed to start.
    public var port: Int {
        get async throws {
            try await listener.port()
        }
    }

    /// `http://127.0.0.1:<port>/mcp`, the URL the host's own MCP client should use (so the host's
    /// traffic never crosses the tunnel). Waits until the server is listening.
    ///
    /// - Throws: ``SessionServerError`` `.notRunning` if the server stopped or failed to start.
    public var localURL: String {
        get async throws {
            "http://127.0.0.1:\(try await port)\(configuration.endpointPath)"
        }
    }

    /// Replaces the public hostnames the server answers to (for example after the tunnel
    /// restarted with a new quick-tunnel hostname). Loopback is always allowed.
    public func setPublicHostnames(_ hostnames: [String]) async {
        await store.setPublicHostnames(hostnames)
    }

    /// When each principal was last heard from and how many sessions it has open.
    public func presence() async -> [Presence] {
        await store.presence
    }

    /// The open MCP sessions, oldest first.
    public func openSessions() async -> [SessionSummary] {
        await store.summaries
    }

    /// Ends every session of a principal, for example right after revoking its token (the
    /// revocation alone already refuses its next request).
    public func endSessions(of principalID: String) async {
        await store.endAll(of: principalID, reason: .ended)
    }

    private static func sweepIdleSessions(store: SessionStore, timeout: Duration) async {
        let interval = min(timeout / 4, .seconds(60))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            await store.endIdle(olderThan: timeout)
        }
    }
}

/// Whether the server is listening yet, and on which port.
actor ListenerState {
    private enum State {
        case starting([CheckedContinuation<Int, any Error>])
        case listening(Int)
        case stopped
    }

    private var state: State = .starting([])
    private var begun = false

    /// Marks the start of `run()`; throws on a second start.
    func begin() throws {
        guard !begun else { throw SessionServerError.alreadyStarted }
        begun = true
    }

    func listening(port: Int) {
        guard case .starting(let waiters) = state else { return }
        state = .listening(port)
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// Marks the server stopped. Returns whether it had been listening.
    func stopped() -> Bool {
        switch state {
        case .starting(let waiters):
            state = .stopped
            for waiter in waiters { waiter.resume(throwing: SessionServerError.notRunning) }
            return false
        case .listening:
            state = .stopped
            return true
        case .stopped:
            return false
        }
    }

    func port() async throws -> Int {
        switch state {
        case .listening(let port):
            return port
        case .stopped:
            throw SessionServerError.notRunning
        case .starting(var waiters):
            return try await withCheckedThrowingContinuation { continuation in
                waiters.append(continuation)
                state = .starting(waiters)
            }
        }
    }
}
