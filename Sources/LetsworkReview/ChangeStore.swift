import Foundation
import GitKit
import Logging

/// The review engine over one git repository: guests' proposals become commits on
/// `refs/letswork/*`, the host approves them into the working tree or rejects them, and the
/// whole history stays in plain git.
///
/// One instance serialises its own callers with a lock (libgit2 handles are not thread-safe);
/// several processes on the same repository coordinate through compare-and-swap on
/// `refs/letswork/ledger`. Calls block on disk I/O: async callers use ``serial``, which runs
/// them on the store's own queue, never on Swift concurrency's cooperative pool.
public final class ChangeStore: @unchecked Sendable {
    // @unchecked Sendable: `repository` (not thread-safe) is only touched while `lock` is held.
    let lock = NSLock()
    let repository: Repository
    let ledger: Ledger
    let workingTree: WorkingTree
    let approvalLock: ApprovalLock
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Where ``serial`` runs engine work: a thread of the store's own, so a call that waits on
    /// the disk or on another process blocks nothing of Swift concurrency's pool.
    let queue = DispatchQueue(label: "letswork.review.engine", qos: .userInitiated)
    /// Tests set this to fail at a named step ("approve.begun", "approve.written") and check
    /// that the next open finishes the work. Guarded by `lock` like everything else.
    var faultInjection: ((String) throws -> Void)?

    /// The working tree's root folder (ends with "/"). Never shown to guests.
    public let root: String
    /// The host, as git's configuration names them.
    public let host: Person
    /// The repository's `.git` folder (ends with "/"), where session files live.
    public var gitDirectory: String { repository.gitDirectory }

    private init(repository: Repository, logger: Logger, clock: @escaping @Sendable () -> Int64) {
        self.repository = repository
        ledger = Ledger(repository: repository)
        root = repository.workingDirectory!
        workingTree = WorkingTree(root: root)
        approvalLock = ApprovalLock(gitDirectory: repository.gitDirectory)
        host = Person.host(of: repository)
        // The identity git would find in the configuration, read once (see setReflogIdentity).
        try? repository.setReflogIdentity(name: host.name, email: host.email)
        self.logger = logger
        self.clock = clock
    }

    /// The current time in seconds, the engine's default clock.
    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

    /// Opens the store of the repository containing `path`, finishing any approval a dead process
    /// left half way and bringing the derived refs up to date.
    /// - Throws: ``ReviewError`` when `path` is not in a usable repository (not one, bare, no commit yet).
    public static func open(containing path: String, logger: Logger = Logger(label: "letswork.review"),
                            clock: @escaping @Sendable () -> Int64 = systemClock) throws -> ChangeStore {
        let repository: Repository
        do {
            repository = try Repository.discover(containing: path)
        } catch let error as GitError where error.isNotFound {
            throw ReviewError.notARepository(path)
        } catch let error as GitError {
            throw ReviewError.git(error)
        }
        guard !repository.isBare, repository.workingDirectory != nil else {
            throw ReviewError.bareRepository(repository.gitDirectory)
        }
        guard try translatingGitErrors({ try repository.headCommit() }) != nil else {
            throw ReviewError.noFirstCommit(repository.workingDirectory!)
        }
        let store = ChangeStore(repository: repository, logger: logger, clock: clock)
        try store.withLock { try store.recoverAndRefresh() }
        return store
    }

    /// Creates a repository in `path` with a first commit of the folder's files (honouring
    /// `.gitignore`), then opens its store. Only for `letswork start --init`.
    /// - Throws: ``ReviewError/alreadyARepository(_:)`` when `path` is already in a repository.
    public static func initializeRepository(at path: String, logger: Logger = Logger(label: "letswork.review"),
                                            clock: @escaping @Sendable () -> Int64 = systemClock) throws -> ChangeStore {
        if (try? Repository.discover(containing: path)) != nil { throw ReviewError.alreadyARepository(path) }
        try translatingGitErrors {
            let repository = try Repository.create(at: path)
            let tree = try repository.stageAllFiles()
            let host = Person.host(of: repository).signature(at: clock())
            let commit = try repository.createCommit(tree: tree, parents: [], author: host, committer: host,
                                                     message: "Initial commit\n\nCreated by letswork start --init.\n")
            let branch = try repository.headBranch() ?? "refs/heads/main"
            try repository.updateReference(branch, to: commit, expecting: nil, message: "letswork: initial commit")
        }
        return try open(containing: path, logger: logger, clock: clock)
    }

    /// Brings the ledger's derived refs and pending view up to date (after the host commits,
    /// resets or rebases, or after another process changed the ledger).
    /// - Throws: ``ReviewError`` when git cannot be read or written.
    public func refresh() throws {
        try withLock { try recoverAndRefresh() }
    }

    func withLock<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try translatingGitErrors(body)
    }

    // MARK: - Transactions

    /// What one ledger update changes, filled in by a transaction's body.
    struct Transaction {
        let snapshot: Ledger.Snapshot
        var state: LedgerState
        var decided: [ChangeRecord] = []
        var newObjects: [ObjectID] = []
        var message = ""

        init(_ snapshot: Ledger.Snapshot) {
            self.snapshot = snapshot
            state = snapshot.state
        }
    }

    /// Reads the ledger, lets `body` change it, and writes it back with compare-and-swap,
    /// re-running `body` on the newer state when another process wrote first. `body` must not
    /// touch the working tree: it may run more than once.
    func transact<T>(_ body: (inout Transaction) throws -> T) throws -> T {
        var delay: UInt32 = 1_000
        for attempt in 0..<40 {
            var transaction = Transaction(try ledger.read())
            let value = try body(&transaction)
            try rebuildViewIfNeeded(&transaction)
            if transaction.state == transaction.snapshot.state && transaction.decided.isEmpty { return value }
            do {
                _ = try ledger.write(transaction.state, after: transaction.snapshot, decided: transaction.decided,
                                     newObjects: transaction.newObjects, message: transaction.message, at: clock())
            } catch let error as GitError where error.isConcurrentUpdate {
                // A lock that never goes away may be a dead process's: see clearRefLocks.
                if attempt == 30 { clearRefLocks() }
                // The pause holds nothing: other calls on this store run meanwhile, and the
                // next attempt reads the ledger afresh. (Callers hold the lock: see withLock.)
                lock.unlock()
                usleep(delay + UInt32.random(in: 0..<delay))
                lock.lock()
                delay = min(delay * 2, 50_000)
                continue
            }
            try ledger.syncDerivedRefs()
            return value
        }
        throw ReviewError.busy("Another letswork process kept updating the review ledger (\(Ledger.ref)) while this one tried to.")
    }

    /// Brings the pending view up to date with HEAD and the queue; it costs a lookup per pending
    /// change when neither moved, and one change's commits when one change did.
    private func rebuildViewIfNeeded(_ transaction: inout Transaction) throws {
        guard let head = try repository.headCommit() else { return }
        let previous = transaction.state.pendingView
        let view = try PendingViewBuilder(repository: repository)
            .build(root: head, pending: transaction.state.pending, previous: previous,
                   previousPending: transaction.snapshot.state.pending)
        guard view != previous else { return }
        transaction.state.pendingView = view
        if transaction.message.isEmpty { transaction.message = "refresh the pending view" }
    }

    private func recoverAndRefresh() throws {
        clearRefLocks()
        try finishInterruptedApproval()
        try transact { _ in }
        try ledger.syncDerivedRefs()
    }
}
