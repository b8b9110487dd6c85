import Foundation
import LetsworkTestSupport
@testable import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("search_files and find_files")
struct SearchTests {
    static let files = [
        ".gitignore": "build/\n*.log\n",
        "src/app.swift": "import Foundation\nlet needle = 1\n// NEEDLE in a comment\nfunc run() {}\n",
        "src/util/strings.swift": "let other = \"needle\"\n",
        "src/lib.c": "int needle(void);\n",
        "README.md": "No match here.\n",
        "build/out.swift": "let needle = 2\n",
        "debug.log": "needle\n",
        ".env": "NEEDLE=secret\n",
        "keys/server.pem": "needle\n",
    ]

    @Test("literal search: path:line:text, case option, .gitignored and secret files never searched")
    func literal() async throws {
        try await ToolHarness.with(files: Self.files) { harness in
            let result = try await harness.call("search_files", ["pattern": "needle"], as: readerCaller)
            #expect(!result.isError)
            let lines = result.text.split(separator: "\n").filter { !$0.hasPrefix("[letswork") }
            #expect(lines == ["src/app.swift:2:let needle = 1", "src/lib.c:1:int needle(void);", "src/util/strings.swift:1:let other = \"needle\""])
            #expect(result.structured?["total"] == 3 && result.structured?["files_with_matches"] == 3)
            let folded = try await harness.call("search_files", ["pattern": "NEEDLE", "case_sensitive": false], as: readerCaller)
            #expect(folded.structured?["total"] == 4 && folded.text.contains("src/app.swift:3:// NEEDLE in a comment"))
            for text in [result.text, folded.text] {
                #expect(!text.contains("build/") && !text.contains("debug.log") && !text.contains(".env") && !text.contains("secret") && !text.contains(".pem"))
            }
            let swiftOnly = try await harness.call("search_files", ["pattern": "needle", "include": ["**/*.swift"], "exclude": ["src/util/**"]], as: guestCaller)
            #expect(swiftOnly.structured?["total"] == 1 && swiftOnly.text.hasPrefix("src/app.swift:2:"))
            let none = try await harness.call("search_files", ["pattern": "absent text"], as: guestCaller)
            #expect(!none.isError && none.text.hasPrefix("No matches for text \"absent text\""))
        }
    }

    @Test("regular expressions, with context lines; an invalid one says what to do")
    func regex() async throws {
        try await ToolHarness.with(files: Self.files) { harness in
            let result = try await harness.call("search_files", ["pattern": "^(let|int) \\w+", "regex": true, "context": 1], as: guestCaller)
            #expect(result.structured?["total"] == 3)
            #expect(result.text.contains("src/app.swift-1-import Foundation\nsrc/app.swift:2:let needle = 1\nsrc/app.swift-3-// NEEDLE in a comment\n--"))
            let unicode = try await harness.call("search_files", ["pattern": "ÉTÉ", "case_sensitive": false], as: guestCaller)
            #expect(unicode.structured?["total"] == 0)
            try await harness.expectError("search_files", ["pattern": "(unclosed", "regex": true], as: guestCaller, containing: "not a valid regular expression")
        }
    }

    @Test("a 2 MB search result comes in pages within the declared 500,000 characters that reach every match exactly once")
    func pagination() async throws {
        var files: [String: String] = [:]
        let line = "match " + String(repeating: "y", count: 94) + "\n"
        for file in 0..<10 { files["data/f\(file).txt"] = (0..<2_000).map { "\($0) \(line)" }.joined() }
        try await ToolHarness.with(files: files) { harness in
            var seen = Set<String>()
            var offset = 0
            var pages = 0
            while pages < 60 {
                pages += 1
                let page = try await harness.call("search_files", ["pattern": "match", "offset": .int(offset)], as: guestCaller)
                #expect(page.text.utf8.count < 500_000 && page.structured?["total"] == 20_000)
                for hit in page.text.split(separator: "\n") where !hit.hasPrefix("[letswork") {
                    #expect(seen.insert(String(hit.prefix(while: { $0 != " " }))).inserted, "seen twice: \(hit.prefix(40))")
                }
                guard let next = page.structured?["next_offset"]?.intValue else { break }
                #expect(page.text.contains("offset=\(next)"))
                offset = next
            }
            #expect(seen.count == 20_000 && pages >= 5)
        }
    }

