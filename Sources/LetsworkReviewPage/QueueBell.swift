import Synchronization

/// Rings when the review queue may have changed: a proposal, a revision, a decision, a conflict,
/// the host editing a pending change's file. The page's live stream (`/review/queue/live`)
/// listens, so open queue pages update themselves instead of polling.
///
/// Whoever knows of changes rings it; the page knows nothing of where they come from (the
/// session's event log, in both `letswork start` and `letswork review`).
public final class QueueBell: Sendable {
    private struct State {
        var rings = 0
        var nextListener = 0
        var listeners: [Int: AsyncStream<Int>.Continuation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// How many times it has rung: a page rendered after reading this many rings is up to date
    /// until the next one.
    public var rings: Int { state.withLock { $0.rings } }

    /// Tells every listener the queue may have changed.
    public func ring() {
        let (count, listeners) = state.withLock { state -> (Int, [AsyncStream<Int>.Continuation]) in
            state.rings += 1
            return (state.rings, Array(state.listeners.values))
        }
        listeners.forEach { $0.yield(count) }
    }

    /// The ring count now, then after each ring (coalesced: a slow listener gets the newest
    /// count only), until the listener stops iterating. The live stream ends its listening at a
    /// graceful shutdown (``LiveQueue``).
    func listen() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let key = state.withLock { state -> Int in
            state.nextListener += 1
            state.listeners[state.nextListener] = continuation
            continuation.yield(state.rings)
            return state.nextListener
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.listeners.removeValue(forKey: key) }
        }
        return stream
    }
}
