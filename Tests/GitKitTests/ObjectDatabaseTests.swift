import Foundation
import Testing
import LetsworkTestSupport
@testable import GitKit

/// letswork's object database (`Repository.installObjectDatabase`): the same objects as git's,
/// whatever git does to the folder while a handle is open.
@Suite("GitKit, the object database")
struct ObjectDatabaseTests {
    @Test("objects written by an open handle, then packed and pruned by git gc, are still read by it; new ones land loose and git reads them")
    func packedWhileOpen() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "dir/b.txt": "b\n"]) { repo in
            let repository = try Repository.open(at: repo.path)
            let head = try #require(try repository.headCommit())
            let blob = try repository.writeBlob(Array("written before the gc\n".utf8))
            let tree = try repository.updateTree(repository.commit(head).tree, with: [.upsert(path: "new.txt", id: blob, mode: TreeEntry.regularMode)])
            let signature = Signature(name: "Ann", email: "ann@example.com", time: 1_700_000_000)
            let commit = try repository.createCommit(tree: tree, parents: [head], author: signature, committer: signature, message: "before\n")
            try repository.updateReference("refs/letswork/test", to: commit, expecting: nil, message: "test")
            // Once soon after the handle's last look at objects/pack/, once when that look is old
            // enough for the gate to trust it: both times the gate must see the new pack.
            for round in 0..<2 {
                if round == 1 { Thread.sleep(forTimeInterval: 2.2) }
                try repo.git("gc", "--quiet", "--prune=now")
                #expect(try repo.git("count-objects").hasPrefix("0 objects"), "git gc left loose objects: the test would prove nothing")
                #expect(try repository.readBlob(blob) == Array("written before the gc\n".utf8))
                #expect(try repository.commit(commit).message == "before\n")
                #expect(try repository.entry(at: "dir/b.txt", inTree: tree) != nil)
                let later = try repository.writeBlob(Array("written after gc \(round)\n".utf8))
                #expect(try repo.git("cat-file", "-p", later.hex) == "written after gc \(round)\n")
                #expect(try repo.git("count-objects").hasPrefix("1 objects"), "a new object is written loose")
            }
            // An object git has packed is found there, not written again.
            _ = try repository.writeBlob(Array("written before the gc\n".utf8))
            #expect(try repo.git("count-objects").hasPrefix("1 objects"))
            #expect(try repo.git("fsck", "--strict", "--no-progress", "--no-dangling").isEmpty)
        }
    }

    @Test("a repository borrowing objects through objects/info/alternates (git clone --shared) reads them")
    func alternates() throws {
        try TemporaryRepository.with(files: ["shared.txt": "from the source\n"]) { source in
            let clone = source.path + "-shared"
            defer { try? FileManager.default.removeItem(atPath: clone) }
            try source.run(["git", "clone", "--quiet", "--shared", source.path, clone])
            let alternates = try String(contentsOfFile: clone + "/.git/objects/info/alternates", encoding: .utf8)
            #expect(alternates.contains(source.path))
            let repository = try Repository.open(at: clone)
            let head = try #require(try repository.headCommit())
            let entry = try #require(try repository.entry(at: "shared.txt", inTree: repository.commit(head).tree))
            #expect(try repository.readBlob(entry.id) == Array("from the source\n".utf8))
        }
    }

    @Test("the alternates file is read as git reads it: comments and blank lines skipped, relative paths from the object folder")
    func alternatesFile() throws {
        try TemporaryRepository.with { repo in
            let objects = repo.path + "/.git/objects"
            try "# a comment\n\n/elsewhere/objects\n../../other/.git/objects\n".write(toFile: objects + "/info/alternates", atomically: true, encoding: .utf8)
            #expect(Repository.alternates(of: objects) == ["/elsewhere/objects", objects + "/../../other/.git/objects"])
            #expect(Repository.alternates(of: repo.path + "/no-such-folder").isEmpty)
        }
    }
}
