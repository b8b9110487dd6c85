import GitKit

/// Builds what `refs/letswork/pending` shows: one commit per pending change (its latest
/// revision), each on top of HEAD and independent of the others, so that
/// `git log HEAD..refs/letswork/pending` lists exactly the pending changes.
///
/// With one pending change the ref points at its commit. With more, it points at a merge whose
/// first parent is HEAD and whose other parents are the changes' commits, newest first; the
/// merge's tree is HEAD's with every pending file as its newest pending change proposes it, so
/// `git diff HEAD refs/letswork/pending` is the whole queue.
///
/// Why a merge and not a stack: in a stack each commit sits on the one below, so a revision or a
/// decision low in the queue had to rewrite every commit above it (a 19× cost at 100 pending).
/// Here a change's commit depends only on HEAD and the change, so an update writes the one
/// change's commit, the paths it touches in the merge's tree and the merge commit: the same
/// work at any queue depth. Only a move of HEAD rebuilds every change's commit.
///
/// Each change's commit diff against its parent must be the change's diff against what its
/// proposer saw. Where HEAD holds exactly that base, the proposed files go on top as they are.
/// Where it does not (the host had uncommitted edits, or committed over the file since), the
/// proposer's edits are transplanted with a three-way merge, which yields the same added and
/// removed lines; only if that merge conflicts is a commit inserted below ("letswork: base of
/// change …") that restores the proposer's base first. View commits copy their revision's
/// author, committer and message, so rebuilding the same queue on the same HEAD gives the same
/// commit ids (and a change proposed on HEAD's version of its files *is* its revision commit).
struct PendingViewBuilder {
    let repository: Repository

    /// The view of `pending` on `root`, reusing from `previous` (the view of `previousPending`)
    /// every change commit whose change and HEAD are unchanged. Returns `previous` itself when
    /// nothing in it changed, so no ref is rewritten for nothing.
    func build(root: ObjectID, pending: [ChangeRecord], previous: LedgerState.PendingView?,
               previousPending: [ChangeRecord]) throws -> LedgerState.PendingView {
        let reusable = previous.flatMap { $0.root == root.hex ? $0.commitsByRevision : nil } ?? [:]
        // By index, here and below: a `for change in pending` copies every record it passes
        // (a retain and a release of each of its fields), which under a deep queue was most of
        // what an operation spent on the view.
        var commits: [String] = []
        var revisions: [String] = []
        commits.reserveCapacity(pending.count)
        revisions.reserveCapacity(pending.count)
        for index in pending.indices {
            let revision = pending[index].revisions.last!
            revisions.append(revision)
            commits.append(try reusable[revision] ?? stack(pending[index], on: root).hex)
        }
        if let previous, previous.root == root.hex, previous.revisions == revisions, previous.commits == commits {
            return previous
        }
        var view = LedgerState.PendingView(root: root.hex, commits: commits, revisions: revisions, merge: nil)
        if commits.count > 1 {
            let tree = try unionTree(root: root, pending: pending, commits: commits, previous: previous,
                                     previousPending: previousPending, reusable: reusable)
            view.merge = try mergeCommit(root: root, tree: tree, pending: pending, commits: commits).hex
        }
        return view
    }

    // MARK: - The merge

    /// HEAD's tree with each pending change's files, the newest change winning where two touch
    /// one path. Updated from the previous view's tree where possible: only the paths of the
    /// changes that came, went or were revised are looked up again.
    private func unionTree(root: ObjectID, pending: [ChangeRecord], commits: [String],
                           previous: LedgerState.PendingView?, previousPending: [ChangeRecord],
                           reusable: [String: String]) throws -> ObjectID {
        let rootTree = try repository.tree(ofCommit: root)
        var startTree = rootTree
        var paths = Set<String>()
        if let previous, previous.root == root.hex, previous.revisions != nil,
           previous.commits.count == previousPending.count, let previousTip = ObjectID(hex: previous.tip) {
            startTree = try repository.tree(ofCommit: previousTip)
            // A kept change (pending now, with a commit of the previous view on this root) keeps
            // its paths as they are in the previous tree: only the others' paths (a change that
            // came, went or was revised) are looked up again.
            var current = Set<String>(minimumCapacity: pending.count)
            for index in pending.indices { current.insert(pending[index].revisions.last!) }
            func kept(_ revision: String) -> Bool { reusable[revision] != nil && current.contains(revision) }
            for index in pending.indices where !kept(pending[index].revisions.last!) {
                paths.formUnion(pending[index].paths)
            }
            for index in previousPending.indices where !kept(previousPending[index].revisions.last!) {
                paths.formUnion(previousPending[index].paths)
            }
        } else {
            for index in pending.indices { paths.formUnion(pending[index].paths) }
        }
        var updates: [TreeUpdate] = []
        for path in paths.sorted() {
            // The newest pending change touching `path` decides it; none: HEAD's version.
            let owner = pending.indices.last { pending[$0].paths.contains(path) }
            let source = try owner.map { try repository.tree(ofCommit: ObjectID(hex: commits[$0])!) } ?? rootTree
            updates.append(update(path, try repository.entry(at: path, inTree: source)))
        }
        return try repository.updateTree(startTree, with: updates)
    }

    private func mergeCommit(root: ObjectID, tree: ObjectID, pending: [ChangeRecord], commits: [String]) throws -> ObjectID {
        let message = """
            letswork: \(pending.count) pending changes

            A merge of the pending changes, one parent each after HEAD (newest first): `git show`
            of each parent is that change's diff against what its proposer saw. This commit's
            tree is HEAD's with every pending file as its newest change proposes it.

            Letswork-Pending: \(pending.count)

            """
        // Dated like the newest change, so the same queue on the same HEAD is the same commit.
        let time = pending.indices.map { pending[$0].updatedAt }.max() ?? 0
        let signature = Person.letswork.signature(at: time)
        return try repository.createCommit(tree: tree, parents: [root] + commits.reversed().map { ObjectID(hex: $0)! },
                                           author: signature, committer: signature, message: message)
    }

    // MARK: - One change

    private func stack(_ change: ChangeRecord, on tip: ObjectID) throws -> ObjectID {
        let revision = try repository.commit(ObjectID(hex: change.revisions.last!)!)
        let baseTree = try repository.tree(ofCommit: revision.parents[0])
        let tipTree = try repository.tree(ofCommit: tip)
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

    /// The proposer's edits replayed onto HEAD's version of the file, or nil on conflict.
    private func transplant(_ path: String, base: TreeEntry?, current: TreeEntry?, proposed: TreeEntry?,
                            change: ChangeRecord) throws -> TreeUpdate? {
        guard let base, let current, let proposed, base.kind == .blob, current.kind == .blob else { return nil }
        let merged = try TextMerge.merge(ancestor: repository.readBlob(base.id), ours: repository.readBlob(current.id),
                                         theirs: repository.readBlob(proposed.id), path: path,
                                         ourLabel: "HEAD", theirLabel: change.id)
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
