import Foundation
import LetsworkReview
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Synchronization
import Testing

/// The tools say when a scan ends; the composition root's MemoryReturn decides what happens.
@Suite("Freed memory handed back after large scans")
struct MemoryReturnTests {
    @Test("a recursive listing or find_files over the threshold releases once; under it, nothing; a search always")
    func releases() async throws {
        let files = Dictionary(uniqueKeysWithValues: (0..<6).map { ("src/file\($0).txt", "line \($0)\n") })
        try await TemporaryRepository.withAsync(files: files) { repo in
            let releases = Atomic<Int>(0)
            let store = try ChangeStore.open(containing: repo.path)
            let memory = MemoryReturn(largeScan: 5) { releases.add(1, ordering: .relaxed) }
            let collaboration = Collaboration(store: store, memoryReturn: memory)
            func call(_ tool: String, _ arguments: [String: JSONValue]) async throws -> Int {
                let before = releases.load(ordering: .relaxed)
                let result = try await collaboration.call(tool, arguments: arguments, as: Caller(id: "guest", role: .guest, initialName: "guest"))
                #expect(!result.isError, "\(tool): \(result.text.joined())")
                return releases.load(ordering: .relaxed) - before
            }
            #expect(try await call("list_files", ["path": "src", "recursive": true]) == 1, "6 files scanned, threshold 5")
            #expect(try await call("find_files", ["pattern": "**/*.txt"]) == 1)
            #expect(try await call("list_files", ["path": "src"]) == 0, "a folder's own entries are no scan")
            #expect(try await call("search_files", ["pattern": "line 3"]) == 1, "a search's threads free into arenas of their own")

            let never = Collaboration(store: store)
            let before = releases.load(ordering: .relaxed)
            _ = try await never.call("list_files", arguments: ["path": "src", "recursive": true], as: Caller(id: "host", role: .host))
            #expect(releases.load(ordering: .relaxed) == before, "the default never releases")
        }
    }
}
