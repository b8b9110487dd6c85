import CGit2
import Foundation
import LetsworkTestSupport
import Testing
@testable import GitKit

/// `Repository.updateTree` writes trees itself; libgit2's `git_tree_create_updated` is the
/// reference it must agree with, tree id for tree id, on random trees and random updates.
@Suite("Tree updates, against libgit2's")
struct TreeUpdateTests {
    /// Names that sort awkwardly in git's order: a folder `a` sorts as `a/`, after `a.b` and
    /// `a-b` but before `a0`.
    static let names = ["a", "a.b", "a-b", "a0", "ab", "b", "é", "a b", "Z"]

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// libgit2's result for the same updates, or nil when it refuses them.
    static func reference(_ repository: Repository, _ base: ObjectID, _ updates: [TreeUpdate]) -> ObjectID? {
        var tree: OpaquePointer?
        var baseOID = base.raw
        guard git_tree_lookup(&tree, repository.pointer, &baseOID) == 0 else { return nil }
        defer { git_tree_free(tree) }
        let paths = updates.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var items = updates.enumerated().map { index, update -> git_tree_update in
            var item = git_tree_update()
            item.path = UnsafePointer(paths[index])
            switch update {
            case .upsert(_, let id, let mode):
                item.action = GIT_TREE_UPDATE_UPSERT
                item.id = id.raw
                item.filemode = git_filemode_t(rawValue: mode)
            case .remove:
                item.action = GIT_TREE_UPDATE_REMOVE
            }
            return item
        }
        var out = git_oid()
        guard git_tree_create_updated(&out, repository.pointer, tree, items.count, &items) == 0 else { return nil }
        return ObjectID(out)
    }

    static func randomPath(_ generator: inout Generator) -> String {
        (0...Int.random(in: 0...2, using: &generator)).map { _ in names.randomElement(using: &generator)! }.joined(separator: "/")
    }

    /// No path of the set is another's, or inside another's (one update of a path and of a
    /// path inside it is refused by letswork's writer and means different things to libgit2's).
    static func independent(_ paths: [String]) -> Bool {
        for (i, a) in paths.enumerated() {
            for b in paths[(i + 1)...] where a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/") { return false }
        }
        return true
    }

    @Test("random updates of random trees give libgit2's tree ids, and fail where libgit2 fails")
    func agreesWithLibgit2() throws {
        try TemporaryRepository.with { repo in
            let repository = try Repository.open(at: repo.path)
            var generator = Generator(state: 20_261_204)
            let blobs = try (0..<6).map { try repository.writeBlob(Array("blob \($0)\n".utf8)) }
            let modes: [UInt32] = [0o100644, 0o100644, 0o100755, 0o120000]
            var agreed = 0, refusedByBoth = 0
            for _ in 0..<300 {
                // A base tree made by libgit2 itself from the empty tree.
                var seed: [TreeUpdate] = []
                for _ in 0..<Int.random(in: 0...12, using: &generator) {
                    let path = Self.randomPath(&generator)
                    guard Self.independent(seed.map(\.path) + [path]) else { continue }
                    seed.append(.upsert(path: path, id: blobs.randomElement(using: &generator)!, mode: modes.randomElement(using: &generator)!))
                }
                let empty = try repository.emptyTree()
                guard let base = Self.reference(repository, empty, seed) else { continue }
                let existing = seed.map(\.path)

                var updates: [TreeUpdate] = []
                for _ in 0..<Int.random(in: 1...5, using: &generator) {
                    let path = Bool.random(using: &generator) && !existing.isEmpty
                        ? existing.randomElement(using: &generator)! : Self.randomPath(&generator)
                    guard Self.independent(updates.map(\.path) + [path]) else { continue }
                    updates.append(Int.random(in: 0..<3, using: &generator) == 0
                        ? .remove(path: path)
                        : .upsert(path: path, id: blobs.randomElement(using: &generator)!, mode: modes.randomElement(using: &generator)!))
                }
                // libgit2 refuses removing an absent path; updateTree skips it, so the reference
                // gets the updates that remain.
                let effective = try updates.filter { update in
                    if case .remove(let path) = update { return try repository.entry(at: path, inTree: base) != nil }
                    return true
                }
                let expected = effective.isEmpty ? base : Self.reference(repository, base, effective)
                let actual = try? repository.updateTree(base, with: updates)
                #expect(actual == expected, "base \(seed), updates \(updates)")
                if expected == nil { refusedByBoth += actual == nil ? 1 : 0 } else { agreed += 1 }
            }
            // Both kinds of case came up: trees written, and updates refused.
            #expect(agreed > 150)
            #expect(refusedByBoth > 5)
        }
    }

