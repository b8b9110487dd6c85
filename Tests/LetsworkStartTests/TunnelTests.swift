import Foundation
import LetsworkTestSupport
import Testing

@Suite("letswork start with a cloudflared quick tunnel (the fake one in Fixtures/bin)")
struct TunnelTests {
    @Test("the join command uses the tunnel's URL; its hostname is admitted, others get 403")
    func quickTunnel() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let hostname = "quiet-\(UUID().uuidString.prefix(6).lowercased())-words.trycloudflare.com"
            let session = try await RunningSession.start(in: repo.path, ["--tunnel", "cloudflared"], scratch: scratch,
                                                         environment: ["LETSWORK_FAKE_TUNNEL_HOST": hostname])
            defer { session.process.killIfRunning() }
            let state = session.state

            #expect(state.publicURL == "https://\(hostname)")
            let join = try #require(session.joinLine)
            #expect(join.contains("letswork join https://\(hostname) --token \(state.guestToken)"))
            #expect(!session.process.output.contains(state.hostToken))

            // cloudflared points at the loopback port and gets no token, in arguments or environment.
            let runs = scratch.fakeCalls.filter { $0.first == "cloudflared" }
            let arguments = try #require(runs.first)
            #expect(runs.count == 1)
            let url = try #require(arguments.firstIndex(of: "--url"), "no --url in \(arguments)")
            #expect(arguments.count > url + 1 && arguments[url + 1] == "http://127.0.0.1:\(state.port)")
            #expect(!arguments.contains { $0.contains(state.hostToken) || $0.contains(state.guestToken) })
            #expect(!scratch.fakeCalls.contains { $0.first == "cloudflared:env" })

            // The host's own agent stays on loopback: its proxy takes the URL from the state file,
            // which names the loopback URL, never the tunnel's.
            let add = try #require(scratch.fakeCalls.last { $0.starts(with: ["claude", "mcp", "add"]) })
            #expect(add.contains { $0.hasPrefix("LETSWORK_TOKEN_FILE=") && $0.hasSuffix("/.git/letswork/session.json") }, "\(add)")
            #expect(!add.contains { $0.contains("trycloudflare") })
            #expect(state.localURL.hasPrefix("http://127.0.0.1:"))

            // DNS-rebinding defence: the tunnel's hostname and loopback are served, another host is not.
            let token = state.guestToken
            #expect(try rawHTTPStatus(port: state.port, host: hostname, token: token, body: initializeBody) == 200)
            #expect(try rawHTTPStatus(port: state.port, host: "127.0.0.1:\(state.port)", token: token, body: initializeBody) == 200)
            #expect(try rawHTTPStatus(port: state.port, host: "evil.example", token: token, body: initializeBody) == 403)
            #expect(try rawHTTPStatus(port: state.port, host: "\(hostname).evil.example", token: token, body: initializeBody) == 403)
            #expect(try rawHTTPStatus(port: state.port, host: hostname, token: "not-a-token", body: initializeBody) == 401)

            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }

    @Test("when cloudflared dies, it is restarted and the new join command printed; only the new hostname is served")
    func restartsTheTunnel() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, [], scratch: scratch,
                                                         environment: ["LETSWORK_FAKE_TUNNEL_HOST": "first-words.trycloudflare.com"])
            defer { session.process.killIfRunning() }
            let state = session.state
            #expect(state.publicURL == "https://first-words.trycloudflare.com")
            let first = try #require(scratch.cloudflaredPIDs.first)

            kill(first, SIGKILL)  // the tunnel dies under the session
            // The fake's second run answers on first-words-1.trycloudflare.com.
            let newJoin = "letswork join https://first-words-1.trycloudflare.com --token \(state.guestToken)"
            let restarted = try await eventually(timeout: .seconds(30)) {
                session.process.output.contains(newJoin) && StateFile.read(in: repo.path)?.publicURL == "https://first-words-1.trycloudflare.com"
            }
            #expect(restarted, "no new join command; stdout:\n\(session.process.output)")
            #expect(scratch.cloudflaredPIDs.count == 2)
            #expect(session.process.process.isRunning)
            #expect(StateFile.read(in: repo.path)?.hostToken == state.hostToken)

            let token = state.guestToken
            #expect(try rawHTTPStatus(port: state.port, host: "first-words-1.trycloudflare.com", token: token, body: initializeBody) == 200)
            #expect(try rawHTTPStatus(port: state.port, host: "first-words.trycloudflare.com", token: token, body: initializeBody) == 403)

            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
        }
    }

    @Test("tunnel auto without cloudflared still starts on loopback and says how to share it")
    func autoWithoutCloudflared() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, [], fakes: .none, scratch: scratch)
            defer { session.process.killIfRunning() }
            #expect(session.state.publicURL == nil)
            let join = try #require(session.joinLine)
            #expect(join.contains("letswork join \(session.state.localURL) --token \(session.state.guestToken)"))
            #expect(session.process.output.contains("cloudflared is not installed"))
            #expect(session.process.output.contains("--public-url"))
            session.process.send(SIGINT)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
        }
    }
}
