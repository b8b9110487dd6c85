import Foundation
import LetsworkProtocol
import LetsworkReview
import Synchronization

/// Turns what happens to changes into events, from one source whoever acted: the ledger in git.
/// An agent's tool call, `letswork approve` in another terminal and the review page all end in a
/// new ledger commit, so comparing the ledger before and after tells every proposal, revision,
/// conflict and decision once. The same pass notices the host editing a file of a pending change
/// (by its size, time and inode) and locks that lapsed.
///
/// It runs on the store's queue at the end of each of this process's own operations (in the tool
/// call that made it) and four times a second otherwise, for other processes' decisions (a ref
/// read when nothing changed). The ledger commit it last turned into events is journaled, so a
/// resumed session tells what was decided while it was down.
final class ChangeWatch: Sendable {
    struct FileStamp: Equatable {
        var size: Int64
        var modified: Int64
        var inode: UInt64
        var exists: Bool
    }

    struct State {
        var view: LedgerView?
        /// Per pending change, its files' stamps in the host's working tree when last looked at.
        var stamps: [String: [String: FileStamp]] = [:]
        var running = false
        var stopped = false
    }

    let state = Mutex(State())
    let wake = WakeSignal()
    static let interval = Duration.milliseconds(250)
}

extension Collaboration {
    /// Starts the watch loop unless it runs: it then lives as long as this collaboration, or
    /// until ``stopWatching()``.
    /// - Returns: Whether this call started it.
    @discardableResult
    public func startWatching() -> Bool {
        let start = watch.state.withLock { state -> Bool in
            guard !state.running, !state.stopped else { return false }
            state.running = true
            return true
        }
        guard start else { return false }
        Task { [weak self] in
            while let self, !self.watch.state.withLock({ $0.stopped }) {
                await self.checkForEvents()
                let wake = self.watch.wake
                await wake.wait(upTo: ChangeWatch.interval)
            }
        }
        return true
    }

    /// Ends the watch loop (at shutdown).
    public func stopWatching() {
        watch.state.withLock { $0.stopped = true }
        watch.wake.signal()
    }

    /// Runs a pass now, after this process wrote a file outside the store's queue (the host's
    /// own write_file and edit_file).
    func tellOfOwnChange() async {
        startWatching()
        await checkForEvents()
    }

    /// A pass to run on the store's queue in the same turn as an operation of this process, right
    /// after the caller has its result (see ``ChangeStore/SerialCalls/FollowUp``): nothing queued
    /// after the operation runs before the pass, so get_notifications (which runs a pass first)
    /// and the next operation find the event posted, and the pass does not wait behind the other
    /// operations queued meanwhile. The tool call's answer does not wait for it.
    func followUpTelling() async -> ChangeStore.SerialCalls.FollowUp {
        startWatching()
        let guests = await guestIDs()
        return { [self] store in pass(store, guests: guests) }
    }

    /// One pass: the ledger's news, host edits of pending files and lapsed locks, posted on the
    /// store's queue, inside the pass: whoever reads after a later pass (get_notifications,
    /// letswork://events) finds them, whichever task ran this one.
    func checkForEvents() async {
        let guests = await guestIDs()
        _ = try? await store.serial.run { [self] store in pass(store, guests: guests) }
    }

    private func guestIDs() async -> [String] {
        await hooks.participants().map(\.id).filter { $0 != "host" }
    }

    private func pass(_ store: ChangeStore, guests: [String]) {
        do {
            var posts = try ledgerNews(store) + hostEdits(store)
            for lock in locks.takeExpired() {
                let meta = ["path": lock.path, "holder": lock.holderName]
                posts.append((EventDraft(.lockExpired, "Your lock on \(lock.path) expired after \(locks.timeout / 60) minutes without a call from you; lock it again before editing it.", meta: meta), [lock.holderID]))
                if lock.holderID != "host" {
                    posts.append((EventDraft(.lockExpired, "\(lock.holderName)'s lock on \(lock.path) expired.", meta: meta), ["host"]))
                }
            }
            let now = clock()
            for (draft, recipients) in posts {
                let resolved = recipients.flatMap { $0 == Self.otherGuests ? guests.filter { $0 != draft.meta["author_id"] } : [$0] }
                events.post(draft, to: resolved, time: now)
            }
        } catch {
            logger.warning("could not read the ledger for events", metadata: ["error": "\(error)"])
        }
    }

    /// Stands for "every guest but the change's author" in a recipient list.
    static let otherGuests = "*guests"

    /// What changed in the ledger since the last pass (nothing on the first pass of a fresh
    /// session: the ledger as found is the baseline).
    private func ledgerNews(_ store: ChangeStore) throws -> [(EventDraft, [String])] {
        // One read of the ledger: its view comes from the store's cache when the tip is known.
        let current = try store.ledgerView()
        let previous = watch.state.withLock { $0.view }
        if let previous, previous.tip == current.tip { return [] }
        let baseline: LedgerView? = try previous ?? events.rememberedLedger.flatMap { try store.ledgerView(at: $0) }
        watch.state.withLock { $0.view = current }
        if let tip = current.tip { events.rememberLedger(tip) }
        guard let baseline else { return [] }
        return try EventWording.news(from: baseline, to: current, store: store, hostName: store.host.name)
    }

    /// Events for pending changes whose files the host changed since the last pass.
    private func hostEdits(_ store: ChangeStore) throws -> [(EventDraft, [String])] {
        guard let view = watch.state.withLock({ $0.view }) else { return [] }
        // An approval writes files before its ledger commit: while one runs, or once the ledger
        // moved past this pass's view, the files are not compared (the next pass does it).
        return try store.whileNoApproval(atLedger: view.tip) { try hostEdits(store, pending: view.pending) } ?? []
    }

    private func hostEdits(_ store: ChangeStore, pending: [ChangeRecord]) throws -> [(EventDraft, [String])] {
        var news: [(EventDraft, [String])] = []
        var stamps: [String: [String: ChangeWatch.FileStamp]] = [:]
        let known = watch.state.withLock { $0.stamps }
        for record in pending {
            var now: [String: ChangeWatch.FileStamp] = [:]
            for path in record.paths { now[path] = Self.stamp(store.root + path) }
            stamps[record.id] = now
            guard let before = known[record.id] else { continue }
            let edited = record.paths.filter { before[$0] != nil && before[$0] != now[$0] }
            guard !edited.isEmpty, let change = try store.pendingChange(record.id, patchText: false) else { continue }
            news.append((EventWording.hostEdited(change, files: edited), [record.proposer.id]))
        }
        watch.state.withLock { $0.stamps = stamps }
        return news
    }

    private static func stamp(_ path: String) -> ChangeWatch.FileStamp {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .init(size: 0, modified: 0, inode: 0, exists: false) }
        return .init(size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                     inode: UInt64(info.st_ino), exists: true)
    }
}
