import Foundation
import LetsworkServer
import LetsworkTestSupport
import Testing

/// Change ids handed from the guests to the host, and every call's latency.
private actor LoadLedger {
    var queue: [String] = []
    var proposals: [String: (path: String, content: String)] = [:]
    var latencies: [Duration] = []
    var failures: [String] = []
    var counts: [String: Int] = [:]
    var guestsDone = 0

    func submitted(_ id: String, path: String, content: String) {
        if proposals[id] == nil { queue.append(id) }
        proposals[id] = (path, content)
    }

    func next() -> String? { queue.isEmpty ? nil : queue.removeFirst() }
    func record(_ tool: String, _ latency: Duration) {
        latencies.append(latency)
        counts[tool, default: 0] += 1
    }
    func fail(_ message: String) { failures.append(message) }
    func guestFinished() { guestsDone += 1 }
}

@Suite("16 guest sessions at once, the host deciding meanwhile", .serialized)
struct LoadTests {
    static let guests = 16
    static let stepsPerGuest = 30

    @Test("reads, listings, searches and submissions from 16 sessions while the host approves and rejects: no errors, an exact account")
    func sixteenGuests() async throws {
        var files = ["README.md": "load test\n"]
        for index in 0..<20 { files["src/file\(index).swift"] = proposalContent("src file \(index)", size: 3_000) }
        let repo = try TemporaryRepository.make(files: files)
        defer { repo.remove() }
        // The shipped defaults admit 8 sessions per token (a 9th closes the least recently used)
        // and 50 requests a second per guest token, which 16 agents sharing one token exceed:
        // this test measures the engine and server under concurrency, so both are lifted here
        // (RateLimitTests covers the limit itself).
        let configuration = SessionHTTPServer.Configuration(maxSessionsPerPrincipal: Self.guests, guestRateLimit: nil)
        let seed = SeededGenerator.seedFromEnvironment()
        print("LoadTests seed: \(seed)")
        let ledger = LoadLedger()

        try await InProcessSession.with(repo, configuration: configuration) { session in
            let host = try await MCPWire.open(session.url, token: session.hostToken)
            var wires: [MCPWire] = []
            for _ in 0..<Self.guests { wires.append(try await MCPWire.open(session.url, token: session.guestToken)) }

            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, wire) in wires.enumerated() {
                    group.addTask {
                        var random = SeededGenerator(seed: seed &+ UInt64(number))
                        for step in 0..<Self.stepsPerGuest {
                            let roll = Int.random(in: 0..<100, using: &random)
                            let file = "src/file\(Int.random(in: 0..<20, using: &random)).swift"
                            let (tool, arguments): (String, [String: any Sendable]) = switch roll {
                            case ..<30: ("read_file", ["path": file])
                            case ..<40: ("list_files", ["path": "src", "recursive": roll % 2 == 0])
                            case ..<45: ("search_files", ["pattern": "file", "include": ["src/**"]])
                            case ..<50: ("find_files", ["pattern": "**/*.swift"])
                            case ..<55: ("get_status", [:])
                            case ..<60: ("my_pending_changes", [:])
                            default: ("write_file", ["path": "load/g\(number)-\(step).txt",
                                                     "content": proposalContent("g\(number)-\(step)", size: 500 + roll * 40)])
                            }
                            let started = ContinuousClock.now
                            let reply = try await wire.call(tool, arguments)
                            await ledger.record(tool, ContinuousClock.now - started)
                            if reply.isError || reply.http.status != 200 {
                                await ledger.fail("guest \(number) \(tool): \(reply.http.status) \(reply.rpcError ?? reply.text)")
                            } else if tool == "write_file", let id = reply.changeID {
                                await ledger.submitted(id, path: arguments["path"] as! String, content: arguments["content"] as! String)
                            }
                        }
                        await ledger.guestFinished()
                    }
                }
                group.addTask {
                    var random = SeededGenerator(seed: seed ^ 0xABCDEF)
                    while true {
                        guard let id = await ledger.next() else {
                            if await ledger.guestsDone == Self.guests, await ledger.queue.isEmpty { return }
                            try await Task.sleep(for: .milliseconds(5))
                            continue
                        }
                        // About one change in five is left pending, so all three states are checked.
                        let roll = Int.random(in: 0..<100, using: &random)
                        guard roll < 80 else { continue }
                        let tool = roll < 55 ? "approve_change" : "reject_change"
                        let started = ContinuousClock.now
                        let reply = try await host.call(tool, ["change_id": id])
                        await ledger.record(tool, ContinuousClock.now - started)
                        if reply.isError { await ledger.fail("host \(tool) \(id): \(reply.rpcError ?? reply.text)") }
                    }
                }
                try await group.waitForAll()
            }
        }

        let failures = await ledger.failures
        #expect(failures.isEmpty, "\(failures.count) failed calls, first: \(failures.prefix(3))")
        let account = try ChangeAccount(repo)
        #expect(account.problems.isEmpty, "\(account.problems)")
        let proposals = await ledger.proposals
        var states: [ChangeAccount.State: Int] = [:]
        for (id, proposal) in proposals {
            guard let state = account.state(of: id) else {
                Issue.record("change \(id) (\(proposal.path)) is in no list")
                continue
            }
            states[state, default: 0] += 1
            if state == .approved {
                #expect(repo.read(proposal.path) == proposal.content, "approved \(id): \(proposal.path) differs from its proposal")
            } else {
                #expect(!repo.exists(proposal.path), "\(state.rawValue) \(id): \(proposal.path) is on disk")
            }
        }
        #expect(account.pending.count + account.approved.count + account.rejected.count == proposals.count,
                "the refs list changes the guests never received")
        #expect(try repo.git("status", "--porcelain", "--", "src").isEmpty, "the host's own files changed")

        let latencies = await ledger.latencies.sorted()
        let counts = await ledger.counts
        func percentile(_ p: Double) -> String {
            let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            return String(format: "%.1f ms", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000)
        }
        print("LoadTests: \(Self.guests) guest sessions, \(latencies.count) calls \(counts.sorted { $0.key < $1.key }), "
              + "\(proposals.count) changes: \(states[.approved] ?? 0) approved, \(states[.rejected] ?? 0) rejected, "
              + "\(states[.pending] ?? 0) pending; p50 \(percentile(0.50)), p99 \(percentile(0.99)), max \(percentile(1.0))")
    }
}
