import Foundation
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

extension JSONValue {
    subscript(_ key: String) -> JSONValue? { objectValue?[key] }
}

@Suite("read_file ranges, pages and versions; read_multiple_files")
struct ReadRangeTests {
    @Test("ranges at the file's ends: the last line without a newline, an offset past the end")
    func ranges() async throws {
        try await ToolHarness.with(files: ["n.txt": "one\ntwo\nthree"]) { harness in
            let whole = try await harness.call("read_file", ["path": "n.txt"], as: guestCaller)
            #expect(whole.text == "one\ntwo\nthree" && whole.structured?["lines"] == 3 && whole.structured?["more"] == false)
            let middle = try await harness.call("read_file", ["path": "n.txt", "offset": 2, "limit": 1], as: guestCaller)
            #expect(middle.text.hasPrefix("two\n[letswork: lines 2–2 of 3 of n.txt; more follows"))
            #expect(middle.structured?["next_offset"] == 3)
            let last = try await harness.call("read_file", ["path": "n.txt", "offset": 3], as: guestCaller)
            #expect(last.text == "three\n[letswork: lines 3–3 of 3 of n.txt; the file ends without a newline]")
            #expect(last.structured?["more"] == false && last.structured?["next_offset"] == .null)
            try await harness.expectError("read_file", ["path": "n.txt", "offset": 4], as: guestCaller, containing: "has 3 lines; offset 4 is past its end")
            try await harness.expectError("read_file", ["path": "n.txt", "offset": 0], as: guestCaller, containing: "'offset' must be at least 1")
            try await harness.expectError("read_file", ["path": "n.txt", "limit": "many"], as: guestCaller, containing: "'limit' must be a whole number")
        }
    }

    @Test("a 1 MB file comes in three pages within the 500,000 characters the tool declares, rebuilding it exactly")
    func pages() async throws {
        let line = String(repeating: "x", count: 99) + "\n"
        let content = (0..<9_800).map { "\($0) " + line }.joined()
        try await ToolHarness.with(files: ["big.txt": content]) { harness in
            var rebuilt = ""
            var offset = 1
            var calls = 0
            while calls < 50 {
                calls += 1
                let page = try await harness.call("read_file", ["path": "big.txt", "offset": .int(offset)], as: guestCaller)
                #expect(!page.isError && page.text.utf8.count < 500_000)
                let body = try #require(page.text.range(of: "[letswork: ").map { page.text[..<$0.lowerBound] })
                rebuilt += body
                guard let next = page.structured?["next_offset"]?.intValue else { break }
                #expect(page.text.contains("offset=\(next)"))
                offset = next
            }
            #expect(calls == 3 && rebuilt == content)
        }
    }

    @Test("read_multiple_files: each file on its own, errors per file, the call fails only on bad arguments")
    func multiple() async throws {
        try await ToolHarness.with(files: ["a.txt": "alpha\n", "b.txt": "beta\n", ".env": "SECRET=1\n"]) { harness in
            let result = try await harness.call("read_multiple_files", ["paths": ["a.txt", "missing.txt", ".env", "b.txt"]], as: readerCaller)
            #expect(!result.isError)
            #expect(result.text.contains("=== a.txt (1 line) ===\nalpha\n") && result.text.contains("=== b.txt (1 line) ===\nbeta\n"))
            #expect(result.text.contains("=== missing.txt: ") && result.text.contains("=== .env: Path .env is refused"))
            #expect(!result.text.contains("SECRET"))
            let files = try #require(result.structured?["files"]?.arrayValue)
            #expect(files.count == 4 && files[1]["error"] != nil && files[3]["included"] == true)
            try await harness.expectError("read_multiple_files", ["paths": []], as: guestCaller, containing: "'paths' is empty")
            try await harness.expectError("read_multiple_files", ["paths": [1]], as: guestCaller, containing: "paths[0] must be a string")
        }
    }

    @Test("a guest reads its own pending revision by default, says so, and can ask for the host's")
    func pendingVersion() async throws {
        try await ToolHarness.with(files: ["a.txt": "host\n"]) { harness in
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "guest\n"], as: guestCaller)
            let id = try #require(proposal.structured?["change_id"]?.stringValue)
            let mine = try await harness.call("read_file", ["path": "a.txt"], as: guestCaller)
            #expect(mine.text == "guest\n[letswork: this is your pending change \(id), revision 1, not yet on the host's disk; version=\"host\" reads the host's file]")
            #expect(mine.structured?["version"] == "pending" && mine.structured?["change_id"] == .string(id))
            let host = try await harness.call("read_file", ["path": "a.txt", "version": "host"], as: guestCaller)
            #expect(host.text == "host\n" && host.structured?["version"] == "host")
            // Others (the host, another guest) see the host's file.
            // (The host's result then announces the guest's proposal on a line of its own, once
            // the proposal's event pass has run: it follows the proposal on the store's queue,
            // after its answer, so a call that is no store operation waits for it here, as an
            // agent's next call in practice comes after it.)
            _ = try await harness.collaboration.store.serial.run { _ in true }
            #expect(try await harness.call("read_file", ["path": "a.txt"], as: hostCaller).text.hasPrefix("host\n[letswork: 1 new — guest proposed"))
            #expect(try await harness.call("read_file", ["path": "a.txt"], as: readerCaller).text == "host\n")
            try await harness.expectError("read_file", ["path": "a.txt", "version": "pending"], as: readerCaller, containing: "You have no pending change to a.txt")
            try await harness.expectError("read_file", ["path": "a.txt", "version": "mine"], as: guestCaller, containing: "version must be \"pending\"")
        }
    }

    @Test("a long recursive listing is paginated, every entry exactly once")
    func listingPages() async throws {
        var files: [String: String] = [:]
        for index in 0..<1_500 { files["folder-with-a-long-name/sub-\(index % 7)/file-number-\(index)-with-padding.txt"] = "x\n" }
        try await ToolHarness.with(files: files) { harness in
            var seen: [String] = []
            var offset = 0
            for _ in 0..<20 {
                let page = try await harness.call("list_files", ["recursive": true, "offset": .int(offset)], as: guestCaller)
                #expect(!page.isError && page.text.utf8.count < 500_000)
                seen += page.text.split(separator: "\n").filter { !$0.hasPrefix("[letswork") }.map { String($0.split(separator: " ")[0]) }
                guard let next = page.structured?["next_offset"]?.intValue else { break }
                offset = next
            }
            #expect(seen.count == 1_500 && Set(seen).count == 1_500)
        }
    }
}
