import Foundation
import LetsworkReview
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("Each participant's events: numbered, paged after a cursor, bounded, journaled")
struct EventLogTests {
    private static func draft(_ number: Int) -> EventDraft {
        EventDraft(.lockTaken, "event \(number)", meta: ["n": String(number), "bad-key": "dropped", "ok_key1": "kept"])
    }

    @Test("numbers count 1, 2, 3… per participant; a cursor reads exactly what follows it, in pages")
    func numberingAndPaging() {
        let log = EventLog(stream: "s1")
        for number in 1...250 { log.post(Self.draft(number), to: number % 2 == 0 ? ["a", "b"] : ["a"], time: 0) }
        var seen: [Int] = []
        var cursor: EventCursor?
        var pages = 0
        repeat {
            let page = log.page(for: "a", after: cursor)
            seen += page.events.map(\.seq)
            cursor = page.next
            pages += 1
            if !page.more { break }
        } while pages < 10
        #expect(seen == Array(1...250))
        #expect(pages == 3, "pages of \(EventLog.pageLimit)")
        #expect(log.page(for: "b", after: nil).events.map(\.text).prefix(2) == ["event 2", "event 4"])
        #expect(log.page(for: "a", after: EventCursor(stream: "s1", seq: 250)).events.isEmpty)
        let first = log.page(for: "a", after: nil).events[0]
        #expect(first.meta == ["n": "1", "ok_key1": "kept"], "meta keys are letters, digits and _ only")
        #expect(log.page(for: "nobody", after: nil).events.isEmpty)
    }

    @Test("a participant that never reads keeps only the newest events; a late reader is told how many it missed")
    func bounded() throws {
        let log = EventLog(stream: "s1")
        for number in 1...(EventLog.retained + 120) { log.post(Self.draft(number), to: ["slow"], time: 0) }
        let page = log.page(for: "slow", after: nil)
        let missed = try #require(page.events.first)
        #expect(missed.kind == .missed && missed.meta["count"] == "120" && missed.seq == 120)
        #expect(page.events.dropFirst().first?.seq == 121)
        let later = log.page(for: "slow", after: EventCursor(stream: "s1", seq: 50))
        #expect(later.events.first?.meta["count"] == "70", "events 51…120 were dropped")
        let current = log.page(for: "slow", after: EventCursor(stream: "s1", seq: 200))
        #expect(current.events.first?.seq == 201 && current.events.first?.kind == .lockTaken)
    }

    @Test("a cursor of another session starts afresh, and says so")
    func foreignCursor() {
        let log = EventLog(stream: "new")
        log.post(Self.draft(1), to: ["a"], time: 0)
        let page = log.page(for: "a", after: EventCursor(stream: "old", seq: 40))
        #expect(page.reset && page.events.map(\.seq) == [1])
        #expect(EventCursor("k3F9:17") == EventCursor(stream: "k3F9", seq: 17))
        #expect(EventCursor("nonsense") == nil && EventCursor(":3") == nil && EventCursor("a:-1") == nil)
    }

    @Test("--resume continues the numbers from the journal; a fresh start gets a new stream; a torn line is skipped")
    func journal() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-events-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/events.jsonl"
        let first = try EventLog.open(journalAt: path, resume: false)
        for number in 1...5 { first.post(Self.draft(number), to: ["host", "guest-1"], time: Int64(number)) }
        first.rememberLedger("abc123")
        let stream = first.stream
        // A power cut mid-append leaves a torn line at the end.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"to":"host","seq":6,"ti"#.utf8))
        try handle.close()

        let resumed = try EventLog.open(journalAt: path, resume: true)
        #expect(resumed.stream == stream)
        #expect(resumed.rememberedLedger == "abc123")
        #expect(resumed.page(for: "host", after: nil).events.map(\.text) == (1...5).map { "event \($0)" })
        let next = resumed.post(Self.draft(6), to: ["host"], time: 6)
        #expect(next["host"]?.seq == 6, "numbering goes on where it stopped")
        let again = try EventLog.open(journalAt: path, resume: true)
        #expect(again.page(for: "host", after: EventCursor(stream: stream, seq: 5)).events.map(\.text) == ["event 6"])

