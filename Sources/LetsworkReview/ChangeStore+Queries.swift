import GitKit

/// A pending change as the host reviews it.
public struct PendingChange: Sendable, Equatable {
    public let record: ChangeRecord
    /// The change's diff, file by file, against what its proposer saw.
    public let files: [FileDiff]
    /// Whether it would apply to the working tree as it is now (nil when not asked for).
    public let status: ApplyStatus?

    public var additions: Int { files.reduce(0) { $0 + $1.additions } }
    public var deletions: Int { files.reduce(0) { $0 + $1.deletions } }
}

/// One change, pending or decided, with its diff.
public struct ChangeDetails: Sendable, Equatable {
    public let record: ChangeRecord
    public let files: [FileDiff]
    /// The latest revision's commit: `git show` of it is this diff.
    public let commit: String
    /// The whole unified diff, as `git show` prints it after the message.
    public var patch: String { files.map(\.patch).joined() }
}

extension ChangeStore {
    /// The pending changes, oldest first, each with its diff and (if asked) whether it applies
    /// cleanly to the working tree now, needs a merge, or conflicts.
    /// - Throws: ``ReviewError`` when git cannot be read.
    public func pendingChanges(withStatus: Bool = false) throws -> [PendingChange] {
        try withLock {
            try ledger.read().state.pending.map { try pendingChange(record: $0, withStatus: withStatus) }
        }
    }

    /// The pending changes' records, oldest first (cheap: no diffs).
    public func pendingRecords() throws -> [ChangeRecord] {
        try withLock { try ledger.read().state.pending }
    }

    /// How many changes are pending (cheap: no diffs).
    public func pendingCount() throws -> Int {
        try withLock { try ledger.read().state.pending.count }
    }

    /// Change `id`, pending or decided, with its diff.
    /// - Throws: ``ReviewError/unknownChange(_:)`` when no change has that id.
    public func details(of id: String) throws -> ChangeDetails {
        try withLock {
            let snapshot = try ledger.read()
            guard let record = try snapshot.state.pending.first(where: { $0.id == id }) ?? ledger.decidedRecord(id, in: snapshot) else {
                throw ReviewError.unknownChange(id)
            }
            return ChangeDetails(record: record, files: try diff(of: record), commit: record.revisions.last!)
        }
    }

    /// The changes `proposerID` proposed that are pending or among the newest
    /// ``decisionWalkLimit`` decisions of each kind, newest first.
    public func changes(proposedBy proposerID: String) throws -> [ChangeRecord] {
        try withLock {
            let snapshot = try ledger.read()
            // Decision commits are authored by the proposer: only theirs are read in full.
            let email = proposerID == host.id ? host.email : Person(id: proposerID, name: proposerID).email
            var mine = snapshot.state.pending.filter { $0.proposer.id == proposerID }
            for tip in [snapshot.state.approvedTip, snapshot.state.rejectedTip] {
                try walkDecisions(from: tip, until: nil, limit: Self.decisionWalkLimit, in: snapshot,
                                  authoredBy: email) { record in
                    if record.proposer.id == proposerID { mine.append(record) }
                }
            }
            return mine.sorted { ($0.decision?.at ?? $0.updatedAt) > ($1.decision?.at ?? $1.updatedAt) }
        }
    }

    /// How far back the walks of the decision refs go: the newest 500 decisions of each kind.
    public static let decisionWalkLimit = 500

    /// Decided changes, newest decision first: approved, rejected, or both (`verdict` nil).
    /// Read from refs/letswork/approved and refs/letswork/rejected, the same history git shows.
    public func decisions(_ verdict: ChangeState? = nil, limit: Int = 20) throws -> [ChangeRecord] {
        try withLock {
            let snapshot = try ledger.read()
            var tips: [String?] = []
            if verdict != .rejected { tips.append(snapshot.state.approvedTip) }
            if verdict != .approved { tips.append(snapshot.state.rejectedTip) }
            var records: [ChangeRecord] = []
            for tip in tips {
                try walkDecisions(from: tip, until: nil, limit: limit, in: snapshot) { records.append($0) }
            }
            records.sort { ($0.decision?.at ?? 0, $0.decision?.record ?? "") > ($1.decision?.at ?? 0, $1.decision?.record ?? "") }
            return Array(records.prefix(limit))
        }
    }

    /// Calls `body` with the decided record of each decision commit from `tip` back along first
    /// parents, newest first, stopping before `stop` or after `limit` commits; with `email`, only
    /// for commits that person authored (the caller holds the lock).
    func walkDecisions(from tip: String?, until stop: String?, limit: Int, in snapshot: Ledger.Snapshot,
                       authoredBy email: String? = nil, _ body: (ChangeRecord) throws -> Void) throws {
        var next = tip.flatMap(ObjectID.init(hex:))
        var steps = 0
        while let id = next, id.hex != stop, steps < limit {
            let commit = try repository.commit(id)
            if email == nil || commit.author.email == email, let changeID = commit.trailer("Change-Id").first,
               let record = try ledger.decidedRecord(changeID, in: snapshot) {
                try body(record)
            }
            next = commit.parents.first
            steps += 1
        }
    }

    /// `record` with its diff and, if asked, whether it applies now (the caller holds the lock).
    func pendingChange(record: ChangeRecord, withStatus: Bool, patchText: Bool = true) throws -> PendingChange {
        PendingChange(record: record, files: try diff(of: record, patchText: patchText),
                      status: withStatus ? try plan(record, force: false).status : nil)
    }

    func diff(of record: ChangeRecord, patchText: Bool = true) throws -> [FileDiff] {
        let revision = try repository.commit(ObjectID(hex: record.revisions.last!)!)
        let baseTree = try repository.tree(ofCommit: revision.parents[0])
        return try repository.diff(from: baseTree, to: revision.tree, paths: record.paths, patchText: patchText)
    }
}
