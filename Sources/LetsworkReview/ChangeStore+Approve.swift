import Foundation
import GitKit

/// What an approval wrote.
public struct ApprovalReport: Sendable, Equatable {
    public let changeID: String
    public let revision: Int
    public let proposer: Person
    /// Files written with the proposed content, or merged, or deleted.
    public let written: [String]
    public let deleted: [String]
    /// Files written as a three-way merge with the host's own edits.
    public let merged: [String]
    /// Files where the proposed version replaced the host's edits (approve with force).
    public let forced: [String]
    /// The commit on the host's branch, when approved with `commitToBranch`.
    public let hostCommit: String?
    /// The decision commit on refs/letswork/approved.
    public let decisionCommit: String
}

/// The result of an approval: applied, or refused because of conflicts (nothing written, the
/// change stays pending so its proposer can re-read the files and send a new revision).
public enum ApprovalOutcome: Sendable, Equatable {
    case approved(ApprovalReport)
    case conflicted(changeID: String, conflicts: [FileConflict])
}

extension ChangeStore {
    /// Approves pending change `id`: writes its files into the working tree (all or nothing,
    /// atomically per file, keeping the executable bit and the exact bytes), as a three-way merge
    /// where the host edited a file since, and records the decision on refs/letswork/approved.
    /// On conflict nothing is written and the conflicts are returned; `force` takes the proposed
    /// version anyway. `commitToBranch` also commits the change onto the current branch, authored
    /// by the proposer, touching neither the host's staged nor their uncommitted work.
    /// - Throws: ``ReviewError`` for an unknown or decided id, another process approving at the
    ///   same moment, or `commitToBranch` refused (staged changes on these files).
    public func approve(_ id: String, by decider: Person? = nil, force: Bool = false,
                        commitToBranch: Bool = false) throws -> ApprovalOutcome {
        var backoff = ApprovalBackoff()
        while true {
            // One attempt under the lock; the wait between attempts holds nothing.
            switch try withLock({ try approveOnce(id, by: decider ?? host, force: force, commitToBranch: commitToBranch) }) {
            case .done(let outcome): return outcome
            case .wait(let reason): usleep(UInt32(try backoff.next(reason).microseconds))
            }
        }
    }

    /// What one approval attempt came to: done (approved, conflicted), or to be tried again
    /// after a pause because another approval holds the working tree or the change moved.
    enum ApprovalAttempt: Sendable {
        case done(ApprovalOutcome)
        case wait(String)
    }

    /// One attempt at approving `id`, under the lock. Returns `.wait` (nothing written, nothing
    /// held) when it must be tried again after a pause.
    func approveOnce(_ id: String, by decider: Person, force: Bool, commitToBranch: Bool) throws -> ApprovalAttempt {
        try finishInterruptedApproval()
        let change = try pendingChange(id, in: try ledger.read())
        if approvalLock.isHeld() {
            let other = approvalLock.read()
            return .wait("Another letswork process\(other.map { " (pid \($0.pid))" } ?? "") has been approving change \(other?.changeID ?? "") for over 10 seconds.")
        }
        let plan = try self.plan(change, force: force)
        if !plan.conflicts.isEmpty {
            try noteConflicts(plan)
            return .done(.conflicted(changeID: id, conflicts: plan.conflicts))
        }
        let branchCommit = commitToBranch ? try prepareBranchCommit(plan, decider: decider) : nil
        let journal = try journal(for: plan, decider: decider, commitToBranch: commitToBranch)
        guard try approvalLock.acquire(journal) else {
            return .wait("Other letswork processes kept approving changes for over 10 seconds.")
        }
        // Thrown out of half way: let go of the lock but keep the journal, so that the next
        // attempt or the next process finishes this approval from it.
        defer { approvalLock.abandon() }
        // Under the lock: if the change moved on meanwhile (a new revision, a decision by
        // another process), plan again; if its files changed since planning, likewise.
        let written: Bool
        do {
            guard try ledger.read().state.pending.first(where: { $0.id == id })?.revisions == change.revisions else {
                approvalLock.release()
                return .wait("Change \(id) kept changing while approving it.")
            }
            try faultInjection?("approve.begun")
            written = try write(plan)
        } catch let error as ReviewError {
            approvalLock.release()  // Nothing was written: prepare failed before any rename.
            throw error
        }
        guard written else {
            approvalLock.release()
            return .wait("The files of change \(id) kept changing on disk while approving it.")
        }
        try faultInjection?("approve.written")
        let hostCommit = try branchCommit.map { try $0() }
        let decision = try transact { transaction in
            try finish(journal, hostCommit: hostCommit, skipped: [], in: &transaction)
        }
        approvalLock.release()
        logger.info("change approved", metadata: ["change": "\(id)", "merged": "\(plan.mergedPaths)"])
        return .done(.approved(ApprovalReport(
            changeID: id, revision: change.revisionNumber, proposer: change.proposer,
            written: plan.files.filter { $0.after != nil }.map(\.path.value),
            deleted: plan.files.filter { $0.after == nil }.map(\.path.value),
            merged: plan.mergedPaths, forced: plan.forcedPaths, hostCommit: hostCommit,
            decisionCommit: decision?.record ?? "")))
    }