    @Test("beyond the hits one page can show, matches are counted, not held; paging still reaches each once")
    func windowedCollection() async throws {
        // 30,000 matching lines: more than one call collects (25,000), fetched 1,000 at a time,
        // so every page ends where the collected window ends and the next must continue there.
        let text = (0..<30_000).map { "hit \($0)\n" }.joined()
        try await ToolHarness.with(files: ["many.txt": text]) { harness in
            var seen = Set<String>()
            var offset = 0
            for _ in 0..<40 {
                let page = try await harness.call("search_files", ["pattern": "hit", "offset": .int(offset), "limit": 1_000], as: guestCaller)
                #expect(page.structured?["total"] == 30_000)
                #expect(!page.text.contains("only the first"))
                for hit in page.text.split(separator: "\n") where !hit.hasPrefix("[letswork") {
                    #expect(seen.insert(String(hit)).inserted, "seen twice: \(hit)")
                }
                guard let next = page.structured?["next_offset"]?.intValue else { break }
                #expect(next == offset + 1_000)
                offset = next
            }
            #expect(seen.count == 30_000)
        }
    }

    @Test("a file reached through a linked folder (as after a swap behind the scan) is not read")
    func linkedFolderNotRead() async throws {
        try await ToolHarness.with(files: ["inside/a.txt": "needle\n"]) { harness in
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-outside-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try "needle outside\n".write(toFile: outside + "/a.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: harness.repo.path + "/swapped", withDestinationPath: outside)
            let root = harness.collaboration.store.root, realRoot = harness.collaboration.sandbox.realRoot
            #expect(ContentSearch.readFile(root + "inside/a.txt", inside: realRoot) == Array("needle\n".utf8))
            #expect(ContentSearch.readFile(root + "swapped/a.txt", inside: realRoot) == nil)
            let search = try await harness.call("search_files", ["pattern": "needle"], as: guestCaller)
            #expect(search.structured?["total"] == 1 && !search.text.contains("outside"))
        }
    }

    @Test("find_files: globs over paths, honouring .gitignore and the sandbox")
    func find() async throws {
        try await ToolHarness.with(files: Self.files) { harness in
            func found(_ pattern: JSONValue) async throws -> [String] {
                try await harness.call("find_files", ["pattern": pattern], as: readerCaller).text.split(separator: "\n").map(String.init)
            }
            #expect(try await found("**/*.swift") == ["src/app.swift", "src/util/strings.swift"])
            #expect(try await found("*.swift") == ["src/app.swift", "src/util/strings.swift"])
            #expect(try await found("src/*.c") == ["src/lib.c"])
            #expect(try await found("src/*.{c,swift}") == ["src/app.swift", "src/lib.c"])
            #expect(try await found("src/**") == ["src/app.swift", "src/lib.c", "src/util/strings.swift"])
            #expect(try await found("src/lib.[ch]") == ["src/lib.c"])
            #expect(try await found("src/?pp.swift") == ["src/app.swift"])
            #expect(try await found("src/[!a]*") == ["src/lib.c"])
            #expect(try await found("**/util/*") == ["src/util/strings.swift"])
            #expect(try await found("**/*.pem") == ["No files match \"**/*.pem\"."])
            #expect(try await found(".env") == ["No files match \".env\"."])
            #expect(try await found("*.log") == ["No files match \"*.log\"."])
            try await harness.expectError("find_files", ["pattern": "src/{a,b"], as: guestCaller, containing: "without its '}'")
        }
    }
}
