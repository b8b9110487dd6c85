import Foundation
import LetsworkTestSupport
import Testing

/// One participant's events as read back through `letswork://events`, page by page.
private struct EventLog: @unchecked Sendable {
    // @unchecked Sendable: JSON values made by JSONSerialization, built by one task and handed
    // once to the test's task, never shared while being changed.
    var stream: String?
    var events: [[String: Any]] = []
    var problems: [String] = []

    var proposalIDs: [String] {
        events.filter { $0["kind"] as? String == "change.proposed" }.compactMap { ($0["meta"] as? [String: Any])?["change_id"] as? String }
    }
}

@Suite("16 guests × 210 events each: every participant's sequence exact", .serialized)
struct EventLoadTests {
    static let guests = 16
    static let proposalsPerGuest = 14

    @Test("16 invited guests propose 14 changes each at once; each reads 15×14 proposals of the others as seq 1…N, no gap, no repeat")
    func everyGuestsSequenceIsExact() async throws {
        try await withScratchFolder { logs in
            let repo = try TemporaryRepository.make(files: ["README.md": "event load\n"])
            defer { repo.remove() }
            let host = try await HostProcess(in: repo.path, logs: logs)
            defer { host.killHard() }

            // Each guest with a token of their own, as the host invites them while the session runs.
            let names = (1...Self.guests).map { "g\($0)" }
            var opened: [MCPWire] = []
            for name in names {
                let invited = try runProcess(letsworkExecutable, ["invite", "--name", name], in: repo.path, environment: ["NO_COLOR": "1"])
                let token = try #require(invited.output.firstMatch(of: /--token (\S+)/).map { String($0.1) },
                                         "letswork invite --name \(name): \(invited.status) \(invited.output) \(invited.errors)")
                opened.append(try await MCPWire.open(host.url, token: token))
            }
            let wires = opened

            // All proposals at once: one task per guest, each guest's calls in sequence.
            let proposed = try await withThrowingTaskGroup(of: (Int, [String], [String]).self) { group in
                for (index, wire) in wires.enumerated() {
                    group.addTask {
                        var ids: [String] = [], failures: [String] = []
                        for step in 0..<Self.proposalsPerGuest {
                            let path = "load/\(names[index])-\(step).txt"
                            let reply = try await wire.call("write_file", ["path": path, "content": "from \(names[index]), step \(step)\n"])
                            if let id = reply.changeID, !reply.isError { ids.append(id) } else {
                                failures.append("\(names[index]) write_file \(path): \(reply.http.status) \(reply.rpcError ?? reply.text)")
                            }
                        }
                        return (index, ids, failures)
                    }
                }
                var byGuest = [[String]](repeating: [], count: wires.count)
                for try await (index, ids, failures) in group {
                    byGuest[index] = ids
                    for failure in failures { Issue.record("\(failure)") }
                }
                return byGuest
            }
            try #require(proposed.allSatisfy { $0.count == Self.proposalsPerGuest }, "every proposal was taken")
            let author = Dictionary(uniqueKeysWithValues: proposed.enumerated().flatMap { index, ids in ids.map { ($0, names[index]) } })

            // Each guest reads its own stream; the others' proposals are what it must hold.
            let logs = try await withThrowingTaskGroup(of: (Int, EventLog).self) { group in
                for (index, wire) in wires.enumerated() {
                    let expected = (Self.guests - 1) * Self.proposalsPerGuest
                    group.addTask { (index, try await Self.readAll(wire, expecting: expected)) }
                }
                var byGuest = [EventLog](repeating: EventLog(), count: wires.count)
                for try await (index, log) in group { byGuest[index] = log }
                return byGuest
            }

            for (index, log) in logs.enumerated() {
                let name = names[index]
                #expect(log.problems.isEmpty, "\(name): \(log.problems.prefix(5))")
                let seqs = log.events.compactMap { $0["seq"] as? Int }
                #expect(seqs == Array(1..<(log.events.count + 1)),
                        "\(name): seq 1…\(log.events.count) with no gap or repeat, got \(Self.runs(seqs))")
                let ids = log.events.compactMap { $0["id"] as? String }
                #expect(ids == seqs.map { "\(log.stream ?? "?"):\($0)" }, "\(name): every id is <stream>:<seq>")
                let kinds = Set(log.events.compactMap { $0["kind"] as? String })
                #expect(kinds == ["change.proposed"], "\(name) is sent the others' proposals only, got \(kinds)")
                let others = proposed.enumerated().filter { $0.offset != index }.flatMap(\.element)
                #expect(log.proposalIDs.sorted() == others.sorted(),
                        "\(name): \(log.proposalIDs.count) proposals read (\(Set(log.proposalIDs).count) distinct), \(others.count) expected")
                let misattributed = log.events.filter { event in
                    let meta = event["meta"] as? [String: Any]
                    return (meta?["change_id"] as? String).map { author[$0] != meta?["author"] as? String } ?? true
                }
                #expect(misattributed.isEmpty, "\(name): proposals with the wrong author: \(misattributed.prefix(3))")
            }
            #expect(Set(logs.compactMap(\.stream)).count == 1, "one session, one stream id for all: \(Set(logs.compactMap(\.stream)))")

            // The host is sent every proposal too (among guests connecting and the like).
            let hostWire = try await MCPWire.open(host.url, token: host.hostToken)
            let hostLog = try await Self.readAll(hostWire, expecting: Self.guests * Self.proposalsPerGuest)
            #expect(hostLog.problems.isEmpty, "host: \(hostLog.problems.prefix(5))")
            let hostSeqs = hostLog.events.compactMap { $0["seq"] as? Int }
            #expect(hostSeqs == Array(1..<(hostLog.events.count + 1)), "host: seq 1…N, got \(Self.runs(hostSeqs))")
            #expect(hostLog.proposalIDs.sorted() == proposed.flatMap { $0 }.sorted(), "host: every proposal once")
            print("EventLoadTests: \(Self.guests) guests read \(logs.map(\.events.count)) events; the host \(hostLog.events.count), "
                  + "\(hostLog.proposalIDs.count) of them proposals")
        }
    }

    /// Reads `letswork://events` from the start in pages (after the last page's `next`, until
    /// `more` is false), again a little later while fewer than `expecting` proposals are there,
    /// for up to 30 s. Checks each page's own shape on the way.
    private static func readAll(_ wire: MCPWire, expecting: Int) async throws -> EventLog {
        var log = EventLog()
        var cursor: String?
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let uri = cursor.map { "letswork://events?after=\($0)" } ?? "letswork://events"
            let body = try JSONSerialization.data(withJSONObject: [
                "jsonrpc": "2.0", "id": wire.takeID(), "method": "resources/read", "params": ["uri": uri],
            ] as [String: Any])
            let reply = try await wire.send(String(decoding: body, as: UTF8.self))
            let contents = (reply.object?["result"] as? [String: Any])?["contents"] as? [[String: Any]]
            guard reply.status == 200, let text = contents?.first?["text"] as? String,
                  let page = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  let events = page["events"] as? [[String: Any]], let more = page["more"] as? Bool else {
                log.problems.append("resources/read \(uri): \(reply.status) \(reply.text.prefix(300))")
                return log
            }
            if contents?.first?["mimeType"] as? String != "application/json" { log.problems.append("\(uri): mimeType \(contents?.first?["mimeType"] ?? "none")") }
            if events.count > 100 { log.problems.append("\(uri): \(events.count) events in one page (at most 100)") }
            if let stream = page["stream"] as? String {
                if log.stream == nil { log.stream = stream } else if log.stream != stream { log.problems.append("stream changed to \(stream)") }
            }
            let next = page["next"] as? String
            if let last = events.last?["id"] as? String, next != last { log.problems.append("\(uri): next \(next ?? "none") is not the last id \(last)") }
            if events.isEmpty, cursor != nil, next != cursor { log.problems.append("\(uri): no events, but next \(next ?? "none") is not the cursor") }
            if page["reset"] as? Bool == true { log.problems.append("\(uri): reset within one session") }
            log.events += events
            cursor = next ?? cursor
            if more { continue }
            if log.proposalIDs.count >= expecting || ContinuousClock.now >= deadline { return log }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `1…210` or `1…17, 19…210`: a sequence as runs, for a readable failure.
    private static func runs(_ seqs: [Int]) -> String {
        var parts: [String] = []
        var start = seqs.first, previous = seqs.first
        for seq in seqs.dropFirst() + [Int.min] {
            if let p = previous, seq == p + 1 { previous = seq; continue }
            if let s = start, let p = previous { parts.append(s == p ? "\(s)" : "\(s)…\(p)") }
            start = seq
            previous = seq
        }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }
}
