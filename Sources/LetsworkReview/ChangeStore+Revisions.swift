import GitKit

/// One revision of a change: the proposer's n-th submission of it.
public struct ChangeRevision: Sendable, Equatable {
    /// 1 for the first submission, then 2, 3, …
    public let number: Int
    /// The revision's commit (hex).
    public let commit: String
    /// When it was submitted (seconds since 1970).
    public let submittedAt: Int64
    /// Its commit message: the proposer's summary, then the `Change-Id` and `Letswork-Revision` trailers.
    public let message: String
}

extension ChangeStore {
    /// Every revision of change `id` (pending or decided), oldest first.
    /// - Throws: ``ReviewError/unknownChange(_:)`` when no change has that id.
    public func revisions(of id: String) throws -> [ChangeRevision] {
        try withLock {
            let record = try anyRecord(id)
            return try record.revisions.enumerated().map { index, hex in
                let commit = try repository.commit(ObjectID(hex: hex)!)
                return ChangeRevision(number: index + 1, commit: hex, submittedAt: commit.committer.time, message: commit.message)
            }
        }
    }

    /// What changed in change `id` from revision `from` to revision `to` (1-based; `from` 0 is
    /// the base `to` was proposed against, so `diff(of:from: 0, to: n)` is revision n's own diff).
    /// Only the change's files are compared, so the host's other work never shows up.
    /// - Throws: ``ReviewError/unknownChange(_:)`` for an unknown id or a revision it does not have.
    public func diff(of id: String, from: Int, to: Int) throws -> [FileDiff] {
        try withLock {
            let record = try anyRecord(id)
            let count = record.revisions.count
            guard (0...count).contains(from), (1...count).contains(to) else {
                throw ReviewError.unknownChange("\(id) revision \(from == 0 || from > count ? from : to) (it has revisions 1 to \(count))")
            }
            let target = try repository.commit(ObjectID(hex: record.revisions[to - 1])!)
            let old = from == 0
                ? try repository.tree(ofCommit: target.parents[0])
                : try repository.tree(ofCommit: ObjectID(hex: record.revisions[from - 1])!)
            return try repository.diff(from: old, to: target.tree, paths: record.paths)
        }
    }

    /// The record of change `id`, pending or decided. Call with the lock held.
    private func anyRecord(_ id: String) throws -> ChangeRecord {
        let snapshot = try ledger.read()
        if let pending = snapshot.state.pending.first(where: { $0.id == id }) { return pending }
        if let decided = try ledger.decidedRecord(id, in: snapshot) { return decided }
        throw ReviewError.unknownChange(id)
    }
}
