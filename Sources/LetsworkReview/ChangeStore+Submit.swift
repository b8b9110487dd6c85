import Foundation
import GitKit

/// What a submission produced.
public struct SubmitResult: Sendable, Equatable {
    public let changeID: String
    /// 1 for a new change; higher when it revised the proposer's own pending change.
    public let revision: Int
    /// The revision's commit (its diff is the change's diff).
    public let commit: String
    /// Every file the change touches now, including earlier revisions' files.
    public let paths: [String]
    public var isRevision: Bool { revision > 1 }
}

extension ChangeStore {
    /// Proposes `operations` as `proposer`. If the proposer already has a pending change touching
    /// any of these files, this becomes its next revision (same id; earlier revisions stay
    /// reachable); otherwise it is a new change. The host's files are not touched.
    ///
    /// The revision's parent holds what the proposer saw: the host's working-tree version of each
    /// touched file. When that differs from HEAD it is recorded as a snapshot commit (authored by
    /// the host), so the change's own diff never contains the host's uncommitted work.
    /// - Throws: ``ReviewError`` for an invalid path, binary or oversized content, a file that is
    ///   not a regular text file on the host, a deletion of a missing file, or nothing to change.
    public func submit(_ operations: [FileOperation], by proposer: Person, summary: String? = nil) throws -> SubmitResult {
        guard !operations.isEmpty else { throw ReviewError.nothingToPropose("the change has no files") }
        var seen = Set<RepoPath>()
        for operation in operations {
            guard seen.insert(operation.path).inserted else {
                throw ReviewError.invalidPath(operation.path.value, reason: "it appears twice in one change; give each file once")
            }
            if case .write(let path, let content) = operation { try ContentPolicy.check(content, for: path) }
        }
        let paths = Set(operations.map(\.path.value))
        for operation in operations {
            if let folder = operation.path.parentFolders.first(where: paths.contains) {
                throw ReviewError.invalidPath(operation.path.value, reason: "\(folder) is written as a file in the same change; a path is a file or a folder, so drop one of the two")
            }
        }
        let summary = summary.map(Self.cleanSummary).flatMap { $0.isEmpty ? nil : $0 }
        return try withLock {
            // Blobs first: writing objects is idempotent, so a retried transaction reuses them.
            let blobs = try operations.map { operation -> ObjectID? in
                if case .write(_, let content) = operation { return try repository.writeBlob(content) }
                return nil
            }
            return try transact { transaction in
                try submit(operations, blobs: blobs, by: proposer, summary: summary, into: &transaction)
            }
        }
    }

    private func submit(_ operations: [FileOperation], blobs: [ObjectID?], by proposer: Person, summary: String?,
                        into transaction: inout Transaction) throws -> SubmitResult {
        let now = clock()
        let paths = Set(operations.map(\.path.value))
        let owned = transaction.state.pending.enumerated().filter {
            $0.element.proposer.id == proposer.id && !paths.isDisjoint(with: $0.element.paths)
        }
        guard owned.count <= 1 else { throw ReviewError.overlapsSeveralChanges(owned.map(\.element.id)) }

        let owner = owned.first
        let previous = try owner.map { try repository.commit(ObjectID(hex: $0.element.revisions.last!)!) }
        let head = try repository.headCommit()!
        let baseParent: ObjectID
        let startTree: ObjectID
        if let revision = previous {
            baseParent = revision.parents[0]
            startTree = revision.tree
        } else {
            baseParent = head
            startTree = try repository.tree(ofCommit: head)
        }
        let knownPaths = Set(owner?.element.paths ?? [])
        let newPaths = operations.map(\.path).filter { !knownPaths.contains($0.value) }
        let base = try baseSnapshot(for: newPaths, on: baseParent, proposer: proposer, at: now)
        if base != baseParent { transaction.newObjects.append(base) }
        let baseTree = try repository.tree(ofCommit: base)

        // What the proposer is editing: their own pending version of files already in the
        // change, the host's working-tree version (the base) of the others.
        func existing(_ path: String) throws -> TreeEntry? {
            try repository.entry(at: path, inTree: knownPaths.contains(path) ? startTree : baseTree)
        }
        var updates: [TreeUpdate] = []
        for (operation, blob) in zip(operations, blobs) {
            let path = operation.path.value
            let current = try existing(path)
            switch operation {
            case .write:
                let mode = current?.isExecutable == true ? TreeEntry.executableMode : TreeEntry.regularMode
                updates.append(.upsert(path: path, id: blob!, mode: mode))
            case .delete:
                guard current != nil else {
                    throw ReviewError.nothingToPropose("\(path) does not exist on the host, so there is nothing to delete")
                }
                updates.append(.remove(path: path))
            }
        }
        // A revision is the previous revision plus these operations; a new change is the base
        // plus them. Files new to a revision have their base in `base` (a snapshot if needed).
        let tree: ObjectID
        do {
            tree = try repository.updateTree(previous == nil ? baseTree : startTree, with: updates)
        } catch let error as GitError {
            // The one refusal the proposer can act on: a folder on a path is a file of the host's.
            guard let file = error.notAFolder else { throw error }
            let path = operations.first { $0.path.parentFolders.contains(file) }?.path.value ?? file
            throw ReviewError.invalidPath(path, reason: "\(file) is a file in the host's repository, not a folder; write to another path, or ask the host to move \(file)")
        }
        if tree == baseTree {
            throw ReviewError.nothingToPropose("the proposed content is identical to the host's files (to withdraw a pending change, ask the host to reject it)")
        }

        let allPaths = Array(knownPaths.union(paths)).sorted()
        var record = try owner?.element ?? ChangeRecord(
            id: try uniqueChangeID(in: transaction), proposer: proposer, summary: summary, paths: allPaths,
            revisions: [], submittedAt: now, updatedAt: now, state: .pending)
        record.proposer = proposer
        record.summary = summary ?? record.summary
        record.paths = allPaths
        record.updatedAt = now
        record.conflict = nil
        let message = Self.message(for: record, revision: record.revisions.count + 1, operations: operations)
        let commit = try repository.createCommit(tree: tree, parents: [base], author: proposer.signature(at: now),
                                                 committer: Person.letswork.signature(at: now), message: message)
        record.revisions.append(commit.hex)
        transaction.newObjects.append(commit)
        if let index = owner?.offset {
            transaction.state.pending[index] = record
        } else {
            transaction.state.pending.append(record)
        }
        transaction.message = "\(record.revisions.count > 1 ? "revise" : "propose") \(record.id) by \(proposer.name)"
        logger.info("change proposed", metadata: ["change": "\(record.id)", "revision": "\(record.revisions.count)", "by": "\(proposer.name)"])
        return SubmitResult(changeID: record.id, revision: record.revisions.count, commit: commit.hex, paths: allPaths)
    }