        let fresh = try EventLog.open(journalAt: path, resume: false)
        #expect(fresh.stream != stream)
        #expect(fresh.page(for: "host", after: nil).events.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("a doorbell rings for its participant only, and closing ends it")
    func doorbell() async {
        let log = EventLog(stream: "s")
        let bell = log.doorbell(for: "a")
        log.post(Self.draft(1), to: ["b"], time: 0)
        log.post(Self.draft(2), to: ["a"], time: 0)
        log.closeDoorbells()
        var rings = 0
        for await _ in bell { rings += 1 }
        #expect(rings == 1)
    }
}

@Suite("Events from the ledger, whoever acted")
struct ChangeEventTests {
    private static func events(_ harness: ToolHarness, for caller: Caller) async throws -> [JSONValue] {
        let contents = try await harness.collaboration.service(for: caller).readResource("letswork://events")
        let body = try #require(JSONReader.parse(Data(contents[0].text.utf8)))
        return body["events"]?.arrayValue ?? []
    }

    @Test("a proposal reaches the host with size and status; a decision made outside the tools reaches the guest")
    func decisionsFromAnotherProcess() async throws {
        try await ToolHarness.with(files: ["a.txt": "one\ntwo\n"]) { harness in
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "one\nTWO\nthree\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            let hostEvents = try await Self.events(harness, for: hostCaller)
            let proposed = try #require(hostEvents.first { $0["kind"]?.stringValue == "change.proposed" }, "\(hostEvents)")
            #expect(proposed["text"]?.stringValue == "guest proposed change \(id): a.txt (+2 −1), applies cleanly — review with get_pending_changes")
            #expect(proposed["meta"]?["change_id"]?.stringValue == id && proposed["meta"]?["author"]?.stringValue == "guest")

            // Another process — `letswork reject` in a terminal — works on its own store; the
            // watch reads the ledger's ref four times a second.
            let other = try ChangeStore.open(containing: harness.repo.path)
            _ = try other.reject(id, reason: "keep two lowercase")
            var guestEvents: [JSONValue] = []
            for _ in 0..<200 where !guestEvents.contains(where: { $0["kind"]?.stringValue == "change.rejected" }) {
                try await Task.sleep(for: .milliseconds(50))
                guestEvents = try await Self.events(harness, for: guestCaller)
            }
            let rejected = try #require(guestEvents.last, "\(guestEvents)")
            #expect(rejected["kind"]?.stringValue == "change.rejected")
            #expect(rejected["text"]?.stringValue?.contains("keep two lowercase") == true)
            #expect(rejected["meta"]?["reason"]?.stringValue == "keep two lowercase" && rejected["meta"]?["state"]?.stringValue == "rejected")
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await Self.events(harness, for: guestCaller).count == guestEvents.count, "told once")
        }
    }

    @Test("the host editing a file of a pending change tells its proposer whether it still applies")
    func hostEdit() async throws {
        try await ToolHarness.with(files: ["a.txt": "one\ntwo\nthree\n"]) { harness in
            let proposal = try await harness.call("write_file", ["path": "a.txt", "content": "one\nTWO guest\nthree\n"], as: guestCaller)
            let id = try #require(proposal.structured?.objectValue?["change_id"]?.stringValue)
            try await harness.call("write_file", ["path": "a.txt", "content": "one\nTWO host\nthree\n"], as: hostCaller)
            let events = try await Self.events(harness, for: guestCaller)
            let edited = try #require(events.first { $0["kind"]?.stringValue == "change.host_edited" }, "\(events)")
            #expect(edited["meta"]?["change_id"]?.stringValue == id && edited["meta"]?["applies"]?.stringValue == "conflicts")
            #expect(edited["text"]?.stringValue?.contains("it now conflicts: read a.txt again") == true)
        }
    }
}
