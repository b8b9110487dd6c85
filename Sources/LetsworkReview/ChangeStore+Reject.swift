extension ChangeStore {
    /// Rejects pending change `id` with an optional reason: it leaves the pending queue and is
    /// recorded on refs/letswork/rejected, where its proposer (and anyone) can read the reason.
    /// - Throws: ``ReviewError`` for an unknown or already decided id.
    @discardableResult
    public func reject(_ id: String, by decider: Person? = nil, reason: String? = nil) throws -> ChangeRecord {
        let decider = decider ?? host
        let reason = reason.map(Self.cleanSummary).flatMap { $0.isEmpty ? nil : $0 }
        return try withLock {
            try transact { transaction in
                _ = try pendingChange(id, in: transaction.snapshot)
                guard let index = transaction.state.pending.firstIndex(where: { $0.id == id }) else {
                    throw ReviewError.unknownChange(id)
                }
                if approvalLock.isHeld(), let journal = approvalLock.read(), journal.changeID == id {
                    throw ReviewError.busy("Change \(id) is being approved right now by process \(journal.pid).")
                }
                var change = transaction.state.pending.remove(at: index)
                var decision = ChangeRecord.Decision(by: decider, at: clock(), reason: reason, merged: false,
                                                     forced: false, record: "", hostCommit: nil, skippedPaths: nil)
                let recorded = try record(&change, decision: &decision, verdict: .rejected,
                                          parent: transaction.state.rejectedTip)
                transaction.state.rejectedTip = recorded.hex
                transaction.decided.append(change)
                transaction.newObjects.append(recorded)
                transaction.message = "reject \(id)"
                logger.info("change rejected", metadata: ["change": "\(id)"])
                return change
            }
        }
    }
}
