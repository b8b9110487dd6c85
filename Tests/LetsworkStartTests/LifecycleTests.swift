import Foundation
import LetsworkTestSupport
import Testing

@Suite("letswork start, status and stop: a session's life on loopback")
struct LifecycleTests {
    @Test("--tunnel none: the box, a 0600 state file, status, then stop cleans everything up")
    func loopbackSession() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, ["--tunnel", "none", "--channels"], scratch: scratch)
            defer { session.process.killIfRunning() }
            let state = session.state

            // --channels (with --no-launch, no window to open): under the box, the command that
            // opens Claude Code with channels from letswork-host, on a line of its own to copy.
            let printed = session.process.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(printed.contains("claude --dangerously-load-development-channels server:letswork-host"), "\(session.process.output)")
            #expect(state.port > 0)
            #expect(state.localURL == "http://127.0.0.1:\(state.port)/mcp")
            #expect(state.publicURL == nil)
            #expect(state.hostToken != state.guestToken)
            #expect(state.hostToken.count >= 43 && state.guestToken.count >= 43)  // ≥ 256 bits, base64url

            // The box: the join command carries the guest token and the loopback URL, never the host token.
            let join = try #require(session.joinLine)
            #expect(join.contains("letswork join \(state.localURL) --token \(state.guestToken)"))
            #expect(session.process.output.contains("--tunnel none"))
            #expect(!session.process.output.contains(state.hostToken))
            #expect(!session.process.errors.contains(state.hostToken))

            // The state file holds the tokens: readable by the host only.
            let file = try FileManager.default.attributesOfItem(atPath: StateFile.path(in: repo.path))
            #expect((file[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let folder = try FileManager.default.attributesOfItem(atPath: repo.path + "/.git/letswork")
            #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)

            let status = try await letswork(["status"], in: repo.path, scratch: scratch)
            #expect(status.status == 0)
            #expect(status.output.contains("pid \(state.pid)"))
            #expect(status.output.contains(state.localURL))
            #expect(status.output.contains("letswork join \(state.localURL) --token \(state.guestToken)"))
            #expect(status.output.contains("Pending: 0 change(s)"))
            #expect(!status.output.contains(state.hostToken))

            let stop = try await letswork(["stop"], in: repo.path, scratch: scratch)
            #expect(stop.status == 0)
            #expect(stop.output.contains("Stopped the session (pid \(state.pid))"))
            #expect(try await session.process.waitForExit(timeout: .seconds(15)) == 0)
            #expect(!isAlive(state.pid))
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
            #expect(session.process.output.contains("Session stopped."))

            // Claude Code: registered as a stdio server running letswork's proxy, which reads the
            // host token and URL from the 0600 state file (so channels reach the host's agent):
            // no token in its arguments or config. Removed at the end.
            let claude = scratch.fakeCalls.filter { $0.first == "claude" }
            let added = try #require(claude.lastIndex { $0.starts(with: ["claude", "mcp", "add"]) }, "no `claude mcp add` in \(claude)")
            let add = claude[added]
            #expect(add.contains("letswork-host"))
            #expect(add.contains("LETSWORK_TOKEN_FILE=" + StateFile.path(in: repo.path)) || add.contains { $0.hasPrefix("LETSWORK_TOKEN_FILE=") && $0.hasSuffix("/.git/letswork/session.json") }, "\(add)")
            #expect(Array(add.suffix(1)) == ["proxy"], "the registered command ends with `letswork proxy`: \(add)")
            #expect(!add.contains { $0.contains(state.hostToken) || $0.contains(state.guestToken) })
            let removed = claude.lastIndex { $0.starts(with: ["claude", "mcp", "remove", "letswork-host"]) }
            #expect(removed.map { $0 > added } == true, "no `claude mcp remove` after `mcp add`: \(claude)")

            let after = try await letswork(["status"], in: repo.path, scratch: scratch)
            #expect(after.status == 3)
            #expect(after.output.contains("No session is running"))
        }
    }

    @Test("a state file left by a process that is gone is recognised as stale and replaced")
    func staleStateFile() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // The pid of a process that has certainly ended: one this test ran to completion.
            let dead = try LetsworkProcess(["--help"], in: repo.path, scratch: scratch)
            #expect(try await dead.waitForExit() != nil)
            try FileManager.default.createDirectory(atPath: repo.path + "/.git/letswork", withIntermediateDirectories: true)
            let stale = #"{"pid":\#(dead.pid),"port":1,"localURL":"http://127.0.0.1:1/mcp","hostToken":"old-host","guestToken":"old-guest","startedAt":"2026-01-01T00:00:00Z"}"#
            try stale.write(toFile: StateFile.path(in: repo.path), atomically: true, encoding: .utf8)

            let status = try await letswork(["status"], in: repo.path, scratch: scratch)
            #expect(status.status == 3)
            #expect(status.output.contains("ended without cleaning up"))
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))

            try stale.write(toFile: StateFile.path(in: repo.path), atomically: true, encoding: .utf8)
            let session = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { session.process.killIfRunning() }
            #expect(session.state.guestToken != "old-guest")
            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }

    @Test("Ctrl+C and SIGTERM stop the session: exit 0, no state file, no cloudflared left", arguments: [SIGINT, SIGTERM])
    func signals(signal: Int32) async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // Default tunnel mode with the fake cloudflared on PATH: there is a child to stop.
            let session = try await RunningSession.start(in: repo.path, [], scratch: scratch)
            defer { session.process.killIfRunning() }
            let tunnel = try #require(scratch.cloudflaredPIDs.first, "cloudflared was not started: \(scratch.fakeCalls)")
            #expect(isAlive(tunnel))

            session.process.send(signal)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
            #expect(try await eventually(timeout: .seconds(5)) { !isAlive(tunnel) }, "cloudflared (pid \(tunnel)) still runs")
            // Stopped by letswork, not left to notice on its own that its parent had gone (the fake
            // then records "orphaned"; the real cloudflared would keep the tunnel open for good).
            let ends = scratch.fakeCalls.filter { $0.first == "cloudflared:exit" }.map { $0.dropFirst().joined() }
            // Children start with an empty signal mask (ChildProcess), so the SIGTERM reaches it
            // even though letswork runs on Dispatch threads that block it
            // (swiftlang/swift-corelibs-foundation#4772).
            #expect(!scratch.fakeCalls.contains { $0.first == "cloudflared:blocked" }, "cloudflared started with SIGTERM/SIGINT blocked")
            #expect(ends == ["TERM"] || ends == ["INT"], "cloudflared ended as \(ends)")
            let claude = scratch.fakeCalls.filter { $0.first == "claude" }
            let added = claude.lastIndex { $0.starts(with: ["claude", "mcp", "add"]) }
            let removed = claude.lastIndex { $0.starts(with: ["claude", "mcp", "remove", "letswork-host"]) }
            #expect(added != nil && removed != nil && removed! > added!, "registration not removed: \(claude)")
        }
    }
}
