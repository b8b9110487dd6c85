import Foundation
import LetsworkTestSupport
import Testing

/// `letswork join` against a real host and the fake `claude` (Fixtures/bin), with HOME and the
/// XDG folders in a temporary folder.
@Suite("letswork join", .serialized)
struct JoinTests {
    /// `Fixtures/bin` of this package.
    static let fakes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/bin").path

    struct Guest {
        let home: String
        var log: String { home + "/fakes.log" }
        var environment: [String: String] {
            ["HOME": home, "XDG_CONFIG_HOME": home + "/config", "XDG_DATA_HOME": home + "/data",
             "LETSWORK_FAKE_LOG": log, "PATH": JoinTests.fakes + ":" + testEnvironment()["PATH"]!]
        }
        /// The fake's log: one entry per line, split at tabs.
        var calls: [[String]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
        func join(_ arguments: [String], extra: [String: String] = [:]) throws -> ProcessResult {
            try runProcess(letsworkExecutable, ["join"] + arguments, in: home,
                           environment: testEnvironment(environment.merging(extra) { $1 }))
        }
    }

    static func withGuest(_ body: (Guest) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-guest-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await body(Guest(home: home))
    }

    @Test("registers the proxy without the token in any argument, stores it 0600, opens Claude Code with it in its environment; --leave undoes it")
    func joinAndLeave() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            try await Self.withGuest { guest in
                let joined = try guest.join(["http://127.0.0.1:\(host.port)", "--token", host.guestToken])
                #expect(joined.status == 0, "\(joined.output)\(joined.errors)")
                #expect(!joined.output.contains(host.guestToken) && !joined.errors.contains(host.guestToken))
                #expect(joined.output.contains("MCP 2026-07-28) and accepts your token"), "join checks the host with server/discover: \(joined.output)")

                let calls = guest.calls
                let add = try #require(calls.first { $0.starts(with: ["claude", "mcp", "add"]) }, "\(calls)")
                #expect(!add.joined(separator: " ").contains(host.guestToken), "the token is never an argument")
                let tokenFile = guest.home + "/config/letswork/tokens/127.0.0.1-\(host.port)"
                #expect(add.contains("LETSWORK_TOKEN_FILE=\(tokenFile)"))
                let separator = try #require(add.firstIndex(of: "--"))
                #expect(Array(add[(separator + 2)...]) == ["proxy", "--url", "http://127.0.0.1:\(host.port)/mcp"])
                #expect(add[separator + 1].hasPrefix("/"), "the absolute path of the letswork executable")
                let removeIndex = try #require(calls.firstIndex { $0.starts(with: ["claude", "mcp", "remove", "--scope", "user", "letswork"]) })
                #expect(removeIndex < calls.firstIndex(of: add)!, "a stale entry is removed first")

                let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile)
                #expect((attributes[.posixPermissions] as? Int) == 0o600)
                #expect(try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .newlines) == host.guestToken)

                let launched = try #require(calls.lastIndex(of: ["claude"]), "Claude Code was not opened: \(calls)")
                let after = calls[launched...]
                #expect(after.contains(["claude:env", "LETSWORK_TOKEN=\(host.guestToken)"]))
                let folder = guest.home + "/data/letswork/sessions/127.0.0.1-\(host.port)"
                #expect(after.contains(["claude:cwd", folder]))
                let instructions = try String(contentsOfFile: folder + "/CLAUDE.md", encoding: .utf8)
                #expect(instructions.contains("set_display_name"))
                #expect(instructions.contains("repository \(URL(fileURLWithPath: repository.path).lastPathComponent)"),
                        "the host's own instructions name the project: \(instructions)")

                // The registered command works as Claude Code would run it: token from the file.
                let proxy = try StdioClient(executable: add[separator + 1], Array(add[(separator + 2)...]),
                                            environment: ["LETSWORK_TOKEN_FILE": tokenFile])
                defer { proxy.kill() }
                let answer = try await proxy.initialize()
                #expect(answer["result"] != nil, "\(answer)")

