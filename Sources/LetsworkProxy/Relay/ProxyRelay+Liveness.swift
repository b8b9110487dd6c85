import Foundation
import LetsworkProtocol
import Synchronization

/// A request the host is slow to answer is not failed for being slow — an approval may wait for
/// another — but one whose link is cut is: once a request has waited
/// ``ProxyConfiguration/livenessAfter``, the proxy pings the host on a connection of its own, and
/// when a ping gets no answer within ``ProxyConfiguration/probeTimeout`` the requests waiting that
/// long are given up with an error that says so (instead of hanging until the link returns).
///
/// One watcher task for all requests, running only while some are in flight: a request itself
/// costs two lock turns on its way, nothing more.
final class LivenessWatch: Sendable {
    private struct Waiting {
        let since: ContinuousClock.Instant
        let cancellation: TransferCancellation
        var cutAfter: Duration?
    }

    private struct State {
        var waiting: [Int: Waiting] = [:]
        var next = 0
        var watching = false
    }

    private let state = Mutex(State())
    private let after: Duration
    private let probeTimeout: Duration
    private let ping: @Sendable () async -> Bool

    init(after: Duration, probeTimeout: Duration, ping: @escaping @Sendable () async -> Bool) {
        self.after = after
        self.probeTimeout = probeTimeout
        self.ping = ping
    }

    /// Registers a request about to be sent; its transfer must use the returned cancellation.
    func begin() -> (key: Int, cancellation: TransferCancellation) {
        let cancellation = TransferCancellation()
        let (key, startWatcher) = state.withLock { state -> (Int, Bool) in
            state.next += 1
            state.waiting[state.next] = Waiting(since: .now, cancellation: cancellation)
            defer { state.watching = true }
            return (state.next, !state.watching)
        }
        if startWatcher { Task { await watch() } }
        return (key, cancellation)
    }

    /// Unregisters a request; how long it had waited when it was given up, or nil if it was not.
    func end(_ key: Int) -> Duration? {
        state.withLock { $0.waiting.removeValue(forKey: key)?.cutAfter }
    }

    private func watch() async {
        while true {
            let oldest = state.withLock { state -> ContinuousClock.Instant? in
                guard let oldest = state.waiting.values.map(\.since).min() else {
                    state.watching = false
                    return nil
                }
                return oldest
            }
            guard let oldest else { return }
            let due = oldest + after
            if ContinuousClock.now < due {
                try? await Task.sleep(until: due, clock: .continuous)
                continue
            }
            if await ping() {
                try? await Task.sleep(for: probeTimeout)
                continue
            }
            let now = ContinuousClock.now
            let cut = state.withLock { state -> [TransferCancellation] in
                var cut: [TransferCancellation] = []
                for (key, waiting) in state.waiting where now - waiting.since >= after && waiting.cutAfter == nil {
                    state.waiting[key]?.cutAfter = now - waiting.since
                    cut.append(waiting.cancellation)
                }
                return cut
            }
            cut.forEach { $0.cancel() }
        }
    }
}

extension ProxyRelay {
    struct LinkCut: Error {
        let waited: Duration
    }

    /// ``HostExchange/post`` under the liveness watch.
    func postWatched(_ message: Data, session: HostSession.Snapshot, mirroring peek: MessagePeek,
                     deliver: @escaping @Sendable ([UInt8]) -> Void) async throws -> HostExchange.Reply {
        let (key, cancellation) = liveness.begin()
        let reply: HostExchange.Reply
        do {
            reply = try await exchange.post(message, session: session, mirroring: peek, cancellation: cancellation, deliver: deliver)
        } catch {
            if let waited = liveness.end(key) { throw LinkCut(waited: waited) }
            throw error
        }
        if let waited = liveness.end(key) { throw LinkCut(waited: waited) }
        return reply
    }

    /// Whether the host answers a 2026-07-28 `ping` within the probe timeout.
    static func hostAnswersPing(_ exchange: HostExchange, timeout: Duration) async -> Bool {
        let ping = OwnRequest.make(id: "letswork-probe", method: "ping")
        let reply = try? await exchange.post(ping.data, session: .init(), mirroring: ping.peek, timeout: timeout) { _ in }
        return reply != nil
    }

    func failure(_ cut: LinkCut) -> String {
        "host unreachable at \(configuration.url): no answer for \(cut.waited.milliseconds / 1000) s, and the host does not answer a ping either (the link seems cut); the request may or may not have been carried out, so check (for example with my_pending_changes) before repeating it; ask the host whether the session is still running"
    }
}
