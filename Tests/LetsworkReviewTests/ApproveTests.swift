import Foundation
import Testing
import LetsworkTestSupport
@testable import LetsworkReview

func approved(_ outcome: ApprovalOutcome) throws -> ApprovalReport {
    guard case .approved(let report) = outcome else {
        Issue.record("expected an approval, got \(outcome)")
        throw CommandFailed(command: "approve", status: 1, output: "\(outcome)")
    }
    return report
}

let twentyLines = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"

@Suite("Approving changes")
struct ApproveTests {
    @Test("a clean approval writes the proposed bytes, records the decision, and leaves HEAD and the index alone")
    func clean() throws {
        try TemporaryRepository.with(files: ["a.txt": "old\n"]) { repo in
            let head = try repo.git("rev-parse", "HEAD")
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "new\n")], by: alice, summary: "Say new")
            let report = try approved(store.approve(change.changeID))
            #expect(report.written == ["a.txt"] && report.merged.isEmpty)
            #expect(repo.read("a.txt") == "new\n")
            #expect(try repo.git("rev-parse", "HEAD") == head)
            #expect(try repo.git("status", "--porcelain") == " M a.txt\n")
            #expect(try repo.log("HEAD..refs/letswork/pending").isEmpty)
            let log = try repo.log("refs/letswork/approved", format: "%an|%cn|%s|%(trailers:key=Change-Id,valueonly,separator=%x2C)|%(trailers:key=Decision,valueonly,separator=%x2C)")
            #expect(log == ["alice|Hosta Host|Say new|\(change.changeID)|approved"])
            // The diff is one `git show` away, named in the record.
            let proposal = try repo.git("log", "-1", "--format=%(trailers:key=Proposal,valueonly)", "refs/letswork/approved").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try repo.git("show", "--format=", proposal).contains("-old\n+new\n"))
            #expect(throws: ReviewError.alreadyDecided(change.changeID, state: "approved")) { try store.approve(change.changeID) }
        }
    }

    @Test("the host edited another part of the file since: a clean three-way merge keeps both edits")
    func merge() throws {
        try TemporaryRepository.with(files: ["f.txt": twentyLines]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("f.txt", twentyLines.replacingOccurrences(of: "line 18\n", with: "line 18 guest\n"))], by: alice)
            try repo.write("f.txt", twentyLines.replacingOccurrences(of: "line 2\n", with: "line 2 host\n"))
            #expect(try store.pendingChanges(withStatus: true).first?.status == .needsMerge(["f.txt"]))
            let report = try approved(store.approve(change.changeID))
            #expect(report.merged == ["f.txt"])
            let result = try #require(repo.read("f.txt"))
            #expect(result.contains("line 2 host\n") && result.contains("line 18 guest\n"))
            #expect(try repo.git("log", "-1", "--format=%B", "refs/letswork/approved").contains("merged with the host's own edits"))
        }
    }

    @Test("the host edited the same lines: nothing is written, the change stays pending, conflicts are reported")
    func conflict() throws {
        try TemporaryRepository.with(files: ["f.txt": twentyLines]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("f.txt", twentyLines.replacingOccurrences(of: "line 5\n", with: "line 5 guest\n"))], by: alice)
            let hostVersion = twentyLines.replacingOccurrences(of: "line 5\n", with: "line 5 host\n")
            try repo.write("f.txt", hostVersion)
            guard case .conflicted(let id, let conflicts) = try store.approve(change.changeID) else {
                Issue.record("expected a conflict"); return
            }
            #expect(id == change.changeID)
            #expect(conflicts.map(\.path) == ["f.txt"])
            let hunk = try #require(conflicts.first?.hunks.first)
            #expect(hunk.line == 5 && hunk.host == ["line 5 host"] && hunk.proposed == ["line 5 guest"])
            #expect(repo.read("f.txt") == hostVersion)
            #expect(try store.pendingChanges().map(\.record.id) == [change.changeID])
            #expect(try store.changes(proposedBy: alice.id).first?.conflict?.paths == ["f.txt"])
            // The host may take the proposed version anyway.
            let forced = try approved(store.approve(change.changeID, force: true))
            #expect(forced.forced == ["f.txt"])
            #expect(repo.read("f.txt")!.contains("line 5 guest\n"))
        }
    }

    @Test("a multi-file change applies all or nothing")
    func allOrNothing() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "a guest\n"), write("b.txt", "b guest\n"), write("new/deep/c.txt", "c\n")], by: alice)
            try repo.write("b.txt", "b host\n")
            guard case .conflicted = try store.approve(change.changeID) else { Issue.record("expected a conflict"); return }
            #expect(repo.read("a.txt") == "a\n")
            #expect(!repo.exists("new"))
            try repo.write("b.txt", "b\n")
            _ = try approved(store.approve(change.changeID))
            #expect(repo.read("a.txt") == "a guest\n" && repo.read("b.txt") == "b guest\n" && repo.read("new/deep/c.txt") == "c\n")
            let leftovers = try FileManager.default.subpathsOfDirectory(atPath: repo.path).filter { $0.contains(".letswork-") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test("deletions delete, the executable bit stays, CRLF and unicode paths survive byte for byte")
    func fileDetails() throws {
        try TemporaryRepository.with(files: ["gone.txt": "bye\n", "run.sh": "#!/bin/sh\necho hi\n", "dos.txt": "a\r\nb\r\n"]) { repo in
            try repo.git("update-index", "--chmod=+x", "run.sh")
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/run.sh")
            try repo.git("commit", "-qm", "exec")
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([
                .delete(try RepoPath("gone.txt")),
                write("run.sh", "#!/bin/sh\necho hello\n"),
                write("dos.txt", "a\r\nb changed\r\n"),
                write("docs/naïve café/Ünïcode file.md", "ünïcödé ✓\n"),
            ], by: alice, summary: "Several things")
            #expect(try repo.git("show", "--format=", "--stat", change.commit).contains("4 files changed"))
            _ = try approved(store.approve(change.changeID))
            #expect(!repo.exists("gone.txt"))
            let permissions = try FileManager.default.attributesOfItem(atPath: repo.path + "/run.sh")[.posixPermissions] as? Int
            #expect(permissions == 0o755)
            #expect(FileManager.default.contents(atPath: repo.path + "/dos.txt") == Data("a\r\nb changed\r\n".utf8))
            #expect(repo.read("docs/naïve café/Ünïcode file.md") == "ünïcödé ✓\n")
        }
    }

    @Test("rejecting records the reason where the proposer and git can read it")
    func reject() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "nope\n")], by: alice)
            try store.reject(change.changeID, reason: "keep the old API\nand add tests")
            #expect(repo.read("a.txt") == "a\n")
            let log = try repo.git("log", "--format=%an|%cn|%B", "refs/letswork/rejected")
            #expect(log.contains("alice|Hosta Host|Update a.txt"))
            #expect(log.contains("Reason: keep the old API and add tests"))
            #expect(log.contains("keep the old API\nand add tests"))
            let mine = try #require(try store.changes(proposedBy: alice.id).first)
            #expect(mine.state == .rejected && mine.decision?.reason == "keep the old API\nand add tests")
            #expect(try store.decisions(.rejected).map(\.id) == [change.changeID])
            #expect(throws: ReviewError.unknownChange("00000000")) { try store.reject("00000000") }
            #expect(try repo.log("HEAD..refs/letswork/pending").isEmpty)
        }
    }

    @Test("--commit commits only the proposer's edits onto the branch and keeps the host's uncommitted work")
    func commitToBranch() throws {
        try TemporaryRepository.with(files: ["f.txt": twentyLines, "other.txt": "x\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            try repo.write("f.txt", twentyLines.replacingOccurrences(of: "line 2\n", with: "line 2 host\n"))
            let change = try store.submit([write("f.txt", repo.read("f.txt")!.replacingOccurrences(of: "line 18\n", with: "line 18 guest\n"))], by: alice)
            try repo.write("other.txt", "staged\n")
            try repo.git("add", "other.txt")
            let report = try approved(store.approve(change.changeID, commitToBranch: true))
            let commit = try #require(report.hostCommit)
            #expect(try repo.git("rev-parse", "HEAD").hasPrefix(commit))
            #expect(try repo.git("log", "-1", "--format=%an", "HEAD") == "alice\n")
            let committed = try repo.git("show", "--format=", "HEAD")
            #expect(committed.contains("+line 18 guest") && !committed.contains("host"))
            // The host's uncommitted line is still uncommitted, their staged file still staged.
            let status = try repo.git("status", "--porcelain")
            #expect(status.contains(" M f.txt") || status.contains("MM f.txt"))
            #expect(status.contains("M  other.txt"))
            #expect(try repo.git("diff", "f.txt").contains("+line 2 host"))
        }
    }

    @Test("--commit is refused, before anything is written, when the host staged changes in the same file")
    func commitRefusedWhenStaged() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "guest\n")], by: alice)
            try repo.write("a.txt", "a\n\nstaged\n")
            try repo.git("add", "a.txt")
            try repo.write("a.txt", "a\n")
            let error = try #require(throws: ReviewError.self) { try store.approve(change.changeID, commitToBranch: true) }
            #expect(error.description.contains("staged changes in a.txt"))
            #expect(repo.read("a.txt") == "a\n")
            #expect(try store.pendingCount() == 1)
        }
    }

    @Test("--commit is refused while the host is in the middle of a conflicted merge, and nothing is written")
    func commitRefusedDuringMerge() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "m.txt": "base\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "guest\n")], by: alice)
            let trunk = try repo.git("rev-parse", "--abbrev-ref", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
            try repo.git("checkout", "-q", "-b", "side")
            try repo.write("m.txt", "side\n")
            try repo.commitAll("side")
            try repo.git("checkout", "-q", trunk)
            try repo.write("m.txt", "trunk\n")
            try repo.commitAll("trunk")
            #expect(throws: CommandFailed.self) { try repo.git("merge", "-q", "side") }
            let error = try #require(throws: ReviewError.self) { try store.approve(change.changeID, commitToBranch: true) }
            #expect(error.description.contains("unresolved merge conflicts"), "\(error)")
            #expect(repo.read("a.txt") == "a\n")
            #expect(try store.pendingCount() == 1)
            #expect(try repo.git("status", "--porcelain").contains("UU m.txt"))
        }
    }
}
