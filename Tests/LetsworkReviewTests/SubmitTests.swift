import Foundation
import Testing
import LetsworkTestSupport
@testable import LetsworkReview

let alice = Person(id: "guest", name: "alice")
let bob = Person(id: "guest-bob", name: "bob")

func write(_ path: String, _ content: String) throws -> FileOperation {
    .write(try RepoPath(path), content: Array(content.utf8))
}

@Suite("Submitting changes")
struct SubmitTests {
    @Test("a proposal is one commit on refs/letswork/pending with the proposer as author and a Change-Id")
    func proposalIsACommit() throws {
        try TemporaryRepository.with(files: ["src/app.swift": "let a = 1\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let result = try store.submit([write("src/app.swift", "let a = 2\n")], by: alice)
            #expect(result.revision == 1)
            let pending = try repo.log("HEAD..refs/letswork/pending", format: "%an <%ae>|%cn|%s|%(trailers:key=Change-Id,valueonly)")
            #expect(pending.count == 1)
            #expect(pending[0].hasPrefix("alice <guest@letswork.invalid>|letswork|Update src/app.swift|\(result.changeID)"))
            let shown = try repo.git("show", "--format=", "refs/letswork/pending")
            #expect(shown.contains("-let a = 1\n+let a = 2\n"))
            // The host's files, HEAD and index are untouched.
            #expect(repo.read("src/app.swift") == "let a = 1\n")
            #expect(try repo.git("status", "--porcelain").isEmpty)
        }
    }

    @Test("writing again to one's own pending file makes a new revision with the same id")
    func revision() throws {
        try TemporaryRepository.with(files: ["a.txt": "one\n", "b.txt": "bee\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let first = try store.submit([write("a.txt", "two\n")], by: alice)
            let second = try store.submit([write("a.txt", "three\n"), write("b.txt", "bee!\n")], by: alice)
            #expect(second.changeID == first.changeID)
            #expect(second.revision == 2)
            #expect(second.paths == ["a.txt", "b.txt"])
            let pending = try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Letswork-Revision,valueonly)")
            #expect(pending.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } == ["2"])
            let diff = try repo.git("show", "--format=", "refs/letswork/pending")
            #expect(diff.contains("-one\n+three\n") && diff.contains("-bee\n+bee!\n"))
            // The first revision stays reachable.
            #expect(try repo.git("cat-file", "-t", first.commit).hasPrefix("commit"))
            // Another proposer's write to the same file is a separate change.
            let other = try store.submit([write("a.txt", "bob's\n")], by: bob)
            #expect(other.changeID != first.changeID)
            // Both changes edit line 1 of a.txt, each on HEAD: the pending ref is now their merge,
            // and each change's own commit shows exactly what its proposer wrote.
            let subjects = try repo.log("HEAD..refs/letswork/pending", format: "%s")
            #expect(subjects.first == "letswork: 2 pending changes")
            #expect(Set(subjects.dropFirst()) == ["Update a.txt", "Update 2 files"])
            let changes = try repo.git("log", "--format=%H", "--grep=^Change-Id:", "HEAD..refs/letswork/pending").split(separator: "\n").map(String.init)
            #expect(changes.count == 2)
            let shown = try changes.map { try repo.git("show", "--format=", $0) }
            #expect(shown.contains { $0.contains("-one\n+bob's\n") && !$0.contains("b.txt") })
            #expect(shown.contains { $0.contains("-one\n+three\n") && $0.contains("-bee\n+bee!\n") })
            // The merge's tree is the queue: the newest change wins a file two of them touch.
            #expect(try repo.git("show", "refs/letswork/pending:a.txt") == "bob's\n")
            #expect(try repo.git("show", "refs/letswork/pending:b.txt") == "bee!\n")
        }
    }

    @Test("the host's uncommitted edits never appear in the change's diff")
    func hostUncommittedWork() throws {
        let original = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        try TemporaryRepository.with(files: ["f.txt": original]) { repo in
            // The host edits line 2 without committing; the guest sees that and edits line 18.
            let hostVersion = original.replacingOccurrences(of: "line 2\n", with: "line 2 (host)\n")
            try repo.write("f.txt", hostVersion)
            let store = try ChangeStore.open(containing: repo.path)
            let result = try store.submit([write("f.txt", hostVersion.replacingOccurrences(of: "line 18\n", with: "line 18 (guest)\n"))], by: alice)
            let revisionDiff = try repo.git("show", "--format=", result.commit)
            #expect(revisionDiff.contains("+line 18 (guest)"))
            #expect(!revisionDiff.contains("host"))
            // The pending view too lists one commit whose diff holds only the guest's line.
            let pending = try repo.log("HEAD..refs/letswork/pending")
            #expect(pending.count == 1)
            let viewDiff = try repo.git("show", "--format=", "refs/letswork/pending")
            #expect(viewDiff.contains("-line 18\n+line 18 (guest)\n"))
            #expect(!viewDiff.contains("(host)"))
            // The base is recorded as a snapshot commit authored by the host.
            #expect(try repo.git("log", "-1", "--format=%an|%s", "\(result.commit)^").hasPrefix("Hosta Host|letswork: the host's working tree as alice saw it"))
        }
    }

    @Test("binary content, files over 1 MiB and bad paths are refused with a clear error")
    func refusals() throws {
        try TemporaryRepository.with { repo in
            let store = try ChangeStore.open(containing: repo.path)
            #expect(throws: ReviewError.self) { try store.submit([.write(try RepoPath("x.bin"), content: [0x00, 0x01])], by: alice) }
            let big = [UInt8](repeating: 0x61, count: (1 << 20) + 1)
            #expect(throws: ReviewError.self) { try store.submit([.write(try RepoPath("big.txt"), content: big)], by: alice) }
            for bad in ["/etc/passwd", "../x", "a/../../x", ".git/hooks/pre-commit", "sub/.GIT/config", "a\u{0}b", ""] {
                #expect(throws: ReviewError.self, "\(bad.debugDescription)") { try RepoPath(bad) }
            }
            #expect(throws: ReviewError.self) { try store.submit([.delete(try RepoPath("missing.txt"))], by: alice) }
            #expect(throws: ReviewError.self) { try store.submit([write("README.md", "hello\n")], by: alice) }
            let error = try #require(throws: ReviewError.self) { try store.submit([.write(try RepoPath("x.bin"), content: [0])], by: alice) }
            #expect(error.description.contains("binary"))
            // A path through a file of the host's: the proposer is told which file and what to do.
            let under = try #require(throws: ReviewError.self) { try store.submit([write("README.md/notes.txt", "n\n")], by: alice) }
            #expect(under.description.contains("README.md is a file in the host's repository, not a folder; write to another path"))
            let both = try #require(throws: ReviewError.self) { try store.submit([write("notes", "n\n"), write("notes/a.txt", "a\n")], by: alice) }
            #expect(both.description.contains("notes is written as a file in the same change"))
            #expect(try repo.log("HEAD..refs/letswork/pending").isEmpty)
        }
    }

    @Test("a symbolic link to a folder outside the repository cannot be written through")
    func symlinkedFolder() throws {
        try TemporaryRepository.with { repo in
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-outside-\(UUID().uuidString.prefix(6))").path
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try FileManager.default.createSymbolicLink(atPath: repo.path + "/escape", withDestinationPath: outside)
            let store = try ChangeStore.open(containing: repo.path)
            let error = try #require(throws: ReviewError.self) { try store.submit([write("escape/x.txt", "pwned\n")], by: alice) }
            #expect(error.description.contains("symbolic link"))
            #expect(!FileManager.default.fileExists(atPath: outside + "/x.txt"))
        }
    }

    @Test("outside a repository, in a bare one, or before the first commit: a clear error that says what to do")
    func unusableRepositories() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-none-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notRepo = try #require(throws: ReviewError.self) { try ChangeStore.open(containing: folder) }
        #expect(notRepo.description.contains("--init"))

        try TemporaryRepository.with(files: [:]) { repo in
            let empty = try #require(throws: ReviewError.self) { try ChangeStore.open(containing: repo.path) }
            #expect(empty.description.contains("no commit yet"))
            try repo.run(["git", "init", "-q", "--bare", repo.path + "/bare.git"])
            let bare = try #require(throws: ReviewError.self) { try ChangeStore.open(containing: repo.path + "/bare.git") }
            #expect(bare.description.contains("bare"))
        }
    }

    @Test("--init creates the repository and a first commit that honours .gitignore")
    func initialize() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-init-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: folder + "/src", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "secret\n".write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        try ".env\n".write(toFile: folder + "/.gitignore", atomically: true, encoding: .utf8)
        try "code\n".write(toFile: folder + "/src/main.swift", atomically: true, encoding: .utf8)
        let store = try ChangeStore.initializeRepository(at: folder)
        _ = try store.submit([write("src/main.swift", "better code\n")], by: alice)
        let repo = TemporaryRepository(path: folder)
        #expect(try repo.git("ls-files").split(separator: "\n").sorted() == [".gitignore", "src/main.swift"])
        #expect(try repo.log("HEAD").count == 1)
        #expect(throws: ReviewError.self) { try ChangeStore.initializeRepository(at: folder) }
    }
}
