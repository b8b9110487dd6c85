import Foundation
import LetsworkTestSupport
import Testing

/// The queue's live stream: proposals and decisions made by other processes reach an open
/// page within moments, without polling, and the stream ends when the server stops.
@Suite("Review page: the live queue")
struct LiveQueueTests {
    @Test("a proposal and a decision from other processes each ring the open stream; the table then shows them")
    func ringsOnProposalAndDecision() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n", "b.txt": "b\n"]) { repo in
            let first = try repo.propose("a.txt", "guest edit\n", by: "alice")
            try await ReviewServer.with(repo) { server in
                let session = try LoggedIn.logIn(server)
                let page = try session.get("/review").body
                let rendered = try #require(page.firstMatch(of: /data-stamp="(\d+)"/).map { Int($0.output.1)! })
                let live = try LiveStream(port: server.port, cookie: session.cookie)
                #expect(live.status(within: .seconds(5)) == 200)
                #expect(live.head.lowercased().contains("content-type: text/event-stream"))
                // The first message is where the page stands: nothing happened since it was made.
                let opening = try #require(live.nextData(within: .seconds(5)).flatMap { Int($0) })
                #expect(opening == rendered)

                let second = try repo.propose("b.txt", "another edit\n", by: "bob")
                let afterProposal = try #require(live.nextData(within: .seconds(3)).flatMap { Int($0) }, "no message after a proposal")
                #expect(afterProposal > opening)
                #expect(try session.get("/review/queue/table").body.contains(second))

                try repo.run([letsworkExecutable, "approve", first, "--repo", repo.path])
                let afterApproval = try #require(live.nextData(within: .seconds(3)).flatMap { Int($0) }, "no message after an approval")
                #expect(afterApproval > afterProposal)
                let table = try session.get("/review/queue/table").body
                #expect(!table.contains(first) && table.contains(second))
            }
        }
    }

    @Test("the stream needs the login cookie")
    func needsLogin() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            try await ReviewServer.with(repo) { server in
                let session = try LoggedIn.logIn(server)
                let stranger = try LiveStream(port: server.port, cookie: "letswork_review=\(String(repeating: "a", count: 64))")
                #expect(stranger.status(within: .seconds(5)) == 401)
                #expect(stranger.nextData(within: .milliseconds(300)) == nil)
                // The same request with the cookie is served.
                let live = try LiveStream(port: server.port, cookie: session.cookie)
                #expect(live.status(within: .seconds(5)) == 200)
            }
        }
    }

    @Test("Ctrl+C with a live page open: the stream ends and the server exits")
    func shutdownEndsTheStream() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            try await ReviewServer.with(repo) { server in
                let session = try LoggedIn.logIn(server)
                let live = try LiveStream(port: server.port, cookie: session.cookie)
                #expect(live.nextData(within: .seconds(5)) != nil)
                let stopped = ContinuousClock.now
                kill(server.process.processIdentifier, SIGINT)
                #expect(live.waitForEnd(within: .seconds(10)), "the live stream stayed open after SIGINT")
                let deadline = ContinuousClock.now + .seconds(10)
                while server.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(!server.process.isRunning, "letswork review still runs \(ContinuousClock.now - stopped) after SIGINT")
            }
        }
    }
}