                let left = try guest.join(["--leave"])
                #expect(left.status == 0, "\(left.output)\(left.errors)")
                #expect(guest.calls.last?.starts(with: ["claude", "mcp", "remove", "--scope", "user", "letswork"]) == true)
                #expect(!FileManager.default.fileExists(atPath: tokenFile))
            }
        }
    }

    @Test("--no-launch registers without opening Claude Code (--channels: with the channels flag); the letswork-proxy executable relays like letswork proxy")
    func noLaunchAndOriginalCommandName() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            try await Self.withGuest { guest in
                let joined = try guest.join(["http://127.0.0.1:\(host.port)/mcp", "--token", host.guestToken, "--no-launch", "--channels"])
                #expect(joined.status == 0, "\(joined.errors)")
                #expect(guest.calls.contains { $0.starts(with: ["claude", "mcp", "add"]) })
                #expect(!guest.calls.contains { $0.first == "claude" && $0.count <= 3 && !$0.contains("mcp") }, "Claude Code was opened: \(guest.calls)")
                #expect(joined.output.contains("&& claude --dangerously-load-development-channels server:letswork"),
                        "says how to open it, with channels from the letswork server: \(joined.output)")

                let tokenFile = guest.home + "/config/letswork/tokens/127.0.0.1-\(host.port)"
                let original = URL(fileURLWithPath: letsworkExecutable).deletingLastPathComponent().appendingPathComponent("letswork-proxy").path
                let proxy = try StdioClient(executable: original, ["--url", "http://127.0.0.1:\(host.port)", "--token-file", tokenFile],
                                            environment: [:])
                defer { proxy.kill() }
                try await proxy.initialize()
                #expect(try await proxy.tool(1, "read_file", ["path": "README.md"])["isError"] as? Bool == false)
                #expect(try await proxy.closeInput() == 0)
            }
        }
    }

    @Test("a wrong token: exit non-zero, nothing registered, nothing stored")
    func wrongToken() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            try await Self.withGuest { guest in
                let joined = try guest.join(["http://127.0.0.1:\(host.port)/mcp", "--token", "wrong" + String(repeating: "x", count: 40)])
                #expect(joined.status != 0)
                #expect(joined.errors.contains("refused the token"), "\(joined.errors)")
                #expect(!guest.calls.contains { $0.starts(with: ["claude", "mcp", "add"]) })
                #expect(!FileManager.default.fileExists(atPath: guest.home + "/config/letswork/tokens/127.0.0.1-\(host.port)"))
            }
        }
    }

    @Test("nothing at the URL, and a server that is not letswork: distinct clear errors")
    func unreachableAndNotMCP() async throws {
        try await Self.withGuest { guest in
            let port = try freeLoopbackPort()
            let unreachable = try guest.join(["http://127.0.0.1:\(port)", "--token", "abc"])
            #expect(unreachable.status != 0)
            #expect(unreachable.errors.contains("host unreachable at http://127.0.0.1:\(port)/mcp"), "\(unreachable.errors)")
            // A token that starts with a dash (a resumed session's may) is still the token.
            let dashed = try guest.join(["http://127.0.0.1:\(port)", "--token", "-" + String(repeating: "x", count: 42)])
            #expect(dashed.status != 0)
            #expect(dashed.errors.contains("host unreachable at http://127.0.0.1:\(port)/mcp"), "\(dashed.errors)")
        }
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            try await Self.withGuest { guest in
                // A URL whose path is not the MCP endpoint: something answers, but not MCP.
                let wrongPath = try guest.join(["http://127.0.0.1:\(host.port)/not-mcp", "--token", host.guestToken])
                #expect(wrongPath.status != 0)
                #expect(wrongPath.errors.contains("is not a letswork server"), "\(wrongPath.errors)")
            }
        }
    }

    @Test("without Claude Code: the exact manual steps, with the .mcp.json snippet")
    func withoutClaude() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            try await Self.withGuest { guest in
                let joined = try guest.join(["http://127.0.0.1:\(host.port)"],
                                            extra: ["PATH": testEnvironment()["PATH"]!, "LETSWORK_TOKEN": host.guestToken])
                #expect(joined.status == 0, "\(joined.errors)")
                let tokenFile = guest.home + "/config/letswork/tokens/127.0.0.1-\(host.port)"
                #expect(joined.output.contains("claude mcp add --scope user letswork --env LETSWORK_TOKEN_FILE=\(tokenFile) --"))
                #expect(joined.output.contains("\"LETSWORK_TOKEN_FILE\" : \"\(tokenFile)\""))
                #expect(!joined.output.contains(host.guestToken))
            }
        }
    }
}
