import GitKit

/// The ledger as a watcher sees it: enough to tell, by comparing two of these, what happened to
/// every change in between (proposed, revised, marked conflicting, decided), whichever process
/// did it — an agent's tool call, `letswork approve` in another terminal, or the review page.
public struct LedgerView: Sendable, Equatable {
    /// The ledger's commit: a new one for every operation on any change.
    public let tip: String?
    /// Pending changes, oldest first.
    public let pending: [ChangeRecord]
    /// The tips of refs/letswork/approved and rejected: the decisions between two views are
    /// the commits between their tips (``ChangeStore/decisions(after:upTo:)``).
    public let approvedTip: String?
    public let rejectedTip: String?

    init(tip: String?, state: LedgerState) {
        self.tip = tip
        pending = state.pending
        approvedTip = state.approvedTip
        rejectedTip = state.rejectedTip
    }
}

extension ChangeStore {
    /// The ledger's commit id, read from its ref: cheap enough to ask every second.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func ledgerTip() throws -> String? {
        try withLock { try repository.reference(Ledger.ref)?.hex }
    }

    /// The ledger's pending changes and decision tips, as of now.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func ledgerView() throws -> LedgerView {
        try withLock {
            let snapshot = try ledger.read()
            return LedgerView(tip: snapshot.tip?.hex, state: snapshot.state)
        }
    }

    /// The ledger as it was at commit `tip`, or nil when that commit is not a ledger commit of
    /// this repository (a ledger rewritten by hand, or another repository's).
    public func ledgerView(at tip: String) throws -> LedgerView? {
        try withLock {
            guard let id = ObjectID(hex: tip), let snapshot = try? ledger.read(at: id) else { return nil }
            return LedgerView(tip: tip, state: snapshot.state)
        }
    }

    /// The changes decided between `old` and `new`, oldest decision first: the decision commits
    /// after `old`'s tips on refs/letswork/approved and rejected, at most
    /// ``decisionWalkLimit`` of each (a view from long ago tells only the newest).
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func decisions(after old: LedgerView, upTo new: LedgerView) throws -> [ChangeRecord] {
        try withLock {
            let snapshot = try ledger.read()
            var byCommit: [String: ChangeRecord] = [:]
            for (from, to) in [(new.approvedTip, old.approvedTip), (new.rejectedTip, old.rejectedTip)] {
                try walkDecisions(from: from, until: to, limit: Self.decisionWalkLimit, in: snapshot) { record in
                    if let commit = record.decision?.record { byCommit[commit] = record }
                }
            }
            guard byCommit.count > 1 else { return Array(byCommit.values) }
            // Decisions are dated to the second: their order is that of the ledger commits that
            // made them, each of which has its decision commit among its extra parents.
            var ordered: [ChangeRecord] = []
            var next = new.tip.flatMap(ObjectID.init(hex:))
            var steps = 0
            while let id = next, id.hex != old.tip, steps < 4 * Self.decisionWalkLimit, ordered.count < byCommit.count {
                let parents = try repository.parents(of: id)
                for parent in parents.dropFirst().reversed() {
                    if let record = byCommit[parent.hex] { ordered.append(record) }
                }
                next = parents.first
                steps += 1
            }
            let placed = Set(ordered.map(\.id))
            let rest = byCommit.values.filter { !placed.contains($0.id) }
                .sorted { ($0.decision?.at ?? 0, $0.id) < ($1.decision?.at ?? 0, $1.id) }
            return rest + ordered.reversed()
        }
    }

    /// The records of those of `ids` that are pending or decided (no diffs), in no order.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func records(_ ids: Set<String>) throws -> [ChangeRecord] {
        try withLock {
            let snapshot = try ledger.read()
            let pending = snapshot.state.pending.filter { ids.contains($0.id) }
            let found = Set(pending.map(\.id))
            return try pending + ids.subtracting(found).compactMap { try ledger.decidedRecord($0, in: snapshot) }
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
    /// when it is no longer pending. Without `patchText` the diff has the files' line counts but
    /// not their patches (what an event tells), which spares printing them.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func pendingChange(_ id: String, patchText: Bool = true) throws -> PendingChange? {
        try withLock {
            guard let record = try ledger.read().state.pending.first(where: { $0.id == id }) else { return nil }
            return try pendingChange(record: record, withStatus: true, patchText: patchText)
        }
    }
}
