import Foundation
@testable import LetsworkServer
import LetsworkTestSupport
import Testing

@Suite("A flood from one guest token: 429, while the host goes on", .serialized)
struct RateLimitTests {
    @Test("the token bucket admits a burst, then refills at the rate; waits are whole seconds, at least one")
    func bucket() {
        let limiter = RateLimiter()
        let limit = RateLimit(requestsPerSecond: 2, burst: 3)
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.admit("guest-1", under: limit, at: start) == nil) }
        let wait = limiter.admit("guest-1", under: limit, at: start)
        #expect(wait == .milliseconds(500))
        #expect(RateLimiter.retryAfterSeconds(try! #require(wait)) == 1)
        // Another principal has its own bucket.
        #expect(limiter.admit("guest-2", under: limit, at: start) == nil)
        // Half a second refills one request, not more.
        #expect(limiter.admit("guest-1", under: limit, at: start + .milliseconds(500)) == nil)
        #expect(limiter.admit("guest-1", under: limit, at: start + .milliseconds(500)) != nil)
        // A long quiet spell refills up to the burst only.
        let later = start + .seconds(60)
        for _ in 0..<3 { #expect(limiter.admit("guest-1", under: limit, at: later) == nil) }
        #expect(limiter.admit("guest-1", under: limit, at: later) != nil)
        #expect(RateLimiter.retryAfterSeconds(.seconds(2.2)) == 3)
    }

    @Test("a guest flood gets 429 with Retry-After and a JSON-RPC error saying what to do; host calls all succeed; nothing changes")
    func flood() async throws {
        let repo = try TemporaryRepository.make(files: ["README.md": "hello\n"])
        defer { repo.remove() }
        // A low limit, so the flood needs few requests; one request in ten seconds refills
        // slower than any loop sends (one a second let a loaded CI machine through 41), so the
        // outcome does not depend on the machine's speed.
        let configuration = SessionHTTPServer.Configuration(guestRateLimit: RateLimit(requestsPerSecond: 0.1, burst: 20))
        try await InProcessSession.with(repo, configuration: configuration) { session in
            let guest = try await MCPWire.open(session.url, token: session.guestToken)
            let host = try await MCPWire.open(session.url, token: session.hostToken)
            var limited: [WireReply] = []
            var admitted = 0
            var hostCalls = 0
            for index in 0..<60 {
                let reply = try await guest.send(#"{"jsonrpc":"2.0","id":\#(index + 10),"method":"tools/call","params":{"name":"write_file","arguments":{"path":"flood/\#(index).txt","content":"x\n"}}}"#)
                if reply.status == 429 { limited.append(reply) } else { admitted += 1 }
                let hostReply = try await host.call("read_file", ["path": "README.md"])
                #expect(hostReply.http.status == 200 && !hostReply.isError, "the host was limited: \(hostReply.http.text.prefix(200))")
                hostCalls += 1
            }
            // The burst (minus the two requests that opened the session) and a refill or two pass.
            #expect(admitted >= 18 && admitted <= 40, "admitted \(admitted)")
            #expect(limited.count >= 20)
            let first = try #require(limited.first)
            #expect(Int(first.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(first.headers["content-type"] == "application/json")
            let message = try #require(first.errorMessage)
            #expect(message.contains("Too Many Requests") && message.contains("wait") && message.contains("send it again"))
            #expect(first.object?["jsonrpc"] as? String == "2.0")
            // Limited requests did nothing: only admitted writes became changes.
            let pending = try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Change-Id,valueonly)").filter { !$0.isEmpty }
            #expect(pending.count == admitted)
            #expect(try repo.git("status", "--porcelain").isEmpty)
            print("RateLimitTests: 60 guest requests at 1 per 10 s, burst 20: \(admitted) admitted, \(limited.count) got 429; \(hostCalls) host calls all answered")
        }
    }

    @Test("the shipped default is 50 requests a second with bursts of 200, for guests only")
    func defaults() {
        let configuration = SessionHTTPServer.Configuration()
        #expect(configuration.guestRateLimit == RateLimit(requestsPerSecond: 50, burst: 200))
    }
}
