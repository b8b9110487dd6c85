import Foundation
import LetsworkTestSupport
import Testing

/// The same page under /review of a running `letswork start`, whose box shows the login link.
@Suite("Review page inside letswork start")
struct MountTests {
    @Test("the session box's link logs in; the queue follows the session's events; the session's tokens open nothing; /mcp is unchanged")
    func mountedInSession() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            let id = try repo.propose("a.txt", "guest edit\n", by: "alice")
            let outputPath = repo.path + "/../" + URL(fileURLWithPath: repo.path).lastPathComponent + ".start.out"
            defer { try? FileManager.default.removeItem(atPath: outputPath) }
            // No Claude Code or cloudflared: the session must not reach either.
            let process = try launchProcess(letsworkExecutable, ["start", "--tunnel", "none", "--port", "0", "--no-launch", "--repo", repo.path],
                                            environment: ["NO_COLOR": "1", "DISPLAY": nil, "PATH": "/usr/bin:/bin"],
                                            outputPath: outputPath)
            defer {
                if process.isRunning { process.terminate() }
                process.waitUntilExit()
            }
            var link: String?
            let deadline = ContinuousClock.now + .seconds(60)
            while link == nil, ContinuousClock.now < deadline, process.isRunning {
                let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
                link = text.firstMatch(of: /http:\/\/127\.0\.0\.1:\d+\/review\/login#[0-9a-f]{64}/).map { String($0.output) }
                if link == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let url = try #require(link, "the session box shows no review link: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
            let port = Int(url.split(separator: ":")[2].split(separator: "/")[0])!
            let secret = String(url.split(separator: "#")[1])
            let state = try #require(FileManager.default.contents(atPath: repo.path + "/.git/letswork/session.json"))
            let json = try #require(try JSONSerialization.jsonObject(with: state) as? [String: Any])
            let hostToken = try #require(json["hostToken"] as? String), guestToken = try #require(json["guestToken"] as? String)

            let login = try RawHTTP.send(port: port, method: "POST", path: "/review/login",
                                         headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "secret=\(secret)")
            #expect(login.status == 204)
            let cookie = try #require(login.header("Set-Cookie")).split(separator: ";")[0]
            let queue = try RawHTTP.send(port: port, path: "/review", headers: ["Cookie": String(cookie)])
            #expect(queue.status == 200)
            #expect(queue.body.contains(id))
            // The session's own events ring the page: a proposal from another process shows at once.
            let live = try LiveStream(port: port, cookie: String(cookie))
            let opening = try #require(live.nextData(within: .seconds(5)).flatMap { Int($0) })
            let fresh = try repo.propose("b.txt", "another guest's file\n", by: "bob")
            let rung = try #require(live.nextData(within: .seconds(3)).flatMap { Int($0) }, "the session's page heard nothing of a proposal")
            #expect(rung > opening)
            #expect(try RawHTTP.send(port: port, path: "/review/queue/table", headers: ["Cookie": String(cookie)]).body.contains(fresh))
            for token in [guestToken, hostToken] {
                let withToken = try RawHTTP.send(port: port, path: "/review", headers: ["Authorization": "Bearer \(token)"])
                #expect(withToken.status == 403)
                #expect(!withToken.body.contains(id))
            }
            let tunnelled = try RawHTTP.send(port: port, path: "/review", headers: ["Cookie": String(cookie), "cf-connecting-ip": "203.0.113.7"])
            #expect(tunnelled.status == 403)
            #expect(try RawHTTP.send(port: port, method: "POST", path: "/review/login", body: "secret=\(secret)").status == 403)
            #expect(try RawHTTP.send(port: port, method: "POST", path: "/mcp", body: "{}").status == 401)
        }
    }
}
