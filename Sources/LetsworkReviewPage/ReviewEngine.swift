import Dispatch
import GitKit
import LetsworkReview

/// Every call the review page makes into the review engine, in one place: the page knows the
/// engine's API (``ChangeStore``), never its refs, so the engine can change how it stores
/// changes and only this file follows.
///
/// Engine calls block on disk I/O and libgit2, so none runs on Swift concurrency's cooperative
/// pool. Decisions go through the store's own queue (``ChangeStore/serial``), as the agents'
/// tools do: they take their turn with the agents' operations, and an approval waiting for
/// another one holds no thread. Reads run on a queue of the page's own, so a 100-change queue
/// page being made never delays an agent's proposal.
public struct ReviewEngine: Sendable {
    private let store: ChangeStore
    private let reads = DispatchQueue(label: "letswork.review-page.reads")

    /// - Parameter store: The change store of the repository under review.
    public init(store: ChangeStore) {
        self.store = store
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (ChangeStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            reads.async { [store] in continuation.resume(with: Result { try body(store) }) }
        }
    }

    /// Pending changes, oldest first, with their diffs and whether they apply now.
    func queue() async throws -> [PendingChange] {
        try await run { try $0.pendingChanges(withStatus: true) }
    }

    /// The pending changes' ids, oldest first, for previous/next links.
    func pendingIDs() async throws -> [String] {
        try await run { try $0.pendingRecords().map(\.id) }
    }

    /// One change, pending or decided, with its latest diff and every revision.
    func change(_ id: String) async throws -> (ChangeDetails, [ChangeRevision]) {
        try await run { store in (try store.details(of: id), try store.revisions(of: id)) }
    }

    /// The diff of change `id` from revision `from` (0: its base) to revision `to`.
    func diff(_ id: String, from: Int, to: Int) async throws -> [FileDiff] {
        try await run { try $0.diff(of: id, from: from, to: to) }
    }

    /// Approves as `letswork approve [--force] [--commit]` does.
    func approve(_ id: String, force: Bool, commit: Bool) async throws -> ApprovalOutcome {
        try await store.serial.approve(id, force: force, commitToBranch: commit)
    }

    /// Rejects as `letswork reject --reason` does.
    func reject(_ id: String, reason: String?) async throws -> ChangeRecord {
        try await store.serial.reject(id, reason: reason)
    }

    /// Decided changes, newest first, as `letswork log` lists them.
    func history(limit: Int) async throws -> [ChangeRecord] {
        try await run { try $0.decisions(nil, limit: limit) }
    }
}
