import Foundation
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("edit_file and submit_change")
struct EditAndSubmitTests {
    static let source = "func a() {\n    return 1\n}\n\nfunc b() {\n    return 1\n}\n"

    @Test("an edit matching zero or two times fails, showing where it looked; replace_all takes every match")
    func matching() async throws {
        try await ToolHarness.with(files: ["s.swift": Self.source]) { harness in
            try await harness.expectError("edit_file", ["path": "s.swift", "edits": [["old_text": "return 1", "new_text": "return 2"]]],
                                          as: hostCaller, containing: "matches 2 times in s.swift (the host's working tree), at lines 2, 6")
            let miss = try await harness.call("edit_file", ["path": "s.swift", "edits": [["old_text": "func a() {\n  return 1", "new_text": "x"]]], as: hostCaller)
            #expect(miss.isError && miss.text.contains("old_text was not found") && miss.text.contains("line 1: \"func a() {\""))
            // Applied in order: the second edit sees the first one's result; all or nothing.
            try await harness.expectError("edit_file", ["path": "s.swift", "edits": [["old_text": "func a", "new_text": "func c"], ["old_text": "func a", "new_text": "x"]]],
                                          as: hostCaller, containing: "Edit 2 of 2: old_text was not found in s.swift (the host's working tree) (after the earlier edits)")
            #expect(harness.repo.read("s.swift") == Self.source)
            let all = try await harness.call("edit_file", ["path": "s.swift", "edits": [["old_text": "return 1", "new_text": "return 2", "replace_all": true]]], as: hostCaller)
            #expect(!all.isError && all.text.contains("lines 2, 6"))
            #expect(harness.repo.read("s.swift") == Self.source.replacingOccurrences(of: "return 1", with: "return 2"))
        }
    }

    @Test("a guest's dry run changes nothing and shows the diff the change later shows; edits build on the pending version")
    func dryRunAndRevisions() async throws {
        try await ToolHarness.with(files: ["s.swift": Self.source]) { harness in
            let edits: JSONValue = [["old_text": "func b() {\n    return 1", "new_text": "func b() {\n    return 42"]]
            let dry = try await harness.call("edit_file", ["path": "s.swift", "edits": edits, "dry_run": true], as: guestCaller)
            #expect(!dry.isError && dry.text.hasPrefix("Dry run: nothing was changed."))
            let dryDiff = try #require(dry.structured?["diff"]?.stringValue)
            #expect(dryDiff.contains("-    return 1\n+    return 42\n"))
            #expect(try await harness.call("get_pending_changes", as: hostCaller).text == "No pending changes.")
            let proposal = try await harness.call("edit_file", ["path": "s.swift", "edits": edits], as: guestCaller)
            let id = try #require(proposal.structured?["change_id"]?.stringValue)
            #expect(harness.repo.read("s.swift") == Self.source)
            let pending = try await harness.call("get_pending_changes", as: hostCaller)
            #expect(pending.structured?["changes"]?.arrayValue?.first?["diff"]?.stringValue == dryDiff)
            // The second edit applies to the guest's pending version: a new revision of the same
            // change, whose dry run shows the whole change as it will then read.
            let secondEdits: JSONValue = [["old_text": "return 42", "new_text": "return 43"]]
            let secondDry = try await harness.call("edit_file", ["path": "s.swift", "edits": secondEdits, "dry_run": true], as: guestCaller)
            let secondDiff = try #require(secondDry.structured?["diff"]?.stringValue)
            #expect(secondDiff.contains("-    return 1\n+    return 43\n"), "\(secondDiff)")
            let second = try await harness.call("edit_file", ["path": "s.swift", "edits": secondEdits], as: guestCaller)
            #expect(try await harness.call("get_pending_changes", as: hostCaller).structured?["changes"]?.arrayValue?.first?["diff"]?.stringValue == secondDiff)
            #expect(second.structured?["change_id"] == .string(id) && second.structured?["revision"] == 2)
            #expect(second.structured?["version"] == "pending")
            try await harness.call("approve_change", ["change_id": .string(id)], as: hostCaller)
            #expect(harness.repo.read("s.swift") == Self.source.replacingOccurrences(of: "func b() {\n    return 1", with: "func b() {\n    return 43"))
        }
    }

