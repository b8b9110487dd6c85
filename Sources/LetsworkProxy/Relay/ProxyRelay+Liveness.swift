import Foundation
import LetsworkProtocol

/// A request the host is slow to answer is not failed for being slow — an approval may wait for
/// another — but one whose link is cut is: after ``ProxyConfiguration/livenessAfter`` without an
/// answer, the proxy pings the host on a connection of its own, and when a ping gets no answer
/// within ``ProxyConfiguration/probeTimeout`` the request is given up with an error that says so
/// (instead of hanging until the link returns).
extension ProxyRelay {
    struct LinkCut: Error {
        let waited: Duration
    }

    /// ``HostExchange/post`` under the liveness watch.
    func postWatched(_ message: Data, session: HostSession.Snapshot, mirroring peek: MessagePeek,
                     deliver: @escaping @Sendable ([UInt8]) -> Void) async throws -> HostExchange.Reply {
        let cancellation = TransferCancellation()
        let started = ContinuousClock.now
        return try await withThrowingTaskGroup(of: HostExchange.Reply?.self) { group in
            group.addTask { [exchange] in
                try await exchange.post(message, session: session, mirroring: peek, cancellation: cancellation, deliver: deliver)
            }
            group.addTask { [self] in
                try await Task.sleep(for: configuration.livenessAfter)
                while true {
                    guard await hostAnswersPing() else {
                        cancellation.cancel()
                        throw LinkCut(waited: ContinuousClock.now - started)
                    }
                    try await Task.sleep(for: configuration.probeTimeout)
                }
            }
            defer { group.cancelAll() }
            while let reply = try await group.next() {
                if let reply { return reply }
            }
            throw CancellationError()
        }
    }

    /// Whether the host answers a 2026-07-28 `ping` within the probe timeout.
    private func hostAnswersPing() async -> Bool {
        let ping = OwnRequest.make(id: "letswork-probe", method: "ping")
        let reply = try? await exchange.post(ping.data, session: .init(), mirroring: ping.peek, timeout: configuration.probeTimeout) { _ in }
        return reply != nil
    }

    func failure(_ cut: LinkCut) -> String {
        "host unreachable at \(configuration.url): no answer for \(cut.waited.milliseconds / 1000) s, and the host does not answer a ping either (the link seems cut); the request may or may not have been carried out, so check (for example with my_pending_changes) before repeating it; ask the host whether the session is still running"
    }
}
