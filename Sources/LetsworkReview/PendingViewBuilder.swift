import GitKit

/// Builds what `refs/letswork/pending` shows: a linear stack of commits on top of HEAD, one per
/// pending change (its latest revision), oldest at the bottom, so that
/// `git log HEAD..refs/letswork/pending` lists exactly the pending changes, newest first.
///
/// Each view commit's diff against its parent must be the change's diff against what its
/// proposer saw. Where the stack below already holds exactly that base, the proposed files go
/// on top as they are. Where it does not (the host had uncommitted edits, or an earlier pending
/// change touches the same file), the proposer's edits are transplanted with a three-way merge,
/// which yields the same added and removed lines; only if that merge conflicts is a commit
/// inserted below ("letswork: base of change …") that restores the proposer's base first.
/// View commits copy their revision's author, committer and message, so rebuilding the same
/// queue on the same HEAD gives the same commit ids.
struct PendingViewBuilder {
    let repository: Repository

    func build(root: ObjectID, pending: [ChangeRecord], previous: LedgerState.PendingView?,
               firstChanged: Int) throws -> LedgerState.PendingView {
        var start = 0
        var commits: [String] = []
        if let previous, previous.root == root.hex, firstChanged <= previous.commits.count {
            start = firstChanged
            commits = Array(previous.commits.prefix(firstChanged))
        }
        var tip = commits.last.flatMap(ObjectID.init(hex:)) ?? root
        for change in pending[start...] {
            tip = try stack(change, on: tip)
            commits.append(tip.hex)
        }
        return LedgerState.PendingView(root: root.hex, commits: commits)
    }

    private func stack(_ change: ChangeRecord, on tip: ObjectID) throws -> ObjectID {
        let revision = try repository.commit(ObjectID(hex: change.revisions.last!)!)
        let baseTree = try repository.commit(revision.parents[0]).tree
        let tipTree = try repository.commit(tip).tree
        var edits: [TreeUpdate] = []
        var restoreBase: [TreeUpdate] = []
        for path in change.paths {
            let base = try repository.entry(at: path, inTree: baseTree)
            let proposed = try repository.entry(at: path, inTree: revision.tree)
            let current = try repository.entry(at: path, inTree: tipTree)
            if sameFile(base, current) {
                edits.append(update(path, proposed))
            } else if let transplanted = try transplant(path, base: base, current: current, proposed: proposed, change: change) {
                edits.append(transplanted)
            } else {
                restoreBase.append(update(path, base))
                edits.append(update(path, proposed))
            }
        }
        var parent = tip
        var parentTree = tipTree
        if !restoreBase.isEmpty {
            parentTree = try repository.updateTree(tipTree, with: restoreBase)
            let message = """
                letswork: base of change \(change.id) as \(change.proposer.name) saw it

                The files of change \(change.id) as \(change.proposer.name) saw them when proposing it,
                so that the next commit shows only their edits.

                Letswork-Base-Of: \(change.id)

                """
            parent = try repository.createCommit(tree: parentTree, parents: [tip], author: revision.committer,
                                                 committer: revision.committer, message: message)
        }
        let tree = try repository.updateTree(parentTree, with: edits)
        return try repository.createCommit(tree: tree, parents: [parent], author: revision.author,
                                           committer: revision.committer, message: revision.message)
    }

    /// The proposer's edits replayed onto the stack's version of the file, or nil on conflict.
    private func transplant(_ path: String, base: TreeEntry?, current: TreeEntry?, proposed: TreeEntry?,
                            change: ChangeRecord) throws -> TreeUpdate? {
        guard let base, let current, let proposed, base.kind == .blob, current.kind == .blob else { return nil }
        let merged = try TextMerge.merge(ancestor: repository.readBlob(base.id), ours: repository.readBlob(current.id),
                                         theirs: repository.readBlob(proposed.id), path: path,
                                         ourLabel: "pending", theirLabel: change.id)
        guard merged.isClean else { return nil }
        return .upsert(path: path, id: try repository.writeBlob(merged.content), mode: proposed.mode)
    }

    private func update(_ path: String, _ entry: TreeEntry?) -> TreeUpdate {
        entry.map { .upsert(path: path, id: $0.id, mode: $0.mode) } ?? .remove(path: path)
    }

    private func sameFile(_ a: TreeEntry?, _ b: TreeEntry?) -> Bool {
        a?.id == b?.id && a?.mode == b?.mode
    }
}
