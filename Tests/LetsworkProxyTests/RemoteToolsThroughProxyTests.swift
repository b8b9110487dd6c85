import Foundation
import LetsworkTestSupport
import Testing

/// The remote-codebase tools as a guest's agent uses them: stdio → `letswork proxy` → a TLS
/// reverse proxy standing in for the tunnel → `letswork start` → a real repository.
@Suite("Search, ranges, edits and multi-file changes through the proxy and a TLS tunnel", .serialized)
struct RemoteToolsThroughProxyTests {
    static func text(_ result: [String: Any]) -> String {
        ((result["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
    }

    static func structured(_ result: [String: Any]) -> [String: Any] {
        result["structuredContent"] as? [String: Any] ?? [:]
    }

    @Test("search (a 2 MB result in pages), find, a range, a dry run and a multi-file change, all relayed")
    func toolsThroughTheProxy() async throws {
        var files = ["src/app.swift": "let answer = 41\n", ".env": "answer=secret\n"]
        let line = "answer " + String(repeating: "z", count: 93) + "\n"
        for file in 0..<10 { files["data/f\(file).txt"] = (0..<2_000).map { "\($0) " + line }.joined() }
        try await withGuestBehindTunnel(files: files) { repository, host, tunnel, client in
            try await client.initialize()

            // 20,001 matching lines (about 2.1 MB of results): every one reached exactly once.
            var seen = Set<String>()
            var offset = 0
            var id = 100
            while id < 160 {
                id += 1
                let page = try await client.tool(id, "search_files", ["pattern": "answer", "offset": offset])
                let text = Self.text(page)
                #expect(text.utf8.count < 500_000 && Self.structured(page)["total"] as? Int == 20_001)
                #expect(!text.contains("secret"))
                for hit in text.split(separator: "\n") where !hit.hasPrefix("[letswork") {
                    #expect(seen.insert(String(hit.prefix { $0 != " " })).inserted)
                }
                guard let next = Self.structured(page)["next_offset"] as? Int else { break }
                offset = next
            }
            #expect(seen.count == 20_001 && id >= 105)

            #expect(Self.text(try await client.tool(1, "find_files", ["pattern": "**/*.swift"])) == "src/app.swift")
            let range = try await client.tool(2, "read_file", ["path": "data/f3.txt", "offset": 2000, "limit": 5])
            #expect(Self.text(range).hasPrefix("1999 answer") && Self.structured(range)["lines"] as? Int == 2000)

            let edits: [[String: Any]] = [["old_text": "41", "new_text": "42"]]
            let dry = try await client.tool(3, "edit_file", ["path": "src/app.swift", "edits": edits, "dry_run": true])
            let diff = try #require(Self.structured(dry)["diff"] as? String, "\(dry)")
            #expect(diff.contains("-let answer = 41\n+let answer = 42\n"))
            let change = try await client.tool(4, "submit_change", [
                "message": "The answer, and a note",
                "files": [["path": "src/app.swift", "content": "let answer = 42\n"], ["path": "NOTE.md", "content": "42\n"],
                          ["path": "data/f9.txt", "delete": true]],
            ])
            let changeID = try #require(Self.structured(change)["change_id"] as? String, "\(change)")
            #expect(repository.read("src/app.swift") == "let answer = 41\n")
            let approval = try runProcess(letsworkExecutable, ["approve", changeID], in: repository.path)
            #expect(approval.status == 0, "\(approval.output)\(approval.errors)")
            #expect(repository.read("src/app.swift") == "let answer = 42\n" && repository.read("NOTE.md") == "42\n")
            #expect(!repository.exists("data/f9.txt"))
        }
    }
}