    /// The commit whose tree holds what the proposer saw for `paths`: `parent` itself when the
    /// working tree matches it, else a snapshot commit on top of it with the host's versions.
    private func baseSnapshot(for paths: [RepoPath], on parent: ObjectID, proposer: Person, at time: Int64) throws -> ObjectID {
        let parentTree = try repository.tree(ofCommit: parent)
        var updates: [TreeUpdate] = []
        for path in paths {
            let committed = try repository.entry(at: path.value, inTree: parentTree)
            switch try workingTree.entry(at: path) {
            case .absent:
                if committed != nil { updates.append(.remove(path: path.value)) }
            case .file(let bytes, let executable, _):
                guard bytes.count <= ContentPolicy.maximumFileSize, !bytes.contains(0),
                      String(validating: bytes, as: UTF8.self) != nil else {
                    throw ReviewError.unsafeOnDisk(path, reason: "on the host it is a binary file or larger than 1 MiB; letswork only changes text files up to 1 MiB")
                }
                let id = ObjectID.blob(hashing: bytes)
                let mode = executable ? TreeEntry.executableMode : TreeEntry.regularMode
                if committed?.id != id || committed?.mode != mode {
                    updates.append(.upsert(path: path.value, id: try repository.writeBlob(bytes), mode: mode))
                }
            case .symlink:
                throw ReviewError.unsafeOnDisk(path, reason: "it is a symbolic link on the host; letswork does not change links")
            case .folder:
                throw ReviewError.unsafeOnDisk(path, reason: "it is a folder on the host, not a file")
            case .other:
                throw ReviewError.unsafeOnDisk(path, reason: "it is not a regular file on the host")
            }
        }
        guard !updates.isEmpty else { return parent }
        let tree = try repository.updateTree(parentTree, with: updates)
        let names = updates.map(\.path).joined(separator: ", ")
        let message = """
            letswork: the host's working tree as \(proposer.name) saw it

            Uncommitted versions of \(names) on the host when \(proposer.name) proposed a change
            to them, so that the change's own diff shows only \(proposer.name)'s edits.

            Letswork-Snapshot: working tree

            """
        return try repository.createCommit(tree: tree, parents: [parent], author: host.signature(at: time),
                                           committer: Person.letswork.signature(at: time), message: message)
    }

    private func uniqueChangeID(in transaction: Transaction) throws -> String {
        for _ in 0..<64 {
            let id = ChangeIDGenerator.make()
            if transaction.state.pending.contains(where: { $0.id == id }) { continue }
            if try ledger.decidedRecord(id, in: transaction.snapshot) != nil { continue }
            return id
        }
        throw ReviewError.busy("Could not find a free change id.")
    }

    static func message(for record: ChangeRecord, revision: Int, operations: [FileOperation]) -> String {
        var subject: String
        var body: String?
        if let summary = record.summary {
            let lines = summary.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            subject = String(lines[0])
            body = lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .whitespacesAndNewlines) : nil
            if body?.isEmpty == true { body = nil }
        } else if record.paths.count == 1, let only = operations.first, operations.count == 1 {
            if case .delete = only { subject = "Delete \(only.path.value)" } else { subject = "Update \(only.path.value)" }
        } else {
            subject = "Update \(record.paths.count) files"
        }
        if subject.count > 100 { subject = String(subject.prefix(99)) + "…" }
        var message = subject + "\n\n"
        if let body { message += body + "\n\n" }
        message += "Change-Id: \(record.id)\nLetswork-Revision: \(revision)\n"
        return message
    }

    /// Printable text only (summaries reach the host's terminal): no escapes or control characters.
    static func cleanSummary(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F && !($0.value >= 0x80 && $0.value < 0xA0)) }
        return String(String(String.UnicodeScalarView(kept)).prefix(4000)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
