import Foundation
import LetsworkTestSupport
import Testing

/// Raw HTTP requests that must get nothing from the review page. Each test first shows that the
/// same request with the right credentials works, so a refusal cannot pass by accident.
@Suite("Review page: what it refuses")
struct RefusalTests {
    private func withPendingChange(_ body: (LoggedIn, String, TemporaryRepository) async throws -> Void) async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            let id = try repo.propose("a.txt", "guest edit\n", by: "alice")
            try await ReviewServer.with(repo) { server in
                try await body(try LoggedIn.logIn(server), id, repo)
            }
        }
    }

    private func stillPending(_ id: String, _ repo: TemporaryRepository) throws -> Bool {
        try repo.log("HEAD..refs/letswork/pending", format: "%(trailers:key=Change-Id,valueonly)").contains(id)
            && repo.read("a.txt") == "a\n"
    }

    @Test("the first line is the one-time login link, and the pages carry a strict CSP")
    func loginLinkAndHeaders() async throws {
        try await withPendingChange { session, id, _ in
            #expect(session.server.firstLine.hasPrefix("Review: http://127.0.0.1:\(session.server.port)/review/login#"))
            #expect(session.server.secret.count == 64)
            let queue = try session.get("/review")
            #expect(queue.status == 200)
            #expect(queue.body.contains(id))
            let csp = try #require(queue.header("Content-Security-Policy"))
            #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
            #expect(!queue.body.contains("<script>") && !queue.body.contains("style="))
            #expect(try RawHTTP.send(port: session.server.port, path: "/review").status == 401)
        }
    }

    @Test("a reused login link gets no cookie")
    func reusedLoginLink() async throws {
        try await withPendingChange { session, _, _ in
            let again = try RawHTTP.send(port: session.server.port, method: "POST", path: "/review/login",
                                         headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                         body: "secret=\(session.server.secret)")
            #expect(again.status == 403)
            #expect(again.header("Set-Cookie") == nil)
        }
    }

    @Test("a POST without the CSRF token, or with a wrong one, decides nothing")
    func postWithoutCSRF() async throws {
        try await withPendingChange { session, id, repo in
            let none = try session.post("/review/change/\(id)/approve", "")
            let wrong = try session.post("/review/change/\(id)/approve", "csrf=\(String(repeating: "0", count: 64))")
            let reject = try session.post("/review/change/\(id)/reject", "reason=no")
            #expect(none.status == 403 && wrong.status == 403 && reject.status == 403)
            #expect(try stillPending(id, repo))
        }
    }

    @Test("a cross-origin POST decides nothing, even with the right CSRF token")
    func crossOriginPost() async throws {
        try await withPendingChange { session, id, repo in
            let csrf = try session.csrfToken(of: id)
            #expect(try session.post("/review/change/\(id)/approve", "csrf=\(csrf)", headers: ["Origin": "http://evil.example"]).status == 403)
            #expect(try session.post("/review/change/\(id)/approve", "csrf=\(csrf)", headers: ["Origin": "http://127.0.0.1:1"]).status == 403)
            #expect(try session.post("/review/change/\(id)/approve", "csrf=\(csrf)", headers: ["Sec-Fetch-Site": "cross-site"]).status == 403)
            #expect(try stillPending(id, repo))
            // The same POST from the page itself works.
            let approved = try session.post("/review/change/\(id)/approve", "csrf=\(csrf)")
            #expect(approved.status == 200)
            #expect(repo.read("a.txt") == "guest edit\n")
        }
    }

    @Test("a bearer token (a guest's or the host's MCP token) opens nothing")
    func guestToken() async throws {
        try await withPendingChange { session, id, _ in
            for path in ["/review", "/review/change/\(id)", "/review/history"] {
                let response = try session.get(path, headers: ["Authorization": "Bearer lw_guest_0123456789abcdef"])
                #expect(response.status == 403)
                #expect(!response.body.contains(id))
            }
            let noCookie = try RawHTTP.send(port: session.server.port, path: "/review", headers: ["Authorization": "Bearer x"])
            #expect(noCookie.status == 403)
        }
    }

    @Test("a request that came through a tunnel or a proxy gets nothing")
    func forwardedRequest() async throws {
        try await withPendingChange { session, id, _ in
            let forged: [[String: String]] = [
                ["X-Forwarded-For": "203.0.113.7"], ["cf-connecting-ip": "203.0.113.7"], ["cf-ray": "8a1b2c3d4e5f-AMS"],
                ["X-Forwarded-Host": "abc.trycloudflare.com"], ["Forwarded": "for=203.0.113.7"],
                ["Host": "abc.trycloudflare.com"], ["Host": "evil.example:\(session.server.port)"],
            ]
            for headers in forged {
                let response = try session.get("/review", headers: headers)
                #expect(response.status == 403, "\(headers)")
                #expect(!response.body.contains(id))
                let login = try RawHTTP.send(port: session.server.port, method: "POST", path: "/review/login",
                                             headers: headers, body: "secret=x")
                #expect(login.status == 403)
            }
        }
    }
}
