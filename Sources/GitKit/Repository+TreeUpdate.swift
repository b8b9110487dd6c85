import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// A new tree: `base` (or the empty tree) with `updates` applied. Folders are created and
    /// emptied folders removed as needed; removing an absent path is a no-op. The result is the
    /// tree libgit2's `git_tree_create_updated` makes (`TreeUpdateTests` compares the two).
    ///
    /// Why not libgit2's: it copies every entry of each folder on the path into a tree builder
    /// (an allocation and a hash-table insertion each) and sorts them again, to change one or two;
    /// that was half the instructions of a proposal. This writes each folder on the path from the
    /// parsed tree libgit2 already caches, splicing the changed entries into their places.
    /// - Throws: ``GitError`` for an invalid name or mode (libgit2 checks every name an update
    ///   puts in a folder), a file where the path needs a folder, a folder replaced by a file or
    ///   the other way round, two updates of one path or of a path and one inside it, or when the
    ///   trees cannot be read or written.
    public func updateTree(_ base: ObjectID?, with updates: [TreeUpdate]) throws -> ObjectID {
        let baseID = try base ?? emptyTree()
        var effective: [TreeUpdate] = []
        for update in updates {
            if case .remove(let path) = update, try entry(at: path, inTree: baseID) == nil { continue }
            effective.append(update)
        }
        if effective.isEmpty { return baseID }
        try checkNames(of: effective)
        let edit = TreeEdit()
        for update in effective { try edit.add(update) }
        return try write(edit, over: baseID, folder: "") ?? emptyTree()
    }

    /// Has libgit2 check every name and mode the updates put in a folder, by inserting them into
    /// an empty tree builder: its rules (no `.git` in any spelling the file systems alias, no
    /// `.` or `..`, valid modes) stay the ones that apply. Each folder's name goes in with the
    /// file's id and mode, so that no folder object has to exist (or be written) for the check;
    /// the one rule that looks at the mode, a `.gitmodules` that is a symbolic link, can then
    /// also refuse a folder of that name on the way to a link.
    private func checkNames(of updates: [TreeUpdate]) throws {
        var builder: OpaquePointer?
        try git("create a tree builder") { git_treebuilder_new(&builder, pointer, nil) }
        defer { git_treebuilder_free(builder) }
        for case .upsert(let path, let id, let mode) in updates {
            var oid = id.raw
            for component in path.split(separator: "/", omittingEmptySubsequences: false) {
                let status = String(component).withCString { name in
                    git_treebuilder_insert(nil, builder, name, &oid, git_filemode_t(rawValue: mode))
                }
                if status < 0 { throw GitError.last(status: status, operation: "put \(path) in a tree") }
            }
        }
    }

    /// Writes `folder` (a path ending in `/`, or "" for the root) as `treeID` with `edit`'s
    /// changes; nil when nothing is left in it, so that its parent drops it as git would.
    private func write(_ edit: TreeEdit, over treeID: ObjectID?, folder: String) throws -> ObjectID? {
        var tree: OpaquePointer?
        if let treeID {
            var oid = treeID.raw
            try git("read tree \(treeID.short())") { git_tree_lookup(&tree, pointer, &oid) }
        }
        defer { git_tree_free(tree) }

        // The entries the edit puts in this folder, their names and ids in one buffer that
        // lives as long as the slots pointing into it.
        var added: [(name: [UInt8], mode: UInt32, id: git_oid)] = []
        for (name, change) in edit.changes {
            let existing = tree.flatMap { tree in name.withCString { git_tree_entry_byname(tree, $0) } }
            let existingMode = existing.map { git_tree_entry_filemode_raw($0).rawValue }
            switch change {
            case .remove:
                continue
            case .put(let id, let mode):
                if let existingMode, Self.kind(existingMode) != Self.kind(mode) {
                    throw GitError.treeRefusal("cannot replace the \(Self.kindName(existingMode)) \(folder)\(name) with a \(Self.kindName(mode))")
                }
                added.append((Array(name.utf8), mode, id.raw))
            case .folder(let inner):
                var innerBase: ObjectID?
                if let existing, let existingMode {
                    guard Self.kind(existingMode) == 0o040000 else {
                        throw GitError.treeRefusal("\(folder)\(name) is a \(Self.kindName(existingMode)), not a folder", notAFolder: folder + name)
                    }
                    innerBase = ObjectID(git_tree_entry_id(existing).pointee)
                }
                if let written = try write(inner, over: innerBase, folder: folder + name + "/") {
                    added.append((Array(name.utf8), 0o040000, written.raw))
                }
            }
        }
        let names = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, added.reduce(0) { $0 + $1.name.count }), alignment: 1)
        defer { names.deallocate() }
        let ids = UnsafeMutablePointer<git_oid>.allocate(capacity: max(1, added.count))
        defer { ids.deallocate() }
        var newSlots: [TreeSlot] = []
        newSlots.reserveCapacity(added.count)
        var offset = 0
        for (index, entry) in added.enumerated() {
            names.baseAddress!.advanced(by: offset).copyMemory(from: entry.name, byteCount: entry.name.count)
            (ids + index).initialize(to: entry.id)
            newSlots.append(TreeSlot(name: UnsafeRawBufferPointer(rebasing: names[offset..<offset + entry.name.count]),
                                     mode: entry.mode, id: UnsafePointer(ids + index)))
            offset += entry.name.count
        }
        newSlots.sort(by: TreeSlot.precedes)

        // This folder's entries the edit leaves as they are, in their order, then the two lists
        // merged. A tree out of git's order (written by another tool) is sorted, as libgit2 does.
        let changedNames = edit.changes.keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var slots: [TreeSlot] = []
        let count = tree.map { git_tree_entrycount($0) } ?? 0
        slots.reserveCapacity(count + newSlots.count)
        var ordered = true
        for index in 0..<count {
            let entry = git_tree_entry_byindex(tree, index)!
            let name = git_tree_entry_name(entry)!
            let slot = TreeSlot(name: UnsafeRawBufferPointer(start: name, count: strlen(name)),
                                mode: git_tree_entry_filemode_raw(entry).rawValue,
                                id: git_tree_entry_id(entry))
            if Self.contains(changedNames, slot.name) { continue }
            if let last = slots.last, !TreeSlot.precedes(last, slot) { ordered = false }
            slots.append(slot)
        }
        if ordered {
            slots = TreeSlot.merge(slots, newSlots)
        } else {
            slots += newSlots
            slots.sort(by: TreeSlot.precedes)
        }
        if slots.isEmpty { return folder.isEmpty ? try emptyTree() : nil }

        // Each entry: the mode in octal, a space, the name, a NUL and the 20 bytes of the id.
        let size = slots.reduce(0) { $0 + Self.octalCount($1.mode) + $1.name.count + 22 }
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var at = buffer.baseAddress!
            for slot in slots {
                at = Self.writeOctal(slot.mode, at)
                at.pointee = 0x20
                at = at.advanced(by: 1)
                at.update(from: slot.name.bindMemory(to: UInt8.self).baseAddress!, count: slot.name.count)
                at = at.advanced(by: slot.name.count)
                at.pointee = 0
                at = at.advanced(by: 1)
                withUnsafeBytes(of: slot.id.pointee.id) { at.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 20) }
                at = at.advanced(by: 20)
            }
            count = size
        }
        return try writeObject(bytes, as: GIT_OBJECT_TREE, operation: "write tree \(folder.isEmpty ? "/" : folder)")
    }

    /// The type bits of a mode: 0o040000 folder, 0o160000 submodule commit, 0o100000 blob
    /// (files and symbolic links alike, as libgit2 tells an entry's object type).
    private static func kind(_ mode: UInt32) -> UInt32 {
        switch mode & 0o170000 {
        case 0o040000: 0o040000
        case 0o160000: 0o160000
        default: 0o100000
        }
    }

    private static func kindName(_ mode: UInt32) -> String {
        switch kind(mode) {
        case 0o040000: "folder"
        case 0o160000: "submodule"
        default: "file"
        }
    }

    private static func contains(_ sortedNames: [[UInt8]], _ name: UnsafeRawBufferPointer) -> Bool {
        var low = 0, high = sortedNames.count
        while low < high {
            let middle = (low + high) / 2
            let order = sortedNames[middle].withUnsafeBytes { TreeSlot.compareBytes(UnsafeRawBufferPointer($0), name) }
            if order == 0 { return true }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// How many octal digits `mode` takes without leading zeros, as git writes it in a tree
    /// (`40000`, `100644`).
    private static func octalCount(_ mode: UInt32) -> Int {
        var count = 1, rest = mode >> 3
        while rest > 0 { count += 1; rest >>= 3 }
        return count
    }

    /// Writes `mode` in octal at `at`; returns the place after it.
    private static func writeOctal(_ mode: UInt32, _ at: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let count = octalCount(mode)
        var rest = mode
        for index in stride(from: count - 1, through: 0, by: -1) {
            at[index] = 0x30 + UInt8(rest & 7)
            rest >>= 3
        }
        return at.advanced(by: count)
    }
}

extension GitError {
    /// An update `updateTree` cannot apply, said in letswork's words (libgit2 was not asked).
    fileprivate static func treeRefusal(_ message: String, notAFolder: String? = nil) -> GitError {
        GitError(code: -1, category: 0, message: message, operation: "update a tree", notAFolder: notAFolder)
    }
}

/// The changes of one update of a tree, folder by folder.
final class TreeEdit {
    enum Change {
        case put(ObjectID, UInt32)
        case remove
        case folder(TreeEdit)
    }

    private(set) var changes: [String: Change] = [:]

    func add(_ update: TreeUpdate) throws {
        let components = update.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !components.contains(where: \.isEmpty) else {
            throw GitError.treeRefusal("'\(update.path)' is not a path in a tree: it has an empty part")
        }
        var node = self
        for name in components.dropLast() {
            switch node.changes[name] {
            case .folder(let next)?:
                node = next
            case nil:
                let next = TreeEdit()
                node.changes[name] = .folder(next)
                node = next
            case .put?, .remove?:
                throw GitError.treeRefusal("one update changes \(name) and a path inside it (\(update.path))")
            }
        }
        let leaf = components.last!
        guard node.changes[leaf] == nil else {
            throw GitError.treeRefusal("one update changes \(update.path) twice")
        }
        switch update {
        case .upsert(_, let id, let mode): node.changes[leaf] = .put(id, mode)
        case .remove: node.changes[leaf] = .remove
        }
    }
}

/// One entry of a tree being written: its name and id point into the parsed tree or the
/// writer's buffer, so an entry left as it is is never copied before it is written out.
struct TreeSlot {
    let name: UnsafeRawBufferPointer
    let mode: UInt32
    let id: UnsafePointer<git_oid>

    var isFolder: Bool { mode & 0o170000 == 0o040000 }

    /// git's order of tree entries: by name, a folder's name compared as if it ended in `/`.
    static func precedes(_ a: TreeSlot, _ b: TreeSlot) -> Bool {
        let shared = min(a.name.count, b.name.count)
        let order = memcmp(a.name.baseAddress!, b.name.baseAddress!, shared)
        if order != 0 { return order < 0 }
        let nextA: UInt8 = a.name.count > shared ? a.name[shared] : (a.isFolder ? 0x2F : 0)
        let nextB: UInt8 = b.name.count > shared ? b.name[shared] : (b.isFolder ? 0x2F : 0)
        return nextA < nextB
    }

    static func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
        let order = memcmp(a.baseAddress!, b.baseAddress!, min(a.count, b.count))
        if order != 0 { return order }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Two lists in git's order as one.
    static func merge(_ first: [TreeSlot], _ second: [TreeSlot]) -> [TreeSlot] {
        if second.isEmpty { return first }
        var merged: [TreeSlot] = []
        merged.reserveCapacity(first.count + second.count)
        var i = 0, j = 0
        while i < first.count && j < second.count {
            if precedes(second[j], first[i]) { merged.append(second[j]); j += 1 } else { merged.append(first[i]); i += 1 }
        }
        merged += first[i...]
        merged += second[j...]
        return merged
    }
}