    @Test("a multi-file change with a rename is approved as a whole")
    func approvedAsAWhole() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n", "b.txt": "b\n", "old/name.txt": "kept content\n"]) { harness in
            let change = try await harness.call("submit_change", [
                "message": "Rework a, drop b, move name",
                "files": [["path": "a.txt", "content": "A\n"], ["path": "b.txt", "delete": true],
                          ["path": "old/name.txt", "rename_to": "new/name.txt"], ["path": "c.txt", "content": "new file\n"]],
            ], as: guestCaller)
            #expect(!change.isError, "\(change.text)")
            let id = try #require(change.structured?["change_id"]?.stringValue)
            let pending = try await harness.call("get_pending_changes", as: hostCaller)
            #expect(pending.text.contains("Rework a, drop b, move name") && pending.text.contains("Files: "))
            #expect(pending.structured?["changes"]?.arrayValue?.count == 1)
            let approval = try await harness.call("approve_change", ["change_id": .string(id)], as: hostCaller)
            #expect(!approval.isError, "\(approval.text)")
            #expect(harness.repo.read("a.txt") == "A\n" && !harness.repo.exists("b.txt") && harness.repo.read("c.txt") == "new file\n")
            #expect(!harness.repo.exists("old/name.txt") && harness.repo.read("new/name.txt") == "kept content\n")
            let message = try harness.repo.git("log", "-1", "--format=%B", "refs/letswork/approved")
            #expect(message.contains(id))
        }
    }

    @Test("a multi-file change is rejected as a whole; bad entries are all listed and nothing is proposed")
    func rejectedAsAWhole() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n", "b.txt": "b\n"]) { harness in
            let refused = try await harness.call("submit_change", [
                "message": "bad",
                "files": [["path": "../x", "content": "x"], ["path": "a.txt"], ["path": ".env", "content": "S=1"], ["path": "b.txt", "rename_to": "a.txt"]],
            ], as: guestCaller)
            #expect(refused.isError && refused.text.contains("Nothing was proposed"))
            #expect(refused.text.contains("files[0] (../x)") && refused.text.contains("files[1] (a.txt): give exactly one of"))
            #expect(refused.text.contains("files[2] (.env)") && refused.text.contains("files[3] (b.txt): a.txt already exists"))
            #expect(try await harness.call("get_pending_changes", as: hostCaller).text == "No pending changes.")

            let change = try await harness.call("submit_change", ["message": "Both", "files": [["path": "a.txt", "content": "A\n"], ["path": "b.txt", "content": "B\n"]]], as: guestCaller)
            let id = try #require(change.structured?["change_id"]?.stringValue)
            try await harness.call("reject_change", ["change_id": .string(id), "reason": "not now"], as: hostCaller)
            #expect(harness.repo.read("a.txt") == "a\n" && harness.repo.read("b.txt") == "b\n")
            let mine = try await harness.call("my_pending_changes", as: guestCaller)
            #expect(mine.text.contains("\(id) (a.txt, b.txt, revision 1): rejected: not now"))
        }
    }

    @Test("a read-only guest is refused on every writing tool")
    func readOnlyRefused() async throws {
        try await ToolHarness.with(files: ["a.txt": "a\n"]) { harness in
            let calls: [(String, [String: JSONValue])] = [
                ("write_file", ["path": "a.txt", "content": "x"]),
                ("edit_file", ["path": "a.txt", "edits": [["old_text": "a", "new_text": "b"]]]),
                ("edit_file", ["path": "a.txt", "edits": [["old_text": "a", "new_text": "b"]], "dry_run": true]),
                ("submit_change", ["message": "m", "files": [["path": "a.txt", "content": "x"]]]),
                ("lock_file", ["path": "a.txt"]), ("unlock_file", ["path": "a.txt"]),
                ("approve_change", ["change_id": "0123abcd"]), ("reject_change", ["change_id": "0123abcd"]),
                ("force_unlock", ["path": "a.txt"]),
            ]
            for (tool, arguments) in calls {
                let result = try await harness.call(tool, arguments, as: readerCaller)
                #expect(result.isError && (result.text.contains("not available to a read-only guest") || result.text.contains("for the host only")), "\(tool): \(result.text)")
            }
            #expect(try await harness.call("get_pending_changes", as: hostCaller).text == "No pending changes.")
            #expect(harness.repo.read("a.txt") == "a\n")
        }
    }
}
