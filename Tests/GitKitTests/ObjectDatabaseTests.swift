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

    @Test("loose objects up to 64 KiB are one stored zlib block, larger ones deflated; git reads both byte for byte, and no temporary file stays")
    func looseWriter() throws {
        try TemporaryRepository.with { repo in
            let repository = try Repository.open(at: repo.path)
            let objects = repo.path + "/.git/objects"
            func file(_ id: ObjectID) throws -> [UInt8] {
                Array(try Data(contentsOf: URL(fileURLWithPath: objects + "/" + id.hex.prefix(2) + "/" + id.hex.dropFirst(2))))
            }
            // "blob 65524\0" is 11 bytes: 65,524 bytes of content fill one stored block exactly.
            let atLimit = [UInt8](repeating: UInt8(ascii: "a"), count: 65_524)
            let overLimit = atLimit + [UInt8(ascii: "b")]
            let large = Array(String(repeating: "let value = 42 // a line that compresses\n", count: 25_000).utf8)
            for content in [[], Array("hello, writer\n".utf8), atLimit, overLimit, large] {
                let expected = ObjectID.blob(hashing: content)
                let folder = objects + "/" + expected.hex.prefix(2)
                if content.isEmpty { #expect(!FileManager.default.fileExists(atPath: folder), "the object's folder is made by the write") }
                let id = try repository.writeBlob(content)
                #expect(id == expected)
                let bytes = try file(id)
                if content.count + 11 <= 65_535 {
                    #expect(Array(bytes.prefix(3)) == [0x78, 0x01, 0x01], "a zlib stream of one final stored block")
                    #expect(bytes.count == 2 + 5 + content.count + "blob \(content.count)".utf8.count + 1 + 4)
                } else {
                    // Deflated at the process's level (libgit2's default here: Tuning sets it in the CLI).
                    #expect(bytes.first == 0x78 && bytes[2] != 0x01, "deflated")
                }
                #expect(try repo.git("cat-file", "-s", id.hex) == "\(content.count)\n")
                #expect(try repo.git("cat-file", "blob", id.hex) == String(decoding: content, as: UTF8.self))
                #expect(try repository.readBlob(id) == content)
            }
            #expect(try file(ObjectID.blob(hashing: large)).count < large.count / 10, "a large object is compressed")
            let tree = try repository.updateTree(repository.emptyTree(), with: [.upsert(path: "dir/a.txt", id: ObjectID.blob(hashing: Array("hello, writer\n".utf8)), mode: TreeEntry.regularMode)])
            #expect(try repo.git("ls-tree", "-r", "--name-only", tree.hex) == "dir/a.txt\n")
            #expect(try repo.git("fsck", "--strict", "--no-progress", "--no-dangling").isEmpty)
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: objects).filter { $0.contains("tmp_obj") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("with core.fsyncObjectFiles the writer syncs and git still reads the object; a write that cannot be made says where and why")
    func looseWriterSyncAndFailure() throws {
        try TemporaryRepository.with { repo in
            try repo.git("config", "core.fsyncObjectFiles", "true")
            let synced = try Repository.open(at: repo.path)
            let id = try synced.writeBlob(Array("synced\n".utf8))
            #expect(try repo.git("cat-file", "blob", id.hex) == "synced\n")

            // The object's folder is a file: the write fails, naming the place, and writes nothing.
            let content = Array("cannot be written\n".utf8)
            let blocked = ObjectID.blob(hashing: content)
            let folder = repo.path + "/.git/objects/" + blocked.hex.prefix(2)
            try? FileManager.default.removeItem(atPath: folder)
            try Data("not a folder".utf8).write(to: URL(fileURLWithPath: folder))
            let error = try #require(throws: GitError.self) { try synced.writeBlob(content) }
            #expect(error.message.contains("temporary object file") && error.message.contains(folder), "\(error)")
            #expect(error.message.contains("Not a directory"), "\(error)")
            #expect(try String(contentsOfFile: folder, encoding: .utf8) == "not a folder")
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
