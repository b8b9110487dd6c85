import Foundation

extension ChangeStore {
    /// The store's calls for async code: each runs on the store's own serial queue, so the
    /// cooperative pool's threads (two on a 2-core host) are never blocked by git's disk I/O, by
    /// the store's lock, or by an approval waiting for another one.
    public var serial: SerialCalls { SerialCalls(store: self) }

    /// Async forms of the store's calls (see ``ChangeStore/serial``).
    public struct SerialCalls: Sendable {
        let store: ChangeStore

        /// Runs `work` on the store's queue and returns its result.
        /// - Throws: whatever `work` throws.
        public func run<T: Sendable>(_ work: @escaping @Sendable (ChangeStore) throws -> T) async throws -> T {
            try await run(work, then: nil)
        }

        /// Runs `work` on the store's queue and returns its result; when it succeeds with a value
        /// `succeeded` accepts, runs `followUp` next in the same turn, after the caller has its
        /// result: the caller's answer does not wait for it, and nothing queued after `work`
        /// runs before it.
        func run<T: Sendable>(_ work: @escaping @Sendable (ChangeStore) throws -> T,
                              then followUp: FollowUp?, when succeeded: @escaping @Sendable (T) -> Bool = { _ in true }) async throws -> T {
            try await withCheckedThrowingContinuation { continuation in
                store.queue.async { [store] in
                    let result = Result { try work(store) }
                    continuation.resume(with: result)
                    if let followUp, case .success(let value) = result, succeeded(value) { followUp(store) }
                }
            }
        }

        /// Work to do on the store's queue right after an operation succeeds, in the same turn
        /// (what follows it on the queue waits for it) but after its caller has the result:
        /// telling everyone the operation concerns.
        public typealias FollowUp = @Sendable (ChangeStore) -> Void

        /// ``ChangeStore/submit(_:by:summary:)`` off the cooperative pool, then `followUp`.
        /// - Throws: ``ReviewError`` as the synchronous call does.
        public func submit(_ operations: [FileOperation], by proposer: Person, summary: String? = nil,
                           then followUp: FollowUp? = nil) async throws -> SubmitResult {
            try await run({ store in try store.submit(operations, by: proposer, summary: summary) }, then: followUp)
        }

        /// ``ChangeStore/approve(_:by:force:commitToBranch:)`` off the cooperative pool. While
        /// another approval holds the working tree it waits with `Task.sleep`, holding neither
        /// the store's lock nor its queue.
        /// - Throws: ``ReviewError`` as the synchronous call does.
        public func approve(_ id: String, by decider: Person? = nil, force: Bool = false,
                            commitToBranch: Bool = false, then followUp: FollowUp? = nil) async throws -> ApprovalOutcome {
            var backoff = ApprovalBackoff()
            while true {
                let attempt = try await run({ store in
                    try store.withLock { try store.approveOnce(id, by: decider ?? store.host, force: force, commitToBranch: commitToBranch) }
                }, then: followUp, when: { if case .done = $0 { true } else { false } })
                switch attempt {
                case .done(let outcome): return outcome
                case .wait(let reason): try await Task.sleep(for: try backoff.next(reason))
                }
            }
        }

        /// ``ChangeStore/reject(_:by:reason:)`` off the cooperative pool.
        /// - Throws: ``ReviewError`` as the synchronous call does.
        @discardableResult
        public func reject(_ id: String, by decider: Person? = nil, reason: String? = nil,
                           then followUp: FollowUp? = nil) async throws -> ChangeRecord {
            try await run({ store in try store.reject(id, by: decider, reason: reason) }, then: followUp)
        }
    }
}
