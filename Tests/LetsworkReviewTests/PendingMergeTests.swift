import Foundation
import GitKit
import LetsworkReview
import LetsworkTestSupport
import Testing

/// The refs contract for the pending ref's shape, a merge of independent change commits on
/// HEAD, checked with the git CLI: `git log HEAD..refs/letswork/pending` lists every pending
/// change and `git show` of each is exactly its diff against what its proposer saw.
@Suite("The pending ref: a merge of one commit per change, each on HEAD")
struct PendingMergeTests {
    /// The pending changes' commits, by Change-Id, as git lists them (merges left out).
    private func changeCommits(_ repo: TemporaryRepository) throws -> [String: String] {
        let lines = try repo.log("HEAD..refs/letswork/pending", format: "%H %(trailers:key=Change-Id,valueonly,separator=)")
        var commits: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ")
            if parts.count == 2 { commits[String(parts[1])] = String(parts[0]) }
        }
        return commits
    }

    /// `git show` of the change's commit in the view, and of its revision: the diffs must be equal
    /// but for the `index` lines (a change transplanted onto HEAD's version of a file the host
    /// edited has other blob ids, and the same lines added and removed).
    private func expectExactDiff(_ repo: TemporaryRepository, view: String, revision: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        func diff(_ commit: String) throws -> String {
            try repo.git("show", "--format=", commit).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("index ") }.joined(separator: "\n")
        }
        let shown = try diff(view)
        let proposed = try diff(revision)
        #expect(!shown.isEmpty, sourceLocation: sourceLocation)
        #expect(shown == proposed, "view \(view) vs revision \(revision)", sourceLocation: sourceLocation)
    }

    @Test("three changes: a merge of three commits on HEAD, each showing exactly its diff")
    func mergeOfChanges() throws {
        let files = ["a.txt": "a\n", "b.txt": "b\n", "dir/c.txt": (1...20).map { "line \($0)\n" }.joined()]
        try TemporaryRepository.with(files: files) { repo in
            // The host edits c.txt without committing; carol sees that version.
            try repo.write("dir/c.txt", (1...20).map { $0 == 2 ? "line 2 (host)\n" : "line \($0)\n" }.joined())
            let store = try ChangeStore.open(containing: repo.path)
            let carol = Person(id: "guest-carol", name: "carol")
            let one = try store.submit([write("a.txt", "alice\n")], by: alice)
            let two = try store.submit([write("b.txt", "bob\n")], by: bob)
            let hostVersion = try #require(repo.read("dir/c.txt"))
            let three = try store.submit([write("dir/c.txt", hostVersion.replacingOccurrences(of: "line 19\n", with: "line 19 (carol)\n"))], by: carol)

            let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .newlines)
            let parents = try repo.git("rev-list", "--parents", "-n", "1", "refs/letswork/pending").split(separator: " ").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(parents.count == 5, "the merge, HEAD and three changes: \(parents)")
            #expect(parents[1] == head, "the merge's first parent is HEAD")
            let commits = try changeCommits(repo)
            #expect(Set(commits.keys) == [one.changeID, two.changeID, three.changeID])
            #expect(try repo.git("log", "--no-merges", "--format=%H", "HEAD..refs/letswork/pending").split(separator: "\n").count == 3)
            for (result, id) in [(one, one.changeID), (two, two.changeID), (three, three.changeID)] {
                let view = try #require(commits[id])
                try expectExactDiff(repo, view: view, revision: result.commit)
                #expect(try repo.git("rev-parse", "\(view)^").trimmingCharacters(in: .newlines) == head, "each change sits on HEAD")
            }
            // The host's uncommitted line is in no diff, and the merge's tree holds the queue.
            #expect(!(try repo.git("show", "--format=", commits[three.changeID]!)).contains("(host)"))
            let queue = try repo.git("diff", "--name-only", "HEAD", "refs/letswork/pending").split(separator: "\n")
            #expect(Set(queue) == ["a.txt", "b.txt", "dir/c.txt"])
            #expect(try repo.git("show", "refs/letswork/pending:a.txt") == "alice\n")
            #expect(try repo.run(["git", "-C", repo.path, "fsck", "--strict", "--no-dangling"]).isEmpty)
        }
    }

    @Test("a revision of the oldest change rewrites its commit alone; decisions leave the others as they were")
    func independentCommits() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let carol = Person(id: "guest-carol", name: "carol")
            let one = try store.submit([write("a.txt", "alice\n")], by: alice)
            let two = try store.submit([write("b.txt", "bob\n")], by: bob)
            let three = try store.submit([write("c.txt", "carol\n")], by: carol)
            let before = try changeCommits(repo)

            let revised = try store.submit([write("a.txt", "alice, again\n")], by: alice)
            #expect(revised.changeID == one.changeID && revised.revision == 2)
            let after = try changeCommits(repo)
            #expect(after[two.changeID] == before[two.changeID] && after[three.changeID] == before[three.changeID])
            #expect(after[one.changeID] != before[one.changeID])
            try expectExactDiff(repo, view: after[one.changeID]!, revision: revised.commit)
            #expect(try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Letswork-Revision,valueonly)")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted() == ["1", "1", "2"])

            _ = try store.approve(one.changeID)
            let afterApproval = try changeCommits(repo)
            #expect(afterApproval == [two.changeID: before[two.changeID]!, three.changeID: before[three.changeID]!])
            #expect(try repo.git("diff", "--name-only", "HEAD", "refs/letswork/pending").split(separator: "\n") == ["b.txt", "c.txt"])
            #expect(try repo.git("show", "refs/letswork/pending:a.txt") == "a\n", "an approved file is HEAD's again in the merge")

            // One change left: the ref is that change's commit itself, no merge.
            try store.reject(two.changeID, reason: "not now")
            let last = try repo.git("rev-parse", "refs/letswork/pending").trimmingCharacters(in: .newlines)
            #expect(last == before[three.changeID])
            #expect(try repo.log("HEAD..refs/letswork/pending").count == 1)
            try expectExactDiff(repo, view: last, revision: three.commit)
            try store.reject(three.changeID)
            #expect(try repo.log("HEAD..refs/letswork/pending").isEmpty)
        }
    }

    @Test("after the host commits over a pending change's lines, its diff stays exact behind a labelled base")
    func baseAfterHostCommit() throws {
        try TemporaryRepository.with(files: ["a.txt": "one\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let first = try store.submit([write("a.txt", "guest\n")], by: alice)
            let other = try store.submit([write("b.txt", "bob\n")], by: bob)
            try repo.write("a.txt", "host\n")
            try repo.commitAll("host rewrites a.txt")
            try store.refresh()
            let commits = try changeCommits(repo)
            let view = try #require(commits[first.changeID])
            try expectExactDiff(repo, view: view, revision: first.commit)
            #expect(try repo.git("log", "-1", "--format=%s", "\(view)^") == "letswork: base of change \(first.changeID) as alice saw it\n")
            try expectExactDiff(repo, view: try #require(commits[other.changeID]), revision: other.commit)
            #expect(try repo.git("merge-base", "HEAD", "refs/letswork/pending") == repo.git("rev-parse", "HEAD"))
            #expect(try repo.git("log", "--format=%s", "--grep=^Change-Id:", "HEAD..refs/letswork/pending").split(separator: "\n").count == 2)
        }
    }
}
