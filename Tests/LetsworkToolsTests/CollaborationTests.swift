import Foundation
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("The collaboration flow through the tools")
struct CollaborationTests {
    @Test("guest proposes, host is notified and approves, guest learns it; host writes go straight to disk")
    func proposeAndApprove() async throws {
        try await ToolHarness.with(files: ["a.txt": "old\n"]) { harness in
            try await harness.call("set_display_name", ["name": "alice"], as: guestCaller)
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "new\n"], as: guestCaller)
            #expect(!proposal.isError && proposal.text.contains("unchanged until the host approves"))
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            #expect(harness.repo.read("a.txt") == "old\n")
            #expect(try await harness.call("get_notifications", as: hostCaller).text.contains("alice proposed change \(id)"))
            #expect(try await harness.call("get_notifications", as: hostCaller).text == "Nothing new.")
            let pending = try await harness.call("get_pending_changes", as: hostCaller)
            #expect(pending.text.contains("-old\n+new") && pending.text.contains("applies cleanly"))
            let approval = try await harness.call("approve_change", ["change_id": .string(id)], as: hostCaller)
            #expect(!approval.isError)
            #expect(harness.repo.read("a.txt") == "new\n")
            #expect(try await harness.call("get_notifications", as: guestCaller).text.contains("approved your change \(id)"))
            #expect(try await harness.call("my_pending_changes", as: guestCaller).text.contains("\(id) (a.txt, revision 1): approved"))

            let hostWrite = try await harness.call("write_file", ["path": "b.txt", "content": "host\n"], as: hostCaller)
            #expect(!hostWrite.isError && harness.repo.read("b.txt") == "host\n")
        }
    }

    @Test("conflicts and rejections reach the proposer with what to do")
    func conflictAndReject() async throws {
        try await ToolHarness.with(files: ["a.txt": "one\ntwo\nthree\n"]) { harness in
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "one\nTWO guest\nthree\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            try harness.repo.write("a.txt", "one\nTWO host\nthree\n")
            let refused = try await harness.call("approve_change", ["change_id": .string(id)], as: hostCaller)
            #expect(refused.isError && refused.text.contains("NOT approved") && refused.text.contains("proposed: TWO guest"))
            #expect(try await harness.call("my_pending_changes", as: guestCaller).text.contains("conflicts with the host's edits in a.txt"))
            #expect(try await harness.call("get_notifications", as: guestCaller).text.contains("conflicts with the host's edits in a.txt"))
            let rejection = try await harness.call("reject_change", ["change_id": .string(id), "reason": "clashes with my edit"], as: hostCaller)
            #expect(!rejection.isError)
            #expect(try await harness.call("my_pending_changes", as: guestCaller).text.contains("rejected: clashes with my edit"))
            #expect(try await harness.call("get_notifications", as: guestCaller).text.contains("rejected your change \(id): clashes with my edit"))
        }
    }

    @Test("locks: exclusive, shown, released with the decision, forced by the host, lapsing after 30 idle minutes")
    func locks() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { harness in
            #expect(!(try await harness.call("lock_file", ["path": "a.txt"], as: guestCaller)).isError)
            try await harness.expectError("write_file", ["path": "a.txt", "content": "host\n"], as: hostCaller, containing: "locked by guest")
            try await harness.expectError("lock_file", ["path": "a.txt"], as: hostCaller, containing: "already locked by guest")
            #expect(try await harness.call("list_files", [:], as: hostCaller).text.contains("a.txt  (2 B)  [locked by guest]"))
            #expect(try await harness.call("get_status", as: hostCaller).text.contains("a.txt by guest"))
            #expect(try await harness.call("get_notifications", as: hostCaller).text.contains("guest locked a.txt"))
            // Released when the change it guards is decided.
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "guest\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            try await harness.call("approve_change", ["change_id": .string(id)], as: hostCaller)
            #expect(harness.collaboration.locks.holder(of: "a.txt") == nil)
            // Forced by the host.
            try await harness.call("lock_file", ["path": "b.txt"], as: guestCaller)
            try await harness.expectError("unlock_file", ["path": "b.txt"], as: hostCaller, containing: "locked by guest, not by you")
            #expect(!(try await harness.call("force_unlock", ["path": "b.txt"], as: hostCaller)).isError)
            #expect(try await harness.call("get_notifications", as: guestCaller).text.contains("The host released your lock on b.txt"))
            // Lapsing: activity keeps it, 30 idle minutes end it.
            try await harness.call("lock_file", ["path": "b.txt"], as: guestCaller)
            harness.clock.advance(minutes: 20)
            try await harness.call("ping", as: guestCaller)
            harness.clock.advance(minutes: 20)
            #expect(harness.collaboration.locks.holder(of: "b.txt")?.holderID == "guest")
            harness.clock.advance(minutes: 31)
            #expect(harness.collaboration.locks.holder(of: "b.txt") == nil)
            #expect(!(try await harness.call("write_file", ["path": "b.txt", "content": "host\n"], as: hostCaller)).isError)
        }
    }

    @Test("list_files: .gitignore honoured when recursive, secrets and .git never listed, pending changes marked")
    func listing() async throws {
        try await ToolHarness.with(files: [".gitignore": "build/\n*.log\n", "src/app.swift": "app\n", "src/deep/x.swift": "x\n",
                                           ".env": "KEY=1\n", "notes.md": "n\n"]) { harness in
            try harness.repo.write("build/out.o", "o")
            try harness.repo.write("debug.log", "l")
            let top = try await harness.call("list_files", [:], as: guestCaller)
            #expect(top.text.contains("src/") && top.text.contains("notes.md") && !top.text.contains(".env") && !top.text.contains(".git/"))
            let proposal = try await harness.call("write_file", ["path": "src/app.swift", "content": "app 2\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            let all = try await harness.call("list_files", ["recursive": true], as: guestCaller)
            #expect(all.text.contains("src/deep/x.swift") && all.text.contains("src/app.swift  (4 B)  [pending: \(id)]"))
            #expect(!all.text.contains("build/") && !all.text.contains("debug.log") && !all.text.contains(".env"))
            let sub = try await harness.call("list_files", ["path": "src", "recursive": true], as: guestCaller)
            #expect(sub.text.split(separator: "\n").count == 2)
            try await harness.expectError("list_files", ["path": "notes.md"], as: guestCaller, containing: "not a folder")
            // Structured content describes the listing the text shows.
            #expect(all.structured?.objectValue?["count"]?.intValue == all.text.split(separator: "\n").count)
            #expect(all.structured?.objectValue?["with_pending_changes"]?.intValue == 1)
        }
    }

    @Test("get_status tells a guest the project's name, never the host's absolute path")
    func status() async throws {
        try await ToolHarness.with { harness in
            let status = try await harness.call("get_status", as: guestCaller)
            #expect(status.text.contains("Project: \(URL(fileURLWithPath: harness.repo.path).lastPathComponent) (branch main)"))
            #expect(status.text.contains("You: guest (guest)"))
            #expect(!status.text.contains(harness.repo.path))
            #expect(!"\(status.structured ?? .null)".contains(harness.repo.path))
        }
    }
}