    @Test("emptied folders go, the root stays; git reads what is written")
    func pruningAndGit() throws {
        try TemporaryRepository.with(files: ["keep.txt": "k\n", "a/b/c.txt": "c\n", "a/d.txt": "d\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let base = try repository.tree(ofCommit: try #require(try repository.headCommit()))
            let pruned = try repository.updateTree(base, with: [.remove(path: "a/b/c.txt"), .remove(path: "a/d.txt")])
            #expect(pruned == Self.reference(repository, base, [.remove(path: "a/b/c.txt"), .remove(path: "a/d.txt")]))
            #expect(try repo.git("ls-tree", "-r", "--name-only", pruned.hex) == "keep.txt\n")
            let emptied = try repository.updateTree(pruned, with: [.remove(path: "keep.txt")])
            #expect(emptied == (try repository.emptyTree()))
            let blob = try repository.writeBlob(Array("new\n".utf8))
            let grown = try repository.updateTree(emptied, with: [.upsert(path: "x/y/z.txt", id: blob, mode: 0o100755)])
            #expect(try repo.git("ls-tree", "-r", grown.hex) == "100755 blob \(blob.hex)\tx/y/z.txt\n")
            #expect(try repo.git("fsck", "--no-dangling").isEmpty)
        }
    }

    @Test("names libgit2 refuses are refused, and so are two updates of one path or of a path and one inside it")
    func refusals() throws {
        try TemporaryRepository.with(files: ["file.txt": "f\n", "dir/x.txt": "x\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let base = try repository.tree(ofCommit: try #require(try repository.headCommit()))
            let blob = try repository.writeBlob(Array("b\n".utf8))
            // letswork refuses a path ending in `/`, where libgit2 writes `end/end` for `end/`.
            #expect(throws: GitError.self) { try repository.updateTree(base, with: [.upsert(path: "end/", id: blob, mode: 0o100644)]) }
            for path in [".git/config", "dir/.git", ".GIT", "a/../b", "a/./b", "a//b", "/abs", "", "file.txt/inside"] {
                #expect(throws: GitError.self, "\(path)") { try repository.updateTree(base, with: [.upsert(path: path, id: blob, mode: 0o100644)]) }
                let accepted = Self.reference(repository, base, [.upsert(path: path, id: blob, mode: 0o100644)])
                #expect(accepted == nil, "libgit2 took \(path): \(accepted.map { (try? repo.git("ls-tree", "-r", $0.hex)) ?? "" } ?? "")")
            }
            // A folder replaced by a file, and a file by a folder's contents: libgit2 refuses both too.
            #expect(throws: GitError.self) { try repository.updateTree(base, with: [.upsert(path: "dir", id: blob, mode: 0o100644)]) }
            #expect(Self.reference(repository, base, [.upsert(path: "dir", id: blob, mode: 0o100644)]) == nil)
            #expect(throws: GitError.self) {
                try repository.updateTree(base, with: [.upsert(path: "file.txt", id: blob, mode: 0o100644), .remove(path: "file.txt")])
            }
            #expect(throws: GitError.self) {
                try repository.updateTree(base, with: [.upsert(path: "dir", id: blob, mode: 0o100644), .upsert(path: "dir/y", id: blob, mode: 0o100644)])
            }
            #expect(throws: GitError.self) { try repository.updateTree(base, with: [.upsert(path: "m.txt", id: blob, mode: 0o100600)]) }
        }
    }
}
