import Foundation
import LetsworkProtocol
import Logging
import Synchronization

/// The stdio proxy: the agent's JSON-RPC messages (one per line on standard input) go to the
/// host as Streamable HTTP POSTs; every message the host sends back goes to standard output, as
/// the host wrote it. Nothing is decoded and re-encoded on the way: `isError`,
/// `structuredContent` and annotations reach the agent byte for byte.
///
/// Both MCP eras: a 2025-11-25 agent's messages travel on the session its `initialize` opened
/// (re-opened transparently when the host forgets it); a 2026-07-28 agent's requests carry their
/// own version in `_meta` and go out without a session, with the `MCP-Protocol-Version`,
/// `Mcp-Method` and `Mcp-Name` headers mirroring the body as that revision asks.
///
/// Each message travels on its own task, so an agent's concurrent requests are in flight at
/// once. When the host cannot answer a request, the agent gets a JSON-RPC error for it that says
/// what happened and what to do — within seconds, never a hang.
public final class ProxyRelay: Sendable {
    public let configuration: ProxyConfiguration
    let exchange: HostExchange
    let session = HostSession()
    let output: StandardOutput
    let logger: Logger
    private let inFlight = Mutex(0)
    let serverStream = Mutex(ServerStreamState())
    /// Stops the GET stream's blocked transfer at shutdown.
    let streamCancellation = TransferCancellation()
    /// The participant's events, delivered to the agent as channel messages.
    let events: EventPump
    /// Gives up requests whose link is cut (see ProxyRelay+Liveness.swift).
    let liveness: LivenessWatch

    public init(configuration: ProxyConfiguration, output: StandardOutput = StandardOutput(), logger: Logger) {
        self.configuration = configuration
        self.output = output
        self.logger = logger
        exchange = HostExchange(client: HTTPClient(caCertificateFile: configuration.caCertificateFile,
                                                   connectTimeout: configuration.connectTimeout),
                                url: configuration.url, token: configuration.token)
        events = EventPump(exchange: exchange, output: output, cursorFile: configuration.cursorFile.map(EventCursorFile.init),
                           logger: logger)
        liveness = LivenessWatch(after: configuration.livenessAfter, probeTimeout: configuration.probeTimeout) { [exchange, configuration] in
            await Self.hostAnswersPing(exchange, timeout: configuration.probeTimeout)
        }
    }

    /// Relays until the agent closes standard input, then lets answers in flight arrive (for at
    /// most `configuration.drainTimeout`) and ends the host's session.
    public func run(input: AsyncStream<Data> = StandardInputLines.stream()) async {
        for await line in input {
            // The line's bytes go to the host as they are (no copy); only method and id are read.
            let message = line
            let peek = MessagePeek(message) ?? MessagePeek(method: nil, id: nil)
            // Marked here, in arrival order, so a message the agent sends right after its
            // initialize cannot overtake it (each message then travels on its own task).
            if peek.method == "initialize" { await session.beginInitialize() }
            inFlight.withLock { $0 += 1 }
            Task {
                await relay(message, peek: peek)
                inFlight.withLock { $0 -= 1 }
            }
        }
        let deadline = ContinuousClock.now + configuration.drainTimeout
        while inFlight.withLock({ $0 }) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        streamCancellation.cancel()
        events.stop()
        await exchange.delete(session: await session.snapshot, timeout: .seconds(2))
        logger.debug("standard input closed; session ended")
    }

    /// Sends one message of the agent to the host and hands on whatever comes back.
    func relay(_ message: Data, peek: MessagePeek) async {
        let started = ContinuousClock.now
        switch peek.method {
        case "initialize": await session.remember(initialize: message)
        case "notifications/initialized": await session.remember(initialized: message)
        default: break
        }
        logger.debug("→ \(peek.summary) (\(message.count) bytes)")
        let outcome: Outcome
        if peek.method == "initialize" {
            outcome = await deliver(message, peek: peek)
            await session.endInitialize()
        } else if peek.isModern {
            outcome = await deliver(message, peek: peek)
        } else {
            await session.waitUntilInitialized()
            outcome = await deliver(message, peek: peek)
        }
        let elapsed = ContinuousClock.now - started
        switch outcome {
        case .done(let status, let mediaType):
            logger.debug("← \(peek.summary): HTTP \(status)\(mediaType.isEmpty ? "" : " " + mediaType) in \(Self.format(elapsed))")
            // Channel messages start once the agent is ready for them: after its
            // notifications/initialized, or its first answered request after initialize.
            if peek.method == "notifications/initialized" || (peek.isRequest && peek.method != "initialize") { events.start() }
        case .failed(let reason):
            if let answer = peek.failure(reason) { output.writeLine(answer) }
            logger.warning("\(peek.summary) failed after \(Self.format(elapsed)): \(reason)")
        }
    }

    enum Outcome {
        case done(status: Int, mediaType: String)
        case failed(String)
    }

