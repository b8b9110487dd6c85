import Foundation
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("Roles come from the token, and each tool enforces them")
struct RoleTests {
    @Test("a guest cannot approve, reject or force-unlock; the host cannot set a display name")
    func hostOnlyAndGuestOnly() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n"]) { harness in
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "guest\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            try await harness.expectError("approve_change", ["change_id": .string(id)], as: guestCaller, containing: "host only")
            try await harness.expectError("reject_change", ["change_id": .string(id)], as: guestCaller, containing: "host only")
            try await harness.call("lock_file", ["path": "a.txt"], as: guestCaller)
            try await harness.expectError("force_unlock", ["path": "a.txt"], as: guestCaller, containing: "host only")
            try await harness.expectError("set_display_name", ["name": "boss"], as: hostCaller, containing: "for guests")
            #expect(harness.repo.read("a.txt") == "a\n")
            #expect(try harness.repo.log("HEAD..refs/letswork/pending").count == 1)
        }
    }

    @Test("a guest cannot take the host's name or \"host\"")
    func displayNames() async throws {
        try await ToolHarness.with { harness in
            for name in ["host", "HOST", "Hosta Host", "letswork", ""] {
                let result = try await harness.call("set_display_name", ["name": .string(name)], as: guestCaller)
                #expect(result.isError, "\(name.debugDescription) should be refused")
            }
            let ok = try await harness.call("set_display_name", ["name": "alice \u{1B}[31m"], as: guestCaller)
            #expect(!ok.isError && ok.text == "You are now alice [31m.")
            try await harness.call("write_file", ["path": "new.txt", "content": "hi\n"], as: guestCaller)
            #expect(try harness.repo.log("HEAD..refs/letswork/pending", format: "%an") == ["alice [31m"])
        }
    }

    @Test("a read-only guest can list and read, but not write or lock")
    func readOnlyGuest() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n"]) { harness in
            #expect(!(try await harness.call("read_file", ["path": "a.txt"], as: readerCaller)).isError)
            #expect(!(try await harness.call("list_files", [:], as: readerCaller)).isError)
            try await harness.expectError("write_file", ["path": "a.txt", "content": "x\n"], as: readerCaller, containing: "read-only guest")
            try await harness.expectError("lock_file", ["path": "a.txt"], as: readerCaller, containing: "read-only guest")
            try await harness.expectError("unlock_file", ["path": "a.txt"], as: readerCaller, containing: "read-only guest")
            #expect(try harness.repo.log("HEAD..refs/letswork/pending").isEmpty)
        }
    }
}
