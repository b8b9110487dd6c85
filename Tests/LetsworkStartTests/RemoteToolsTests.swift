import Foundation
import LetsworkTestSupport
import MCP
import Testing

@Suite("Search, ranges, edits, multi-file changes and several guests through a running letswork start")
struct RemoteToolsTests {
    static let files = [
        ".gitignore": "build/\n",
        "src/app.swift": "import Foundation\nlet greeting = \"hello\"\nprint(greeting)\n",
        "src/other.swift": "let farewell = \"bye\"\n",
        "build/generated.swift": "let greeting = \"generated\"\n",
        ".env": "greeting=secret\n",
        "notes.txt": "one\ntwo\nthree",
    ]

    @Test("search, find, ranges, an edit whose dry run equals the change's diff, a multi-file change with a rename")
    func tools() async throws {
        try await TemporaryRepository.withAsync(files: Self.files) { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { session.process.killIfRunning() }
            let guest = try await MCPConnection.open(session.state.mcpURL, token: session.state.guestToken, name: "guest-agent")
            let host = try await MCPConnection.open(session.state.mcpURL, token: session.state.hostToken, name: "host-agent")

            let literal = try await guest.call("search_files", ["pattern": "greeting"])
            #expect(literal.text.hasPrefix("src/app.swift:2:let greeting = \"hello\"\nsrc/app.swift:3:print(greeting)\n[letswork: matching lines 1–2 of 2"), "\(literal.text)")
            #expect(!literal.text.contains("generated") && !literal.text.contains("secret"))
            let regex = try await guest.call("search_files", ["pattern": "^let \\w+ = \"b", "regex": true])
            #expect(regex.text.hasPrefix("src/other.swift:1:let farewell"), "\(regex.text)")
            let found = try await guest.call("find_files", ["pattern": "**/*.swift"])
            #expect(found.text == "src/app.swift\nsrc/other.swift", "\(found.text)")

            let tail = try await guest.call("read_file", ["path": "notes.txt", "offset": 3])
            #expect(tail.text == "three\n[letswork: lines 3–3 of 3 of notes.txt; the file ends without a newline]")
            let past = try await guest.call("read_file", ["path": "notes.txt", "offset": 9])
            #expect(past.failed && past.text.contains("offset 9 is past its end"))

            let edits: Value = [["old_text": "\"hello\"", "new_text": "\"hello, world\""]]
            let dry = try await guest.call("edit_file", ["path": "src/app.swift", "edits": edits, "dry_run": true])
            let dryDiff = try #require(dry.structuredContent?.objectValue?["diff"]?.stringValue, "\(dry.text)")
            let edit = try await guest.call("edit_file", ["path": "src/app.swift", "edits": edits])
            let editID = try #require(edit.string("change_id"), "\(edit.text)")
            let review = try await host.call("get_pending_changes")
            let reviewed = review.structuredContent?.objectValue?["changes"]?.arrayValue?.first?.objectValue?["diff"]?.stringValue
            #expect(reviewed == dryDiff, "\(review.text)")
            #expect(try repo.git("show", "--format=", "refs/letswork/pending").contains("+let greeting = \"hello, world\""))
            #expect(repo.read("src/app.swift") == Self.files["src/app.swift"])
            let ambiguous = try await guest.call("edit_file", ["path": "notes.txt", "edits": [["old_text": "o", "new_text": "0"]]])
            #expect(ambiguous.failed && ambiguous.text.contains("matches 2 times"), "\(ambiguous.text)")

            let change = try await guest.call("submit_change", [
                "message": "Rename other, add a third",
                "files": [["path": "src/other.swift", "rename_to": "src/farewell.swift"], ["path": "src/third.swift", "content": "let third = 3\n"]],
            ])
            let changeID = try #require(change.string("change_id"), "\(change.text)")
            for id in [editID, changeID] {
                let approval = try await host.call("approve_change", ["change_id": .string(id)])
                #expect(!approval.failed, "\(approval.text)")
            }
            #expect(repo.read("src/app.swift") == "import Foundation\nlet greeting = \"hello, world\"\nprint(greeting)\n")
            #expect(!repo.exists("src/other.swift") && repo.read("src/farewell.swift") == "let farewell = \"bye\"\n")
            #expect(repo.read("src/third.swift") == "let third = 3\n")
            let approved = try repo.git("log", "-1", "--format=%B", "refs/letswork/approved")
            #expect(approved.contains(changeID))

            await guest.close()
            await host.close()
        }
    }