    /// The delivery policy: retry what certainly never reached the host, re-open a forgotten
    /// session once, and turn everything else into one clear failure.
    private func deliver(_ message: Data, peek: MessagePeek) async -> Outcome {
        let deadline = ContinuousClock.now + configuration.retryWindow
        var backoff = Duration.milliseconds(100)
        var reopened = false
        while true {
            // A 2026-07-28 message belongs to no session.
            let snapshot = peek.isModern ? HostSession.Snapshot() : await session.snapshot
            let reply: HostExchange.Reply
            // The initialize result also tells which protocol version later requests declare.
            let answer = Mutex<[UInt8]?>(nil)
            let keepAnswer = peek.method == "initialize"
            let declaresCapabilities = peek.method == "initialize" || peek.method == "server/discover"
            do {
                reply = try await postWatched(message, session: snapshot, mirroring: peek) { [output] message in
                    // The response itself, not a notification sent before it on an SSE stream.
                    let isAnswer = declaresCapabilities && message.withUnsafeBytes({ MessagePeek($0) }).map { $0.method == nil && $0.id != nil } == true
                    if keepAnswer && isAnswer { answer.withLock { $0 = message } }
                    output.writeLine(isAnswer ? ChannelCapability.declare(in: message) : message)
                }
            } catch let error as CurlError {
                if error.neverDelivered, ContinuousClock.now + backoff < deadline {
                    logger.debug("\(peek.summary): \(error.message); retrying in \(Self.format(backoff))")
                    try? await Task.sleep(for: backoff)
                    backoff *= 2
                    continue
                }
                return .failed(failure(error))
            } catch let cut as LinkCut {
                return .failed(failure(cut))
            } catch {
                return .failed("host unreachable at \(configuration.url): \(error); ask the host whether the session is still running")
            }

            switch reply.head.status {
            case 200 where reply.isMCP:
                if keepAnswer {
                    let fresh = HostSession.Snapshot(sessionID: reply.head["mcp-session-id"],
                                                     protocolVersion: Self.protocolVersion(in: answer.withLock { $0 }))
                    await session.adopt(fresh)
                    openServerStream(fresh)
                }
                if peek.isRequest && reply.delivered == 0 {
                    return .failed("the host at \(configuration.url) answered without a result; ask the host whether the session is still running")
                }
                return .done(status: 200, mediaType: reply.head.mediaType)
            case 202 where !peek.isRequest:
                return .done(status: 202, mediaType: reply.head.mediaType)
            case 400 where reply.delivered > 0, 404 where reply.delivered > 0:
                // A JSON-RPC error the host answered with (2026-07-28 maps protocol errors to
                // 400 and 404): the agent has it already.
                return .done(status: reply.head.status, mediaType: reply.head.mediaType)
            case 404 where snapshot.sessionID != nil && !reopened && peek.method != "initialize":
                // The host restarted or expired the session: open a new one with the agent's own
                // initialize, then send this message again (the 404 means it was not processed).
                reopened = true
                do {
                    try await session.recover(from: snapshot.sessionID) { [self] in try await reinitialize() }
                    openServerStream(await session.snapshot)
                    logger.info("the host forgot the session; re-initialized and resending \(peek.summary)")
                } catch {
                    return .failed("the host at \(configuration.url) forgot this session and a new one could not be opened: \(error); ask the host whether the session is still running")
                }
            case 429 where ContinuousClock.now + Self.retryAfter(reply.head) < deadline:
                // The host's rate limit refused it before doing anything: wait as told, send again.
                try? await Task.sleep(for: Self.retryAfter(reply.head))
            case let status where [502, 503, 504].contains(status) && Self.safeToRepeat(peek)
                && ContinuousClock.now + backoff < deadline:
                // A tunnel or reverse proxy says the host behind it did not answer.
                try? await Task.sleep(for: backoff)
                backoff *= 2
            default:
                return .failed(refusal(reply, peek: peek))
            }
        }
    }

    /// Opens a new session: the agent's initialize, answered to nobody, then its
    /// `notifications/initialized`.
    private func reinitialize() async throws -> HostSession.Snapshot {
        guard let initialize = await session.initializeMessage else {
            throw ProxyError("the agent has not initialized yet")
        }
        let answer = Mutex<[UInt8]?>(nil)
        let reply = try await exchange.post(initialize, session: .init(), mirroring: nil) { message in answer.withLock { $0 = message } }
        guard reply.head.status == 200, let id = reply.head["mcp-session-id"] else {
            throw ProxyError(refusal(reply, peek: MessagePeek(method: "initialize", id: nil)))
        }
        let fresh = HostSession.Snapshot(sessionID: id, protocolVersion: Self.protocolVersion(in: answer.withLock { $0 }))
        let initialized = await session.initializedMessage ?? Data(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8)
        _ = try await exchange.post(initialized, session: fresh, mirroring: nil) { _ in }
        return fresh
    }
}