    func pendingChange(_ id: String, in snapshot: Ledger.Snapshot) throws -> ChangeRecord {
        if let change = snapshot.state.pending.first(where: { $0.id == id }) { return change }
        if let decided = try ledger.decidedRecord(id, in: snapshot) {
            throw ReviewError.alreadyDecided(id, state: decided.state.rawValue)
        }
        throw ReviewError.unknownChange(id)
    }

    private func noteConflicts(_ plan: ApprovalPlan) throws {
        try transact { transaction in
            guard let index = transaction.state.pending.firstIndex(where: { $0.id == plan.change.id }),
                  transaction.state.pending[index].revisions == plan.change.revisions else { return }
            transaction.state.pending[index].conflict = .init(at: clock(), paths: plan.conflicts.map(\.path))
            transaction.message = "note conflicts of \(plan.change.id)"
        }
    }

    private func journal(for plan: ApprovalPlan, decider: Person, commitToBranch: Bool) throws -> ApplyJournal {
        ApplyJournal(
            changeID: plan.change.id, owner: ChangeIDGenerator.make() + ChangeIDGenerator.make(), pid: getpid(), host: ProcessInfo.processInfo.hostName, startedAt: clock(),
            decidedBy: decider, merged: !plan.mergedPaths.isEmpty, forced: !plan.forcedPaths.isEmpty,
            commitToBranch: commitToBranch,
            files: try plan.files.map { file in
                ApplyJournal.File(path: file.path.value, before: file.before.map { (file.beforeBlob ?? ObjectID.blob(hashing: $0)).hex },
                                  after: try file.after.map { try (file.afterBlob ?? repository.writeBlob($0)).hex },
                                  executable: file.executable)
            })
    }

    /// Writes the plan's files; false (nothing written) if a file changed since it was planned.
    private func write(_ plan: ApprovalPlan) throws -> Bool {
        let prepared = try workingTree.prepare(plan.files.map {
            WorkingTree.Write(path: $0.path, content: $0.after, executable: $0.executable)
        })
        for file in plan.files where try workingTree.entry(at: file.path).bytes != file.before {
            workingTree.discard(prepared)
            return false
        }
        try workingTree.commit(prepared)
        return true
    }

    /// Moves a change from pending to approved in `transaction`, with its decision record.
    /// Returns nil, changing nothing, if the change is no longer pending (a racing recovery
    /// finished it already).
    func finish(_ journal: ApplyJournal, hostCommit: String?, skipped: [String],
                in transaction: inout Transaction) throws -> ChangeRecord.Decision? {
        guard let index = transaction.state.pending.firstIndex(where: { $0.id == journal.changeID }) else {
            return nil
        }
        var change = transaction.state.pending.remove(at: index)
        var decision = ChangeRecord.Decision(by: journal.decidedBy, at: clock(), reason: nil, merged: journal.merged,
                                             forced: journal.forced, record: "", hostCommit: hostCommit,
                                             skippedPaths: skipped.isEmpty ? nil : skipped)
        let recorded = try record(&change, decision: &decision, verdict: .approved, parent: transaction.state.approvedTip)
        transaction.state.approvedTip = recorded.hex
        transaction.decided.append(change)
        transaction.newObjects.append(recorded)
        transaction.message = "approve \(change.id)"
        return decision
    }

    func record(_ change: inout ChangeRecord, decision: inout ChangeRecord.Decision, verdict: ChangeState,
                parent: String?) throws -> ObjectID {
        let revision = try repository.commit(ObjectID(hex: change.revisions.last!)!)
        let baseTree = try repository.tree(ofCommit: revision.parents[0])
        let files = try repository.diff(from: baseTree, to: revision.tree, paths: change.paths)
        let commit = try DecisionRecorder(repository: repository).record(change, decision: decision, verdict: verdict,
                                                                        revision: revision, files: files, parent: parent)
        decision.record = commit.hex
        change.state = verdict
        change.decision = decision
        change.conflict = nil
        return commit
    }

