import Foundation
import LetsworkTestSupport
import MCP
import Testing

@Suite("A guest and the host through real MCP clients against a running letswork start")
struct MCPFlowTests {
    static let toolNames: Set = [
        "list_files", "read_file", "write_file", "lock_file", "unlock_file", "get_status", "get_notifications",
        "get_pending_changes", "my_pending_changes", "approve_change", "reject_change", "force_unlock",
        "set_display_name", "ping", "read_multiple_files", "edit_file", "submit_change", "search_files", "find_files",
    ]

    @Test("the guest proposes, is refused host tools; the host reviews and approves; the guest hears of it")
    func proposeAndApprove() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { session.process.killIfRunning() }
            let state = session.state

            let guest = try await MCPConnection.open(state.mcpURL, token: state.guestToken, name: "guest-agent")
            let (tools, _) = try await guest.client.listTools()
            #expect(Set(tools.map(\.name)) == Self.toolNames)
            #expect(tools.count == 19)

            let renamed = try await guest.call("set_display_name", ["name": "Ada"])
            #expect(!renamed.failed, "\(renamed.text)")

            let proposal = try await guest.call("write_file", ["path": "README.md", "content": "hello from Ada\n"])
            #expect(!proposal.failed, "\(proposal.text)")
            let id = try #require(proposal.string("change_id"), "no change_id in \(String(describing: proposal.structuredContent))")
            #expect(proposal.text.contains(id))

            // Checked with git, not with letswork: a commit on the pending ref, authored by "Ada".
            let pending = try repo.log("HEAD..refs/letswork/pending", format: "%an%x09%(trailers:key=Change-Id,valueonly,separator=)")
            #expect(pending.contains("Ada\t\(id)"), "git log HEAD..refs/letswork/pending: \(pending)")
            #expect(try repo.git("show", "--format=", "refs/letswork/pending").contains("+hello from Ada"))
            #expect(repo.read("README.md") == "hello\n")

            for (tool, arguments) in [("approve_change", ["change_id": Value.string(id)]),
                                      ("reject_change", ["change_id": .string(id), "reason": "mine now"]),
                                      ("force_unlock", ["path": "README.md"])] {
                let refused = try await guest.call(tool, arguments)
                #expect(refused.failed, "\(tool) as guest: \(refused.text)")
                #expect(refused.text.contains("host only"), "\(tool) as guest: \(refused.text)")
            }
            #expect(repo.read("README.md") == "hello\n")
            #expect(try repo.log("HEAD..refs/letswork/pending").count == 1)  // still pending

            let host = try await MCPConnection.open(state.mcpURL, token: state.hostToken, name: "host-agent")
            let review = try await host.call("get_pending_changes")
            #expect(!review.failed)
            #expect(review.text.contains("Change \(id) by Ada"))
            #expect(review.text.contains("-hello\n+hello from Ada"), "\(review.text)")
            #expect(review.text.contains("applies cleanly"))

            let approval = try await host.call("approve_change", ["change_id": .string(id)])
            #expect(!approval.failed, "\(approval.text)")
            #expect(approval.text.contains("Approved change \(id) from Ada"))
            #expect(repo.read("README.md") == "hello from Ada\n")
            #expect(try repo.log("refs/letswork/approved", format: "%an %(trailers:key=Change-Id,valueonly,separator=)").first == "Ada \(id)")

            let mine = try await guest.call("my_pending_changes")
            #expect(!mine.failed)
            #expect(mine.text.contains(id) && mine.text.contains("approved"), "\(mine.text)")
            if case .object(let object)? = mine.structuredContent, case .array(let changes)? = object["changes"],
               case .object(let change)? = changes.first {
                #expect(change["state"] == "approved")
            } else {
                Issue.record("my_pending_changes has no structured changes: \(String(describing: mine.structuredContent))")
            }
            let news = try await guest.call("get_notifications")
            #expect(news.text.contains("approved your change \(id)"), "\(news.text)")

            await guest.close()
            await host.close()
            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }

    @Test("the guest cannot read .git, escape the repository, read secrets, or call itself host")
    func sandbox() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n", ".env": "SECRET_TOKEN=swordfish\n"]) { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let session = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { session.process.killIfRunning() }
            let guest = try await MCPConnection.open(session.state.mcpURL, token: session.state.guestToken, name: "guest-agent")

            let readme = try await guest.call("read_file", ["path": "README.md"])
            #expect(!readme.failed && readme.text == "hello\n")
            for path in [".git/config", "../outside", ".env", "/etc/passwd", "sub/../../outside"] {
                let refused = try await guest.call("read_file", ["path": .string(path)])
                #expect(refused.failed, "read_file \(path): \(refused.text)")
                #expect(!refused.text.isEmpty)
                #expect(!refused.text.contains("swordfish") && !refused.text.contains("[core]"))
                #expect(!refused.text.contains(repo.path), "read_file \(path) leaks the host's path: \(refused.text)")
            }
            for name in ["host", "HOST", "Hosta Host"] {
                let refused = try await guest.call("set_display_name", ["name": .string(name)])
                #expect(refused.failed, "set_display_name \(name): \(refused.text)")
            }
            let status = try await guest.call("get_status")
            #expect(status.text.contains("(guest)") && !status.text.contains("You: host"))
            #expect(!status.text.contains(repo.path))

            await guest.close()
            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }
}
