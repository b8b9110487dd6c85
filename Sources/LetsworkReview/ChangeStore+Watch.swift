import GitKit

/// The ledger as a watcher sees it: enough to tell, by comparing two of these, what happened to
/// every change in between (proposed, revised, marked conflicting, decided), whichever process
/// did it — an agent's tool call, `letswork approve` in another terminal, or the review page.
public struct LedgerView: Sendable, Equatable {
    /// The ledger's commit: a new one for every operation on any change.
    public let tip: String?
    /// Pending changes, oldest first.
    public let pending: [ChangeRecord]
    /// The ids of the newest decisions (at most 500), oldest first.
    public let recentDecisions: [String]
}

extension ChangeStore {
    /// The ledger's commit id, read from its ref: cheap enough to ask every second.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func ledgerTip() throws -> String? {
        try withLock { try repository.reference(Ledger.ref)?.hex }
    }

    /// The ledger's pending changes and recent decisions, as of now.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func ledgerView() throws -> LedgerView {
        try withLock {
            let snapshot = try ledger.read()
            return LedgerView(tip: snapshot.tip?.hex, pending: snapshot.state.pending,
                              recentDecisions: snapshot.state.recentDecisions.map(\.id))
        }
    }

    /// The ledger as it was at commit `tip`, or nil when that commit is not a ledger commit of
    /// this repository (a ledger rewritten by hand, or another repository's).
    public func ledgerView(at tip: String) throws -> LedgerView? {
        try withLock {
            guard let id = ObjectID(hex: tip), let snapshot = try? ledger.read(at: id) else { return nil }
            return LedgerView(tip: tip, pending: snapshot.state.pending, recentDecisions: snapshot.state.recentDecisions.map(\.id))
        }
    }

    /// A decided change's record (no diff), or nil when `id` was never decided.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func decidedRecord(_ id: String) throws -> ChangeRecord? {
        try withLock {
            let snapshot = try ledger.read()
            return try ledger.decidedRecord(id, in: snapshot)
        }
    }

    /// Runs `body` while no approval can write the working tree, and only if the ledger is still
    /// at `tip` (so the pending changes `body` compares the files with are the current ones);
    /// nil, at once, when an approval is under way or the ledger moved.
    /// - Throws: whatever `body` throws, or ``ReviewError`` when git cannot be read.
    public func whileNoApproval<T>(atLedger tip: String?, _ body: () throws -> T) throws -> T? {
        try approvalLock.whileIdle {
            guard try ledgerTip() == tip else { return nil }
            return try body()
        } ?? nil
    }

    /// One pending change with its diff and whether it applies to the working tree now, or nil
    /// when it is no longer pending.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func pendingChange(_ id: String) throws -> PendingChange? {
        try withLock {
            guard let record = try ledger.read().state.pending.first(where: { $0.id == id }) else { return nil }
            return try pendingChange(record: record, withStatus: true)
        }
    }
}
