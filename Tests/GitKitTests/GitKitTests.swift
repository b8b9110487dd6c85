import CGit2
import Foundation
import Testing
import LetsworkTestSupport
@testable import GitKit

@Suite("GitKit, the libgit2 layer")
struct GitKitTests {
    @Test("blob ids match git hash-object, and hex round-trips")
    func blobIDs() throws {
        try TemporaryRepository.with { repo in
            try repo.write("x.txt", "hello, ünïcode\r\n")
            let expected = try repo.git("hash-object", "x.txt").trimmingCharacters(in: .whitespacesAndNewlines)
            let id = ObjectID.blob(hashing: Array("hello, ünïcode\r\n".utf8))
            #expect(id.hex == expected)
            #expect(ObjectID(hex: expected) == id)
            #expect(ObjectID(hex: "not hex") == nil)
            let repository = try Repository.open(at: repo.path)
            #expect(try repository.writeBlob(Array("hello, ünïcode\r\n".utf8)) == id)
            #expect(try repository.readBlob(id) == Array("hello, ünïcode\r\n".utf8))
        }
    }

    @Test("hex ids parse as libgit2 parses them: either case, exactly 40 digits")
    func hexParsing() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let digits = (0..<40).map { _ in "0123456789abcdefABCDEF".randomElement(using: &generator)! }
            let text = String(digits)
            var expected = git_oid()
            #expect(git_oid_fromstr(&expected, text) == 0)
            let parsed = ObjectID(hex: text)
            #expect(parsed == ObjectID(expected), "\(text)")
            #expect(parsed?.hex == text.lowercased())
        }
        let valid = String(repeating: "a1", count: 20)
        for bad in [String(valid.dropLast()), valid + "0", String(valid.dropLast()) + "g", String(valid.dropLast()) + " ",
                    "", "not hex", String(valid.dropLast(2)) + "é"] {
            #expect(ObjectID(hex: bad) == nil, "\(bad)")
        }
        // A string bridged from Foundation (not native Swift storage) parses the same.
        #expect(ObjectID(hex: NSString(string: valid) as String)?.hex == valid)
    }

    @Test("tree updates create and prune folders; commits and refs read back through git")
    func treesCommitsAndRefs() throws {
        try TemporaryRepository.with(files: ["keep.txt": "k\n", "old/only.txt": "o\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let head = try #require(try repository.headCommit())
            let base = try repository.commit(head).tree
            let blob = try repository.writeBlob(Array("deep\n".utf8))
            let tree = try repository.updateTree(base, with: [
                .upsert(path: "a/b/c.txt", id: blob, mode: TreeEntry.executableMode),
                .remove(path: "old/only.txt"),
                .remove(path: "never/was.txt"),
            ])
            let signature = Signature(name: "Ann", email: "ann@example.com", time: 1_700_000_000)
            let commit = try repository.createCommit(tree: tree, parents: [head], author: signature, committer: signature,
                                                     message: "Test\n\nChange-Id: abc\n")
            try repository.updateReference("refs/letswork/test", to: commit, expecting: nil, message: "test")
            #expect(try repo.git("ls-tree", "-r", "--format=%(objectmode) %(path)", "refs/letswork/test") == "100755 a/b/c.txt\n100644 keep.txt\n")
            #expect(try repo.git("log", "-1", "--format=%an|%P|%(trailers:key=Change-Id,valueonly)", "refs/letswork/test")
                    .hasPrefix("Ann|\(head.hex)|abc"))
            #expect(try repository.commit(commit).trailer("Change-Id") == ["abc"])
            // Compare-and-swap: a stale expectation loses, and the ref keeps its value.
            let error = try #require(throws: GitError.self) {
                try repository.updateReference("refs/letswork/test", to: head, expecting: head, message: "stale")
            }
            #expect(error.isConcurrentUpdate)
            #expect(try repository.reference("refs/letswork/test") == commit)
        }
    }

    @Test("diffs carry git's headers: new and deleted files, mode changes, no newline at end of file")
    func diffs() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "gone.txt": "g\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let base = try repository.commit(try #require(try repository.headCommit())).tree
            let tree = try repository.updateTree(base, with: [
                .upsert(path: "a.txt", id: try repository.writeBlob(Array("a\nb".utf8)), mode: TreeEntry.executableMode),
                .remove(path: "gone.txt"),
                .upsert(path: "new.txt", id: try repository.writeBlob(Array("n\n".utf8)), mode: TreeEntry.regularMode),
            ])
            let files = try repository.diff(from: base, to: tree)
            #expect(files.map(\.path) == ["a.txt", "gone.txt", "new.txt"])
            #expect(files.map(\.status) == [.modified, .deleted, .added])
            #expect(files[0].patch.contains("old mode 100644\nnew mode 100755"))
            #expect(files[0].patch.contains("+b\n\\ No newline at end of file"))
            #expect(files[1].patch.contains("deleted file mode 100644"))
            #expect(files[2].patch.contains("new file mode 100644"))
            #expect(files[2].additions == 1 && files[1].deletions == 1)
            // Limiting to paths gives only those files.
            #expect(try repository.diff(from: base, to: tree, paths: ["new.txt"]).map(\.path) == ["new.txt"])
        }
    }

    @Test("diffs never load the index into the handle; .gitattributes in the working tree still apply; the index is read fresh")
    func diffsLeaveTheIndexOnDisk() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.dat": "text\n", ".gitattributes": "*.dat binary\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let head = try #require(try repository.headCommit())
            let base = try repository.commit(head).tree
            let tree = try repository.updateTree(base, with: [
                .upsert(path: "a.txt", id: try repository.writeBlob(Array("a\nb\n".utf8)), mode: TreeEntry.regularMode),
                .upsert(path: "b.dat", id: try repository.writeBlob(Array("more text\n".utf8)), mode: TreeEntry.regularMode),
            ])
            let diffs = try repository.diff(from: base, to: tree)
            #expect(diffs.map(\.path) == ["a.txt", "b.dat"])
            #expect(diffs.map(\.isBinary) == [false, true], "the working tree's .gitattributes marks *.dat binary")
            // libgit2 would have loaded all of the index into the handle for those attribute
            // lookups (20 MB at 100,000 files) and kept it; the handle's own index stays empty.
            var handleIndex: OpaquePointer?
            #expect(git_repository_index(&handleIndex, repository.pointer) == 0)
            defer { git_index_free(handleIndex) }
            #expect(git_index_entrycount(handleIndex) == 0)
            // What needs the index reads it from its file, so another process's staging shows.
            #expect(try repository.stagedState(of: ["a.txt"]).blobs["a.txt"] == ObjectID.blob(hashing: Array("a\n".utf8)))
            try repo.write("a.txt", "staged\n")
            try repo.git("add", "a.txt")
            let staged = try repository.stagedState(of: ["a.txt", "absent.txt"])
            #expect(staged.blobs == ["a.txt": ObjectID.blob(hashing: Array("staged\n".utf8))])
            #expect(!staged.hasConflicts)
            #expect(try repository.trackedPaths() == [".gitattributes", "a.txt", "b.dat"])
        }
    }

    @Test("three-way merges: disjoint edits merge, overlapping edits conflict")
    func merges() throws {
        let base = Array("1\n2\n3\n4\n5\n6\n7\n".utf8)
        let ours = Array("1 ours\n2\n3\n4\n5\n6\n7\n".utf8)
        let theirs = Array("1\n2\n3\n4\n5\n6\n7 theirs\n".utf8)
        let clean = try TextMerge.merge(ancestor: base, ours: ours, theirs: theirs, path: "f", ourLabel: "host", theirLabel: "guest")
        #expect(clean.isClean)
        #expect(String(decoding: clean.content, as: UTF8.self) == "1 ours\n2\n3\n4\n5\n6\n7 theirs\n")
        let clash = try TextMerge.merge(ancestor: base, ours: ours, theirs: Array("1 theirs\n2\n3\n4\n5\n6\n7\n".utf8),
                                        path: "f", ourLabel: "host", theirLabel: "guest")
        #expect(!clash.isClean)
        #expect(String(decoding: clash.content, as: UTF8.self).contains("<<<<<<< host\n1 ours\n=======\n1 theirs\n>>>>>>> guest"))
    }

    @Test("errors carry libgit2's own message and the operation")
    func errors() throws {
        let error = try #require(throws: GitError.self) { try Repository.open(at: "/nonexistent/letswork") }
        #expect(error.operation.contains("/nonexistent/letswork"))
        #expect(!error.message.isEmpty)
        #expect(error.isNotFound)
    }

    @Test("commits are written as git writes them, zlib level 1, and git fsck --strict accepts them")
    func commitsAsGitWritesThem() throws {
        try Libgit2Settings.setLooseObjectCompression(level: 1)  // letswork's Tuning
        #expect(throws: GitError.self) { try Libgit2Settings.setLooseObjectCompression(level: 12) }
        // libgit2 takes 0 as "do not deflate": loose objects git could not read.
        #expect(throws: GitError.self) { try Libgit2Settings.setLooseObjectCompression(level: 0) }
        try TemporaryRepository.with(files: ["a.txt": "a\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let head = try #require(try repository.headCommit())
            let tree = try repository.commit(head).tree
            let author = Signature(name: "Ann Ünïcode", email: "ann@example.com", time: 1_700_000_000, offsetMinutes: -330)
            let committer = Signature(name: "letswork", email: "letswork@letswork.invalid", time: 1_700_000_100, offsetMinutes: 60)
            let first = try repository.createCommit(tree: tree, parents: [head], author: author, committer: committer,
                                                    message: "One\n\nbody\n")
            let merge = try repository.createCommit(tree: tree, parents: [head, first], author: author, committer: committer,
                                                    message: "Two\n")
            let text = try repo.git("cat-file", "commit", merge.hex)
            #expect(text == """
                tree \(tree.hex)
                parent \(head.hex)
                parent \(first.hex)
                author Ann Ünïcode <ann@example.com> 1700000000 -0530
                committer letswork <letswork@letswork.invalid> 1700000100 +0100

                Two

                """)
            #expect(try repo.git("log", "-1", "--format=%an|%ae|%ai|%cn|%ci|%s", first.hex)
                == "Ann Ünïcode|ann@example.com|2023-11-14 16:43:20 -0530|letswork|2023-11-14 23:15:00 +0100|One\n")
            let object = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/objects/\(merge.hex.prefix(2))/\(merge.hex.dropFirst(2))"))
            #expect(Array(object.prefix(2)) == [0x78, 0x01])  // zlib's header for level 1
            // The same commit again is the same object, written once.
            #expect(try repository.createCommit(tree: tree, parents: [head, first], author: author, committer: committer,
                                                message: "Two\n") == merge)
            #expect(try repo.run(["git", "-C", repo.path, "fsck", "--strict", "--no-dangling"]).isEmpty)
            // A name libgit2 refuses is refused here too, before anything is written.
            #expect(throws: GitError.self) {
                try repository.createCommit(tree: tree, parents: [head], author: Signature(name: "a <b>", email: "x", time: 1),
                                            committer: committer, message: "x\n")
            }
        }
    }
}
