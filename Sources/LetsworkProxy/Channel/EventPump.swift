import Foundation
import LetsworkProtocol
import Logging
import Synchronization

/// Delivers the participant's letswork events to the agent as channel messages, each exactly
/// once and in order, whatever the link does.
///
/// Events travel one way only: a read of `letswork://events` after the cursor this pump keeps
/// (and saves, see ``EventCursorFile``). A `subscriptions/listen` stream (2026-07-28, whatever
/// era the agent speaks) only rings the bell: on each `notifications/resources/updated` the pump
/// reads. A stream that drops, never opens or goes quiet (a tunnel that buffers long responses)
/// costs nothing but latency: without a healthy stream the pump reads every ``pollInterval``, and
/// every ``safetyInterval`` in any case.
public final class EventPump: Sendable {
    static let pollInterval = Duration.seconds(2)
    static let safetyInterval = Duration.seconds(30)
    /// A stream whose keep-alives (every 15 s) stop for this long is not trusted.
    static let quietLimit = Duration.seconds(20)
    static let resource = "letswork://events"
    /// How the pump names itself to the host, which then does not mistake it for an agent arriving.
    public static let clientName = "letswork-events"

    private let exchange: HostExchange
    private let output: StandardOutput
    private let cursorFile: EventCursorFile?
    private let logger: Logger
    private let wake = WakeSignal()
    private let cancellation = TransferCancellation()
    private let state: Mutex<State>

    private struct State {
        var cursor: String?
        var started = false
        var stopped = false
        /// When the listen stream last delivered anything (acknowledgement, notification or
        /// keep-alive); nil while none is open and acknowledged.
        var streamAlive: ContinuousClock.Instant?
        var requests = 0
        var cursorWarned = false
    }

    init(exchange: HostExchange, output: StandardOutput, cursorFile: EventCursorFile?, logger: Logger) {
        self.exchange = exchange
        self.output = output
        self.cursorFile = cursorFile
        self.logger = logger
        state = Mutex(State(cursor: cursorFile?.load()))
    }

    /// Starts delivering (once the agent has initialized); later calls do nothing.
    func start() {
        let first = state.withLock { state -> Bool in
            guard !state.started, !state.stopped else { return false }
            state.started = true
            return true
        }
        guard first else { return }
        Task { await deliverLoop() }
        Task { await listenLoop() }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        cancellation.cancel()
        wake.signal()
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    // MARK: - Reading and delivering

    private func deliverLoop() async {
        var failures = 0
        while !stopped {
            do {
                try await drain()
                failures = 0
            } catch {
                failures += 1
                logger.debug("reading events failed (\(failures)): \(error)")
            }
            let healthy = state.withLock { state in
                state.streamAlive.map { ContinuousClock.now - $0 < Self.quietLimit } ?? false
            }
            // A host that is down is asked again soon, but not in a tight loop.
            let wait = failures > 0 ? min(Self.pollInterval * (1 << min(failures, 2)), .seconds(8))
                : healthy ? Self.safetyInterval : Self.pollInterval
            await wake.wait(upTo: wait)
        }
    }

    /// Reads and writes every event after the cursor.
    private func drain() async throws {
        while !stopped {
            let page = try await read(after: state.withLock { $0.cursor })
            if page.reset { logger.info("the host started a new session; its events start afresh") }
            for event in page.events {
                guard let id = event["id"]?.stringValue, let message = ChannelCapability.message(for: event) else { continue }
                output.writeLine(message)
                remember(id)
            }
            if let next = page.next { remember(next) }
            guard page.more else { return }
        }
    }

    private func remember(_ cursor: String) {
        let changed = state.withLock { state -> Bool in
            guard state.cursor != cursor else { return false }
            state.cursor = cursor
            return true
        }
        guard changed, let cursorFile else { return }
        do {
            try cursorFile.save(cursor)
        } catch {
            let first = state.withLock { state -> Bool in
                defer { state.cursorWarned = true }
                return !state.cursorWarned
            }
            if first { logger.warning("\(error)") }
        }
    }

    struct Page {
        var events: [JSONValue]
        var next: String?
        var more: Bool
        var reset: Bool
    }

    private func read(after cursor: String?) async throws -> Page {
        let uri = cursor.map { Self.resource + "?after=" + $0 } ?? Self.resource
        let answer = Mutex<[UInt8]?>(nil)
        let request = request("resources/read", ["uri": .string(uri)])
        let reply = try await exchange.post(request.data, session: .init(), mirroring: request.peek, timeout: .seconds(20)) { message in
            answer.withLock { $0 = message }
        }
        guard reply.head.status == 200, let bytes = answer.withLock({ $0 }),
              let response = bytes.withUnsafeBytes({ JSONReader.parse($0) }) else {
            throw ProxyError("the host answered resources/read with HTTP \(reply.head.status)")
        }
        if let error = response["error"] {
            throw ProxyError("the host refused to read \(uri): \(error["message"]?.stringValue ?? "\(error)")")
        }
        guard let text = response["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue,
              let body = JSONReader.parse(Data(text.utf8)) else {
            throw ProxyError("the host's answer to resources/read holds no events")
        }
        return Page(events: body["events"]?.arrayValue ?? [], next: body["next"]?.stringValue,
                    more: body["more"]?.boolValue ?? false, reset: body["reset"]?.boolValue ?? false)
    }

    // MARK: - The doorbell

    private func listenLoop() async {
        var backoff = Duration.seconds(1)
        while !stopped {
            let opened = ContinuousClock.now
            let request = request("subscriptions/listen", ["notifications": ["resourceSubscriptions": [.string(Self.resource)]]])
            do {
                let reply = try await exchange.post(request.data, session: .init(), mirroring: request.peek, timeout: .zero,
                                                    idleLimit: Self.quietLimit * 2, cancellation: cancellation,
                                                    heard: { [self] in keptAlive() }) { [self] message in
                    heard(message)
                }
                if reply.head.status != 200 {
                    logger.debug("the host offers no subscriptions/listen stream (HTTP \(reply.head.status)); reading every \(Self.pollInterval)")
                    backoff = .seconds(30)
                }
            } catch {
                if stopped { return }
                logger.debug("the event stream ended: \(error)")
            }
            state.withLock { $0.streamAlive = nil }
            wake.signal()
            if ContinuousClock.now - opened > .seconds(30) { backoff = .seconds(1) }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(10))
        }
    }

    /// Bytes on an acknowledged stream (keep-alives too) keep it trusted.
    private func keptAlive() {
        state.withLock { state in
            if state.streamAlive != nil { state.streamAlive = .now }
        }
    }

    /// A message on the listen stream: the acknowledgement makes the stream trusted (and the pump
    /// reads, catching up on whatever came while it was closed); an update rings the bell.
    private func heard(_ message: [UInt8]) {
        guard let peek = message.withUnsafeBytes({ MessagePeek($0) }) else { return }
        switch peek.method {
        case "notifications/subscriptions/acknowledged", "notifications/resources/updated":
            state.withLock { $0.streamAlive = .now }
            wake.signal()
        default:
            break
        }
    }

    // MARK: - Requests of the pump's own

    private func request(_ method: String, _ params: [String: JSONValue]) -> (data: Data, peek: MessagePeek) {
        let number = state.withLock { state -> Int in
            state.requests += 1
            return state.requests
        }
        return OwnRequest.make(id: "letswork-events-\(number)", method: method, params: params)
    }
}
