import Foundation
@testable import LetsworkReview
import Testing

@Suite("The engine's records written as JSON by hand")
struct RecordJSONTests {
    /// Every byte below 0x80, quotes, slashes, backslashes, non-ASCII and an emoji.
    private static let awkward: String = {
        var text = ""
        for byte in 0..<128 { text.unicodeScalars.append(Unicode.Scalar(UInt8(byte))) }
        return text + "é\u{2028}😀 \"quoted\" C:\\dir a/b"
    }()

    private func reference<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    private var records: [ChangeRecord] {
        let plain = ChangeRecord(id: "0a1b2c3d", proposer: Person(id: "guest", name: "Ana"), summary: nil,
                                 paths: ["src/a.swift"], revisions: ["ab"], submittedAt: 1, updatedAt: 2, state: .pending)
        var full = ChangeRecord(id: Self.awkward, proposer: Person(id: Self.awkward, name: Self.awkward, email: Self.awkward),
                                summary: Self.awkward, paths: ["a/b.txt", Self.awkward, ""], revisions: ["1", "2", "3"],
                                submittedAt: -5, updatedAt: Int64.max, state: .approved)
        full.conflict = .init(at: 7, paths: [Self.awkward])
        full.decision = .init(by: Person(id: "host", name: "Host \"H\""), at: 9, reason: Self.awkward, merged: true, forced: false,
                              record: "cafe", hostCommit: "beef", skippedPaths: ["x/y", Self.awkward])
        var bare = plain
        bare.state = .rejected
        bare.revisions = []
        bare.paths = []
        bare.decision = .init(by: Person(id: "h", name: "h"), at: 0, reason: nil, merged: false, forced: true,
                              record: "", hostCommit: nil, skippedPaths: nil)
        var empty = plain
        empty.summary = ""
        empty.conflict = .init(at: 0, paths: [])
        return [plain, full, bare, empty]
    }

    @Test("a change record: the bytes JSONEncoder writes with sorted keys, every field set and unset")
    func changeRecords() throws {
        for record in records {
            let bytes = RecordJSON.encode(record)
            #expect(bytes == (try reference(record)), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(try JSONDecoder().decode(ChangeRecord.self, from: Data(bytes)) == record)
        }
    }

    @Test("an approval journal: the bytes JSONEncoder writes with sorted keys, files with and without blobs")
    func journals() throws {
        let files = [ApplyJournal.File(path: "a/b.txt", before: "11", after: "22", executable: false),
                     ApplyJournal.File(path: Self.awkward, before: nil, after: "33", executable: true),
                     ApplyJournal.File(path: "gone", before: "44", after: nil, executable: false)]
        for (index, list) in [files, []].enumerated() {
            let journal = ApplyJournal(changeID: "0a1b2c3d", owner: Self.awkward, pid: index == 0 ? 4_194_304 : -1, host: Self.awkward,
                                       startedAt: 1_700_000_000, decidedBy: Person(id: "host", name: "Host"), merged: index == 0,
                                       forced: index == 1, commitToBranch: index == 0, files: list)
            let bytes = RecordJSON.encode(journal)
            #expect(bytes == (try reference(journal)), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(try JSONDecoder().decode(ApplyJournal.self, from: Data(bytes)) == journal)
        }
    }

    @Test("a string on its own, as the ledger's tips are written")
    func strings() throws {
        for text in ["", "abc123", Self.awkward] {
            #expect(RecordJSON.encode(string: text) == (try reference(text)))
        }
    }
}
