import Foundation
import GitKit

/// The engine's durable state: a chain of commits on `refs/letswork/ledger`. Each commit's
/// message carries the state (the pending queue and the derived refs' tips) as JSON after its
/// subject line, and its tree holds `decided/<ab>/<id>.json` (sharded by the id's first two
/// digits, so no tree grows with the whole history). Ledgers written before kept the state in
/// a `state.json` of the tree; it is read from there once and dropped at the next write.
///
/// Why the state is in the message: a proposal changes only the state, and in the tree that
/// took a blob, a tree and the commit, three new files on disk; in the message it is the commit
/// alone (file creations are the write path's main cost on ext4: docs/performance.md).
///
/// Every update is a new ledger commit made with compare-and-swap on the ref, so two processes
/// (a running server and a CLI command) never lose each other's updates. Each ledger commit also
/// takes the revisions and decision records it introduces as extra parents: that keeps every
/// revision ever proposed reachable from this one ref, through `git gc` and `git fsck`.
struct Ledger {
    static let ref = "refs/letswork/ledger"
    static let pendingRef = "refs/letswork/pending"
    static let approvedRef = "refs/letswork/approved"
    static let rejectedRef = "refs/letswork/rejected"

    let repository: Repository
    /// The last state read or written, by ledger commit: most operations find the ledger where
    /// they left it, and then skip reading and decoding it again.
    let cache = Cache()

    final class Cache {
        var snapshot: Snapshot?
        let stateEncoder = StateEncoder()
        /// The records the last write decided, by id, with the ledger tree that holds them: the
        /// event pass right after a decision tells of it without reading its record back.
        var decided: (tree: ObjectID, records: [String: ChangeRecord])?
    }

    struct Snapshot {
        let tip: ObjectID?
        let tree: ObjectID?
        var state: LedgerState
    }

    func read() throws -> Snapshot {
        guard let tip = try repository.reference(Ledger.ref) else {
            return Snapshot(tip: nil, tree: nil, state: LedgerState())
        }
        if let cached = cache.snapshot, cached.tip == tip { return cached }
        let snapshot = try read(at: tip)
        cache.snapshot = snapshot
        return snapshot
    }

    /// The ledger as it was at commit `tip` (the current one or any before it).
    func read(at tip: ObjectID) throws -> Snapshot {
        let commit = try repository.commit(tip)
        let data: Data
        if let body = Self.stateInMessage(commit.message) {
            data = body
        } else if let entry = try repository.entry(at: Self.legacyStatePath, inTree: commit.tree) {
            data = Data(try repository.readBlob(entry.id))
        } else {
            throw ReviewError.busy("The letswork ledger (\(Ledger.ref)) has no state; it was changed by hand. Restore it with `git update-ref \(Ledger.ref) \(tip.hex)~1`.")
        }
        let state = try JSONDecoder().decode(LedgerState.self, from: data)
        return Snapshot(tip: tip, tree: commit.tree, state: state)
    }

    /// Where ledgers written before kept the state: in the tree.
    static let legacyStatePath = "state.json"

    /// The state JSON after a ledger message's subject line, if it has one.
    static func stateInMessage(_ message: String) -> Data? {
        let utf8 = Array(message.utf8)
        guard let start = utf8.firstIndex(of: 0x0A), start + 2 < utf8.count, utf8[start + 1] == 0x0A,
              utf8[start + 2] == UInt8(ascii: "{") else { return nil }
        return Data(utf8[(start + 2)...])
    }

    static func decidedPath(_ id: String) -> String {
        "decided/\(id.prefix(2))/\(id).json"
    }

    /// A decided change's record, or nil when no decided change has that id.
    func decidedRecord(_ id: String, in snapshot: Snapshot) throws -> ChangeRecord? {
        if let written = cache.decided, written.tree == snapshot.tree, let record = written.records[id] { return record }
        guard let tree = snapshot.tree, let entry = try repository.entry(at: Ledger.decidedPath(id), inTree: tree) else {
            return nil
        }
        return try JSONDecoder().decode(ChangeRecord.self, from: Data(repository.readBlob(entry.id)))
    }

    /// Writes `state` (and newly decided records) as the next ledger commit, if the ledger still
    /// points at `snapshot.tip`.
    /// - Throws: ``GitError`` with `isConcurrentUpdate` when another process wrote first.
    func write(_ state: LedgerState, after snapshot: Snapshot, decided: [ChangeRecord],
               newObjects: [ObjectID], message: String, at time: Int64) throws -> ObjectID {
        var updates: [TreeUpdate] = []
        if let tree = snapshot.tree, try repository.entry(at: Self.legacyStatePath, inTree: tree) != nil {
            updates.append(.remove(path: Self.legacyStatePath))
        }
        for record in decided {
            updates.append(.upsert(path: Ledger.decidedPath(record.id), id: try repository.writeBlob(RecordJSON.encode(record)),
                                   mode: TreeEntry.regularMode))
        }
        // The first ledger's tree is the empty tree, which decision records already use.
        let base = try snapshot.tree ?? repository.emptyTree()
        let tree = updates.isEmpty ? base : try repository.updateTree(base, with: updates)
        let parents = (snapshot.tip.map { [$0] } ?? []) + newObjects
        let signature = Person.letswork.signature(at: time)
        // One line of subject, whatever a guest's name holds: the state starts after the first
        // blank line.
        let subject = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        var text = Array(subject.utf8) + [0x0A, 0x0A]
        text += cache.stateEncoder.encode(state)
        text.append(0x0A)
        let commit = try repository.createCommit(tree: tree, parents: parents, author: signature,
                                                 committer: signature, message: text)
        try repository.updateReference(Ledger.ref, to: commit, expecting: snapshot.tip, message: "letswork: \(message)")
        cache.snapshot = Snapshot(tip: commit, tree: tree, state: state)
        cache.decided = (tree, Dictionary(decided.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last }))
        return commit
    }

    /// Points the derived refs at what `state` says. Runs after every ledger write and on open;
    /// a ref is only moved from the value it was read at, and the loop re-reads the ledger so
    /// that racing processes converge on the newest state.
    func syncDerivedRefs() throws {
        for _ in 0..<8 {
            let snapshot = try read()
            var targets: [(String, String?)] = [(Ledger.approvedRef, snapshot.state.approvedTip),
                                                (Ledger.rejectedRef, snapshot.state.rejectedTip)]
            if let view = snapshot.state.pendingView { targets.append((Ledger.pendingRef, view.tip)) }
            for case (let name, let hex?) in targets {
                guard let target = ObjectID(hex: hex) else { continue }
                let current = try repository.reference(name)
                if current == target { continue }
                do {
                    try repository.updateReference(name, to: target, expecting: current, message: "letswork: sync")
                } catch let error as GitError where error.isConcurrentUpdate {
                    continue
                }
            }
            if try repository.reference(Ledger.ref) == snapshot.tip { return }
        }
    }
}
