import Foundation
import LetsworkTestSupport
import Testing

/// What the page shows of the engine's refusals and statuses, over raw HTTP.
@Suite("Review page: conflicts and refusals shown as the CLI shows them")
struct DecisionPageTests {
    @Test("a conflicting change shows its conflicting lines in the queue; approving it writes nothing and says so; --force takes it")
    func conflicts() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "one\ntwo\nthree\n"]) { repo in
            let id = try repo.propose("a.txt", "one\nguest two\nthree\n", by: "alice")
            try repo.write("a.txt", "one\nhost two\nthree\n")
            try await ReviewServer.with(repo) { server in
                let session = try LoggedIn.logIn(server)
                let queue = try session.get("/review").body
                #expect(queue.contains("conflicts (a.txt)"))
                #expect(queue.contains("host:     host two") && queue.contains("proposed: guest two"))
                let csrf = try session.csrfToken(of: id)
                let refused = try session.post("/review/change/\(id)/approve", "csrf=\(csrf)")
                #expect(refused.status == 409)
                #expect(refused.body.contains("nothing was written and it stays pending"))
                #expect(repo.read("a.txt") == "one\nhost two\nthree\n")
                let forced = try session.post("/review/change/\(id)/approve", "csrf=\(csrf)&force=1")
                #expect(forced.status == 200)
                #expect(forced.body.contains("Your edits were replaced in: a.txt"))
                #expect(repo.read("a.txt") == "one\nguest two\nthree\n")
                // Decided: a second decision is refused with the engine's own sentence.
                let again = try session.post("/review/change/\(id)/reject", "csrf=\(csrf)&reason=late")
                #expect(again.status == 409)
                #expect(again.body.contains("is already approved"))
            }
        }
    }

    @Test("approve with --commit commits the change on the host's branch, authored by its proposer")
    func approveWithCommit() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            let id = try repo.propose("b.txt", "new file\n", by: "alice")
            try await ReviewServer.with(repo) { server in
                let session = try LoggedIn.logIn(server)
                let approved = try session.post("/review/change/\(id)/approve", "csrf=\(try session.csrfToken(of: id))&commit=1")
                #expect(approved.status == 200)
                #expect(approved.body.contains("Committed as"))
            }
            #expect(try repo.git("log", "-1", "--format=%an%n%(trailers:key=Change-Id,valueonly)").contains("alice"))
            #expect(try repo.git("show", "HEAD:b.txt") == "new file\n")
        }
    }
}