    @Test("letswork invite adds a read-only guest with its own token; letswork revoke cuts a guest off at once")
    func inviteAndRevoke() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "a\n"]) { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { session.process.killIfRunning() }

            let invited = try await letswork(["invite", "--name", "carol", "--read-only"], in: repo.path, scratch: scratch)
            #expect(invited.status == 0, "\(invited.errors)")
            #expect(invited.output.contains("Invited carol (read-only guest)"), "\(invited.output)")
            let line = try #require(invited.output.split(separator: "\n").first { $0.contains("letswork join") })
            let token = String(try #require(line.split(separator: " ").last))
            #expect(token != session.state.guestToken && token != session.state.hostToken && token.count >= 40)

            let carol = try await MCPConnection.open(session.state.mcpURL, token: token, name: "carol-agent")
            #expect(try await carol.call("read_file", ["path": "a.txt"]).text == "a\n")
            for (tool, arguments) in [("write_file", ["path": "a.txt", "content": "x"] as [String: Value]),
                                      ("edit_file", ["path": "a.txt", "edits": [["old_text": "a", "new_text": "b"]]]),
                                      ("submit_change", ["message": "m", "files": [["path": "a.txt", "delete": true]]]),
                                      ("lock_file", ["path": "a.txt"]), ("unlock_file", ["path": "a.txt"])] {
                let refused = try await carol.call(tool, arguments)
                #expect(refused.failed && refused.text.contains("read-only guest"), "\(tool): \(refused.text)")
            }
            let host = try await MCPConnection.open(session.state.mcpURL, token: session.state.hostToken, name: "host-agent")
            let status = try await host.call("get_status")
            #expect(status.text.contains("carol (read-only guest)"), "\(status.text)")

            // A second invitation without a name; a taken name is refused.
            let second = try await letswork(["invite"], in: repo.path, scratch: scratch)
            #expect(second.status == 0 && second.output.contains("Invited guest-2 (guest)"), "\(second.output)\(second.errors)")
            let taken = try await letswork(["invite", "--name", "Carol"], in: repo.path, scratch: scratch)
            #expect(taken.status != 0 && taken.errors.contains("already taken"), "\(taken.errors)")

            #expect(try rawHTTPStatus(port: session.state.port, host: "127.0.0.1", token: token, body: initializeBody) == 200)
            let revoked = try await letswork(["revoke", "carol"], in: repo.path, scratch: scratch)
            #expect(revoked.status == 0 && revoked.output.contains("Revoked carol"), "\(revoked.output)\(revoked.errors)")
            #expect(try rawHTTPStatus(port: session.state.port, host: "127.0.0.1", token: token, body: initializeBody) == 401)
            let afterwards = try? await carol.call("ping")
            #expect(afterwards == nil || afterwards?.failed == true)
            let unknown = try await letswork(["revoke", "nobody"], in: repo.path, scratch: scratch)
            #expect(unknown.status != 0 && unknown.errors.contains("No guest is named \"nobody\""), "\(unknown.errors)")
            // The other guests are untouched.
            #expect(try rawHTTPStatus(port: session.state.port, host: "127.0.0.1", token: session.state.guestToken, body: initializeBody) == 200)

            // The admin route takes the host's token only, and only with a loopback Host.
            #expect(try Self.adminStatus(port: session.state.port, token: session.state.guestToken) == 403)
            #expect(try Self.adminStatus(port: session.state.port, token: session.state.hostToken, extra: "X-Forwarded-For: 203.0.113.9\r\n") == 403)
            #expect(try Self.adminStatus(port: session.state.port, token: "not-a-token") == 401)
            #expect(try Self.adminStatus(port: session.state.port, token: session.state.hostToken) == 200)

            await host.close()
            await carol.close()
        }
    }

    /// POST /letswork/guests over a raw socket (so the test sets every header); the status code.
    static func adminStatus(port: Int, token: String, extra: String = "") throws -> Int {
        try rawHTTPStatus(port: port, host: "127.0.0.1:\(port)", token: token, body: "{}", path: "/letswork/guests", headers: extra)
    }
}
