import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the test sent, so it can say what the disk may hold.
private struct Proposal {
    let path: String
    let content: String
}

/// The shared file the guest keeps rewriting, and every content it ever proposed for it.
private let sharedPath = "shared/notes.txt"

@Suite("kill -9 at random moments: nothing lost, nothing twice, nothing half-written", .serialized)
struct CrashTests {
    /// `LETSWORK_CRASH_ROUNDS` overrides the number of rounds; `LETSWORK_TEST_SEED` replays a run.
    static let rounds = ProcessInfo.processInfo.environment["LETSWORK_CRASH_ROUNDS"].flatMap(Int.init) ?? 100

    @Test("the host is killed with SIGKILL inside submit and approve loops, then restarted, 100 times")
    func killAndRestart() async throws {
        let seed = SeededGenerator.seedFromEnvironment()
        print("CrashTests seed: \(seed) (replay with LETSWORK_TEST_SEED=\(seed))")
        var random = SeededGenerator(seed: seed)
        try await withScratchFolder { logs in
            let repo = try TemporaryRepository.make(files: ["README.md": "crash test\n", sharedPath: "first version\n"])
            defer { repo.remove() }
            var proposals: [String: Proposal] = [:]  // by change id, as the client received it
            var attempted: [String: Proposal] = [:]  // by path: sent, answered or not
            var sharedContents: Set<String> = ["first version\n"]
            var undecided: [String] = []
            var previous: (url: URL, token: String, session: String)?
            var totals = (submitted: 0, approved: 0, rejected: 0, refusedAfterRestart: 0)

            for round in 0..<Self.rounds {
                let host = try await HostProcess(in: repo.path, logs: logs)
                // Everything the last round's kill could have broken, checked before any new work.
                let account = try ChangeAccount(repo)
                try check(account, proposals: proposals, attempted: attempted, shared: sharedContents, repo: repo, round: round, seed: seed)
                undecided = proposals.keys.filter { account.state(of: $0) == .pending }.sorted()
                if let previous {
                    // The old session and the old token are gone; the client is told to start over.
                    let stale = try await MCPWire.post(host.url, token: previous.token, sessionID: previous.session,
                                                       body: Data(#"{"jsonrpc":"2.0","id":9,"method":"ping"}"#.utf8))
                    #expect(stale.status == 401, "round \(round): the previous session's token must be refused")
                    let oldSession = try await MCPWire.post(host.url, token: host.guestToken, sessionID: previous.session,
                                                            body: Data(#"{"jsonrpc":"2.0","id":9,"method":"ping"}"#.utf8))
                    #expect(oldSession.status == 404, "round \(round): a session of the killed host must be unknown")
                    totals.refusedAfterRestart += 2
                }

                let guest = try await MCPWire.open(host.url, token: host.guestToken)
                let hostWire = try await MCPWire.open(host.url, token: host.hostToken)
                previous = (host.url, host.guestToken, guest.sessionID)

                // Plan this round's work up front from the seed, so a replay does the same.
                let killAfter = Duration.milliseconds(Int.random(in: 5...350, using: &random))
                let plan: [Int] = (0..<40).map { _ in Int.random(in: 0..<100, using: &random) }
                let sizes: [Int] = (0..<40).map { _ in Int.random(in: 2_000...60_000, using: &random) }
                let known = undecided
                let worker = Task { () -> (received: [String: Proposal], sent: [Proposal], decided: [String: Bool]) in
                    var received: [String: Proposal] = [:]
                    var sent: [Proposal] = []
                    var decided: [String: Bool] = [:]
                    var open = known
                    for (step, roll) in plan.enumerated() {
                        if Task.isCancelled { break }
                        do {
                            if roll < 55 || open.isEmpty && roll < 85 {
                                let proposal = Proposal(path: "crash/r\(round)-\(step).txt",
                                                        content: proposalContent("r\(round)-\(step)", size: sizes[step]))
                                sent.append(proposal)
                                let reply = try await guest.call("write_file", ["path": proposal.path, "content": proposal.content])
                                guard let id = reply.changeID else { throw WireFailure("write_file: \(reply.text)") }
                                received[id] = proposal
                                open.append(id)
                            } else if roll < 70 {
                                let proposal = Proposal(path: sharedPath, content: proposalContent("shared r\(round)-\(step)", size: sizes[step]))
                                sent.append(proposal)
                                let reply = try await guest.call("write_file", ["path": proposal.path, "content": proposal.content])
                                guard let id = reply.changeID else { throw WireFailure("write_file: \(reply.text)") }
                                received[id] = proposal
                                if !open.contains(id) { open.append(id) }
                            } else if let id = open.first {
                                open.removeFirst()
                                let approve = roll < 90
                                let reply = approve
                                    ? try await hostWire.call("approve_change", ["change_id": id])
                                    : try await hostWire.call("reject_change", ["change_id": id, "reason": "crash test"])
                                if !reply.isError { decided[id] = approve }
                            }
                        } catch {
                            break  // the host was killed: the rest of the plan is moot
                        }
                    }
                    return (received, sent, decided)
                }
                try await Task.sleep(for: killAfter)
                host.killHard()
                let outcome = await worker.value

                for proposal in outcome.sent {
                    if proposal.path == sharedPath { sharedContents.insert(proposal.content) } else { attempted[proposal.path] = proposal }
                }
                for (id, proposal) in outcome.received {
                    // A revision of the shared change keeps its id; its newest content is what approval writes.
                    proposals[id] = proposal
                }
                totals.submitted += outcome.received.count
                totals.approved += outcome.decided.values.filter { $0 }.count
                totals.rejected += outcome.decided.values.filter { !$0 }.count

                if round % 25 == 24 {
                    // The dead host's state file is still there; status recognises it as stale.
                    let status = try runProcess(letsworkExecutable, ["status"], in: repo.path, environment: ["NO_COLOR": "1"])
                    #expect(status.status == 3, "round \(round): letswork status after kill -9: \(status.output)")
                    #expect(status.output.contains("ended without cleaning up"), "round \(round): \(status.output)")
                }
            }

            // One last start finishes whatever the last kill interrupted; then a clean stop.
            let last = try await HostProcess(in: repo.path, logs: logs)
            let account = try ChangeAccount(repo)
            try check(account, proposals: proposals, attempted: attempted, shared: sharedContents, repo: repo, round: Self.rounds, seed: seed)
            #expect(await last.stop() == 0)
            let fsck = try runProcess("/usr/bin/env", ["git", "-C", repo.path, "fsck", "--strict", "--no-progress"])
            #expect(fsck.status == 0, "git fsck --strict: \(fsck.output) \(fsck.errors)")
            #expect(!(fsck.output + fsck.errors).contains("error"), "git fsck --strict: \(fsck.output) \(fsck.errors)")
            print("CrashTests: \(Self.rounds) kill -9 rounds, \(totals.submitted) changes received by the client, "
                  + "\(totals.approved) approvals and \(totals.rejected) rejections answered; at the end "
                  + "\(account.pending.count) pending, \(account.approved.count) approved, \(account.rejected.count) rejected; "
                  + "\(totals.refusedAfterRestart) stale session/token requests refused after restarts")
        }
    }

    /// After a restart: each received change exactly once somewhere; approved files hold exactly
    /// their proposed bytes, others are absent; the shared file is one full version; no leftovers.
    private func check(_ account: ChangeAccount, proposals: [String: Proposal], attempted: [String: Proposal],
                       shared: Set<String>, repo: TemporaryRepository, round: Int, seed: UInt64) throws {
        let context = "after restart \(round) (seed \(seed))"
        #expect(account.problems.isEmpty, "\(context): \(account.problems)")
        for (id, proposal) in proposals {
            guard let state = account.state(of: id) else {
                Issue.record("\(context): change \(id) (\(proposal.path)) is in no list: lost")
                continue
            }
            guard proposal.path != sharedPath else { continue }
            let onDisk = repo.read(proposal.path)
            if state == .approved {
                #expect(onDisk == proposal.content, "\(context): approved \(id) \(proposal.path) holds \(onDisk?.utf8.count ?? -1) bytes, not its proposal's \(proposal.content.utf8.count)")
            } else {
                #expect(onDisk == nil, "\(context): \(state.rawValue) \(id) \(proposal.path) is on disk")
            }
        }
        // Files under crash/ are only ever proposals, whole (including those whose reply was lost).
        let crashFolder = repo.path + "/crash"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: crashFolder)) ?? [] where !name.hasPrefix(".") {
            let path = "crash/" + name
            #expect(repo.read(path) == attempted[path]?.content, "\(context): \(path) is not exactly a proposed content")
        }
        let notes = repo.read(sharedPath)
        #expect(notes.map(shared.contains) == true, "\(context): \(sharedPath) holds \(notes?.utf8.count ?? -1) bytes that no proposal had")
        #expect(leftoverTemporaryFiles(in: repo.path).isEmpty, "\(context): temporary files left: \(leftoverTemporaryFiles(in: repo.path))")
    }
}
