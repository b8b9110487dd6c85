import Testing
import LetsworkTestSupport
@testable import LetsworkReview

@Suite("Revisions of a change and the diff between two of them")
struct RevisionsTests {
    @Test("every revision is listed, oldest first, with the commits git shows")
    func listsRevisions() throws {
        try TemporaryRepository.with(files: ["a.txt": "one\ntwo\nthree\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let first = try store.submit([write("a.txt", "one\nTWO\nthree\n")], by: alice, summary: "Shout two")
            let second = try store.submit([write("a.txt", "one\nTWO\nthree\nfour\n")], by: alice)
            let third = try store.submit([write("a.txt", "ONE\nTWO\nthree\nfour\n")], by: alice)
            let revisions = try store.revisions(of: first.changeID)
            #expect(revisions.map(\.number) == [1, 2, 3])
            #expect(revisions.map(\.commit) == [first.commit, second.commit, third.commit])
            // The message is the commit's, as git reads it.
            let trailer = try repo.git("log", "-1", "--format=%(trailers:key=Letswork-Revision,valueonly)", third.commit)
            #expect(trailer.hasPrefix("3"))
            #expect(revisions[2].message.contains("Letswork-Revision: 3"))
            #expect(revisions[0].message.contains("Letswork-Revision: 1"))
        }
    }

    @Test("the diff from revision 1 to 3 holds only what changed between them; from 0 is the revision's own diff")
    func diffBetweenRevisions() throws {
        try TemporaryRepository.with(files: ["a.txt": "one\ntwo\nthree\n", "b.txt": "b\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let id = try store.submit([write("a.txt", "one\nTWO\nthree\n")], by: alice).changeID
            _ = try store.submit([write("a.txt", "one\nTWO\nthree\nfour\n"), write("b.txt", "B\n")], by: alice)
            let third = try store.submit([write("a.txt", "ONE\nTWO\nthree\nfour\n")], by: alice)
            let interdiff = try store.diff(of: id, from: 1, to: 3)
            #expect(interdiff.map(\.path) == ["a.txt", "b.txt"])
            let a = try #require(interdiff.first)
            #expect(a.patch.contains("-one\n+ONE\n"))
            #expect(a.patch.contains("+four\n"))
            #expect(!a.patch.contains("-two"))
            // Checked against git itself.
            let gitDiff = try repo.git("diff", "--stat", try store.revisions(of: id)[0].commit, third.commit, "--", "a.txt")
            #expect(gitDiff.contains("a.txt"))
            let own = try store.diff(of: id, from: 0, to: 3)
            #expect(own.map(\.patch) == (try store.details(of: id)).files.map(\.patch))
        }
    }

    @Test("decided changes keep their revisions; an unknown revision or id is refused")
    func decidedAndUnknown() throws {
        try TemporaryRepository.with(files: ["a.txt": "a\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let id = try store.submit([write("a.txt", "a1\n")], by: alice).changeID
            _ = try store.submit([write("a.txt", "a2\n")], by: alice)
            try store.reject(id, reason: "no")
            #expect(try store.revisions(of: id).count == 2)
            #expect(try store.diff(of: id, from: 1, to: 2).count == 1)
            #expect(throws: ReviewError.self) { try store.diff(of: id, from: 1, to: 3) }
            #expect(throws: ReviewError.unknownChange("00000000")) { try store.revisions(of: "00000000") }
        }
    }
}
