import Foundation
import Testing
import LetsworkTestSupport
@testable import LetsworkReview

@Suite("History, concurrency and crashes")
struct HistoryTests {
    @Test("every revision and decision survives git gc --prune=now, and git fsck stays clean")
    func survivesGarbageCollection() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            var commits: [String] = []
            let one = try store.submit([write("a.txt", "a1\n")], by: alice)
            commits.append(one.commit)
            commits.append(try store.submit([write("a.txt", "a2\n")], by: alice).commit)
            let two = try store.submit([write("b.txt", "b1\n")], by: bob)
            commits.append(two.commit)
            let three = try store.submit([write("b.txt", "b2\n")], by: alice)
            commits.append(three.commit)
            _ = try approved(store.approve(one.changeID))
            try store.reject(two.changeID, reason: "no")
            try repo.git("reflog", "expire", "--expire=now", "--all")
            try repo.git("gc", "-q", "--prune=now")
            for commit in commits { #expect(try repo.git("cat-file", "-t", commit) == "commit\n") }
            let fsck = try repo.run(["git", "-C", repo.path, "fsck", "--strict", "--no-dangling"])
            #expect(fsck.isEmpty)
            #expect(try repo.log("refs/letswork/approved").count == 1)
            #expect(try repo.log("refs/letswork/rejected").count == 1)
            #expect(try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Change-Id,valueonly)").joined().contains(three.changeID))
            // Refs stay a handful, whatever the number of changes.
            #expect(try repo.git("for-each-ref", "--format=%(refname)", "refs/letswork/").split(separator: "\n").count == 4)
        }
    }

    @Test("decisions between two ledger views come in the order they were made, whatever their kind; a guest's own are found")
    func decisionsInOrder() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "d.txt": "d\n"]) { repo in
            // One clock second for all: the order must come from git, not from the dates.
            let store = try ChangeStore.open(containing: repo.path, clock: { 1_800_000_000 })
            let ids = try ["a", "b", "c", "d"].map { try store.submit([write("\($0).txt", "new\n")], by: $0 == "c" ? bob : alice).changeID }
            let before = try store.ledgerView()
            _ = try approved(store.approve(ids[2]))
            try store.reject(ids[0], reason: "no")
            _ = try approved(store.approve(ids[3]))
            try store.reject(ids[1])
            let after = try store.ledgerView()
            #expect(try store.decisions(after: before, upTo: after).map(\.id) == [ids[2], ids[0], ids[3], ids[1]])
            #expect(try store.decisions(after: after, upTo: after).isEmpty)
            let middle = try #require(try store.ledgerView(at: try repo.git("rev-parse", "refs/letswork/ledger~2").trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(try store.decisions(after: middle, upTo: after).map(\.id) == [ids[3], ids[1]])
            #expect(Set(try store.changes(proposedBy: alice.id).map(\.id)) == Set([ids[0], ids[1], ids[3]]))
            #expect(try store.changes(proposedBy: bob.id).map(\.id) == [ids[2]])
            // The ledger's state lists no decisions: it grows with the queue, not the history.
            #expect(try repo.git("cat-file", "commit", "refs/letswork/ledger").contains("\"recentDecisions\":[]"))
        }
    }

    @Test("the pending view follows HEAD when the host commits")
    func viewFollowsHead() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "guest\n")], by: alice)
            try repo.write("b.txt", "host commit\n")
            try repo.commitAll("host work")
            try store.refresh()
            let pending = try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Change-Id,valueonly)")
            #expect(pending.filter { !$0.isEmpty } == [change.changeID])
            #expect(try repo.git("merge-base", "HEAD", "refs/letswork/pending") == repo.git("rev-parse", "HEAD"))
        }
    }

    @Test("two stores on one repository, submitting and approving at once, lose no update")
    func concurrentStores() throws {
        let files = Dictionary(uniqueKeysWithValues: (0..<16).map { ("f\($0).txt", "v0\n") })
        try TemporaryRepository.with(files: files) { repo in
            let first = try ChangeStore.open(containing: repo.path)
            let second = try ChangeStore.open(containing: repo.path)
            let ids = LockedList()
            DispatchQueue.concurrentPerform(iterations: 16) { index in
                let store = index % 2 == 0 ? first : second
                let proposer = Person(id: "guest-\(index)", name: "guest \(index)")
                do {
                    let result = try store.submit([write("f\(index).txt", "new \(index)\n")], by: proposer)
                    ids.append(result.changeID)
                    if index % 4 == 0 { _ = try store.approve(result.changeID) }
                    if index % 4 == 1 { try store.reject(result.changeID, reason: "r\(index)") }
                } catch {
                    Issue.record("worker \(index): \(error)")
                }
            }
            #expect(ids.values.count == 16)
            let pending = Set(try first.pendingChanges().map(\.record.id))
            let approved = Set(try repo.log("refs/letswork/approved", format: "%(trailers:key=Change-Id,valueonly)").filter { !$0.isEmpty })
            let rejected = Set(try repo.log("refs/letswork/rejected", format: "%(trailers:key=Change-Id,valueonly)").filter { !$0.isEmpty })
            #expect(pending.count == 8 && approved.count == 4 && rejected.count == 4)
            #expect(pending.union(approved).union(rejected) == Set(ids.values))
            #expect(pending.isDisjoint(with: approved) && approved.isDisjoint(with: rejected))
            for index in stride(from: 0, to: 16, by: 4) { #expect(repo.read("f\(index).txt") == "new \(index)\n") }
            #expect(try repo.git("log", "--no-merges", "--format=%H", "HEAD..refs/letswork/pending").split(separator: "\n").count == 8)
        }
    }

    @Test("an approval that dies after its journal or half way is finished by the next open", arguments: ["approve.begun", "approve.written"])
    func interruptedApproval(at fault: String) throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let change = try store.submit([write("a.txt", "a guest\n"), write("b.txt", "b guest\n")], by: alice)
            store.faultInjection = { point in if point == fault { throw CommandFailed(command: point, status: 9, output: "injected") } }
            #expect(throws: CommandFailed.self) { try store.approve(change.changeID) }
            // The ledger still holds the journal: the change is neither pending-and-free nor approved.
            let reopened = try ChangeStore.open(containing: repo.path)
            #expect(try reopened.pendingCount() == 0)
            #expect(repo.read("a.txt") == "a guest\n" && repo.read("b.txt") == "b guest\n")
            #expect(try reopened.decisions(.approved).map(\.id) == [change.changeID])
            #expect(try repo.log("refs/letswork/approved").count == 1)
            let fsck = try repo.run(["git", "-C", repo.path, "fsck", "--no-dangling"])
            #expect(fsck.isEmpty)
        }
    }
}

/// A thread-safe list for collecting results from concurrent workers.
final class LockedList: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched while `lock` is held.
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
    var values: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