    /// Finishes an approval whose process died half way (found in the ledger's journal): each
    /// file still as it was gets the approved content, each already written stays, and one the
    /// host changed since is left alone and named in the decision. Never half-applied, never
    /// both pending and approved.
    func finishInterruptedApproval() throws {
        try approvalLock.recover { journal in
            guard let journal else {
                // Unreadable: its writer died before the journal was whole, so before touching
                // a file of the working tree. There is nothing to finish.
                logger.warning("ignoring an incomplete approval journal", metadata: ["path": "\(approvalLock.path)"])
                return
            }
            var writes: [WorkingTree.Write] = []
            var skipped: [String] = []
            for file in journal.files {
                let path = try RepoPath(file.path)
                workingTree.removeTemporaryFiles(near: path)
                let disk = try? workingTree.entry(at: path)
                let now: String? = disk?.bytes.map { ObjectID.blob(hashing: $0).hex }
                let absent = disk == .absent
                if now == file.after || (absent && file.after == nil) { continue }
                if now == file.before || (absent && file.before == nil) {
                    let content = try file.after.map { try repository.readBlob(ObjectID(hex: $0)!) }
                    writes.append(WorkingTree.Write(path: path, content: content, executable: file.executable))
                } else {
                    skipped.append(file.path)
                }
            }
            try workingTree.commit(workingTree.prepare(writes))
            try transact { transaction in
                guard try finish(journal, hostCommit: nil, skipped: skipped, in: &transaction) != nil else { return }
                transaction.message = "finish approving \(journal.changeID) after an interruption"
            }
            logger.warning("finished an interrupted approval", metadata: ["change": "\(journal.changeID)", "skipped": "\(skipped)"])
        }
    }

    /// Checks that --commit can be done and returns the step that does it after the files are
    /// written: a commit on HEAD whose tree is HEAD's plus the proposer's edits replayed onto
    /// HEAD's versions (so neither the host's uncommitted nor staged work enters it), then the
    /// index entries of those files set to the committed versions.
    private func prepareBranchCommit(_ plan: ApprovalPlan, decider: Person) throws -> () throws -> String {
        guard let head = try repository.headCommit() else { throw ReviewError.commitRefused("HEAD has no commit") }
        let staged = try repository.stagedState(of: plan.files.map(\.path.value))
        guard !staged.hasConflicts else {
            throw ReviewError.commitRefused("the index has unresolved merge conflicts; finish or abort that merge first")
        }
        let headTree = try repository.tree(ofCommit: head)
        var updates: [TreeUpdate] = []
        var entries: [(path: String, blob: ObjectID?, mode: UInt32)] = []
        for file in plan.files {
            let path = file.path.value
            let committed = try repository.entry(at: path, inTree: headTree)
            if staged.blobs[path] != committed?.id {
                throw ReviewError.commitRefused("you have staged changes in \(path); commit or unstage them first, or approve without --commit")
            }
            let mode = file.executable ? TreeEntry.executableMode : TreeEntry.regularMode
            var blob: ObjectID?
            if let proposed = file.proposed {
                if committed?.id == file.base?.id || file.outcome == .forced {
                    blob = proposed.id
                } else {
                    let replay = try TextMerge.merge(
                        ancestor: try file.base.map { try repository.readBlob($0.id) },
                        ours: try committed.map { try repository.readBlob($0.id) } ?? [],
                        theirs: try repository.readBlob(proposed.id), path: path, ourLabel: "HEAD", theirLabel: "change")
                    guard replay.isClean else {
                        throw ReviewError.commitRefused("\(path) differs too much between HEAD and what \(plan.change.proposer.name) saw to commit the change alone; approve without --commit and commit yourself")
                    }
                    blob = try repository.writeBlob(replay.content)
                }
            }
            updates.append(blob.map { .upsert(path: path, id: $0, mode: mode) } ?? .remove(path: path))
            entries.append((path, blob, mode))
        }
        let tree = try repository.updateTree(headTree, with: updates)
        let branch = try repository.headBranch() ?? "HEAD"
        let revision = plan.revision
        return { [repository, clock] in
            let message = revision.message.trimmingCharacters(in: .newlines) + "\nApproved-by: \(decider.name) <\(decider.email)>\n"
            let commit = try repository.createCommit(tree: tree, parents: [head], author: revision.author,
                                                     committer: decider.signature(at: clock()), message: message)
            try repository.updateReference(branch, to: commit, expecting: head, message: "letswork: approve \(plan.change.id)")
            try repository.setIndexEntries(entries)
            return commit.hex
        }
    }
}
