/// Where a change stands.
public enum ChangeState: String, Sendable, Codable {
    case pending, approved, rejected
}

/// Everything the engine keeps about one change. Stored as JSON in the ledger's tree.
public struct ChangeRecord: Sendable, Codable, Equatable {
    /// The short id tools and the CLI use (8 hex digits), also the `Change-Id` trailer.
    public let id: String
    /// Who proposed it (stable id, display name at the latest revision).
    public var proposer: Person
    /// The proposer's own summary, if they gave one.
    public var summary: String?
    /// The files it touches, sorted.
    public var paths: [String]
    /// Every revision's commit id (hex), oldest first; the last one is the change.
    public var revisions: [String]
    /// When it was first proposed and last revised (seconds since 1970).
    public var submittedAt: Int64
    public var updatedAt: Int64
    public var state: ChangeState
    /// Set once decided.
    public var decision: Decision?
    /// The latest approval attempt that hit conflicts, while the change stays pending.
    public var conflict: ConflictNote?

    public var revisionNumber: Int { revisions.count }

    /// How a change was decided.
    public struct Decision: Sendable, Codable, Equatable {
        public var by: Person
        public var at: Int64
        public var reason: String?
        /// Approved as a three-way merge with the host's edits.
        public var merged: Bool
        /// Approved with the proposed version taken over the host's edits.
        public var forced: Bool
        /// The decision commit on refs/letswork/approved or refs/letswork/rejected.
        public var record: String
        /// The commit made on the host's branch, when approved with --commit.
        public var hostCommit: String?
        /// Files the host had changed again before an interrupted approval was finished.
        public var skippedPaths: [String]?
    }

    /// Conflicting files found by an approval attempt.
    public struct ConflictNote: Sendable, Codable, Equatable {
        public var at: Int64
        public var paths: [String]
    }
}

/// The ledger's state: the pending queue and the tips of the derived refs. Decisions are not
/// listed here: each is a commit on refs/letswork/approved or rejected (walked by
/// ``ChangeStore/decisions(after:upTo:)``), so the state a ledger commit carries grows with the
/// queue, never with the history. (Ledgers written before listed the newest 500 there; the
/// key is ignored on reading and written empty, for older builds that require it.)
struct LedgerState: Codable, Equatable {
    var version = 1
    /// Pending changes, oldest first.
    var pending: [ChangeRecord] = []
    /// The commit `refs/letswork/pending` shows and the HEAD it was built on.
    var pendingView: PendingView?
    var approvedTip: String?
    var rejectedTip: String?
    /// What `refs/letswork/pending` shows (see ``PendingViewBuilder``).
    struct PendingView: Codable, Equatable {
        /// The HEAD commit it was built on.
        var root: String
        /// Each pending change's commit on `root`, in `pending` order.
        var commits: [String]
        /// The revision each of `commits` was built from; nil in a view written by a letswork
        /// that stacked the changes (each commit on the previous one), which is then rebuilt.
        var revisions: [String]?
        /// The merge of `commits` when there are two or more.
        var merge: String?

        var tip: String {
            guard revisions != nil else { return commits.last ?? root }  // the old stack
            return merge ?? commits.first ?? root
        }

        /// The commits that can be reused on the same root, by the revision they show.
        var commitsByRevision: [String: String]? {
            guard let revisions, revisions.count == commits.count else { return nil }
            return Dictionary(zip(revisions, commits), uniquingKeysWith: { first, _ in first })
        }
    }
}

/// What an approval is about to write, recorded (see ``ApprovalLock``) before the first file is
/// touched, so that a process dying half way can be finished by the next one.
struct ApplyJournal: Codable, Equatable {
    var changeID: String
    /// Random per approval: tells apart two approvals of one process.
    var owner: String
    var pid: Int32
    var host: String
    var startedAt: Int64
    var decidedBy: Person
    var merged: Bool
    var forced: Bool
    var commitToBranch: Bool
    var files: [File]

    struct File: Codable, Equatable {
        var path: String
        /// Blob ids (hex) of the file before and after; nil means absent.
        var before: String?
        var after: String?
        var executable: Bool
    }
}
