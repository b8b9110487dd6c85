import Foundation
import LetsworkTestSupport
import Testing

/// Events pushed into both agents: `letswork proxy` driven over raw stdio as Claude Code drives
/// it, for the host (its own proxy, the token in a 0600 file) and a guest (the token in the
/// environment). What a guest's arrival, a proposal, an approval (by the host's agent or by
/// `letswork approve`), a rejection and a conflict put on the other side's stdout as
/// `notifications/claude/channel`, within the 1 s the issue asks for, on loopback and through
/// the TLS tunnel stand-in; the news line for a client without channels; the prompts.
@Suite("Events reach both agents as channel messages", .serialized)
struct ChannelTests {
    /// The issue's delivery bound, measured from the answer of the call that caused the event.
    static let deliveryBound = Duration.seconds(1)

    @Test("initialize: the proxy declares claude/channel (never its permission relay) and keeps the server's own capabilities")
    func capabilities() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let token = try TokenFile(token: host.hostToken)
            defer { token.remove() }
            let hostAgent = try StdioClient(["proxy", "--url", host.url], environment: ["LETSWORK_TOKEN_FILE": token.path])
            defer { hostAgent.kill() }
            let guestAgent = try StdioClient(["proxy", "--url", host.url], environment: ["LETSWORK_TOKEN": host.guestToken])
            defer { guestAgent.kill() }

            for (who, agent) in [("host", hostAgent), ("guest", guestAgent)] {
                let answer = try await agent.initializeAsClaudeCode()
                let raw = try await agent.line(forID: 0)
                let result = try #require(answer["result"] as? [String: Any], "\(who): \(raw)")
                #expect(result["protocolVersion"] as? String == "2025-11-25", "\(who): \(raw)")
                let capabilities = try #require(result["capabilities"] as? [String: Any], "\(who): \(raw)")
                let experimental = capabilities["experimental"] as? [String: Any]
                let channel = experimental?["claude/channel"] as? [String: Any]
                #expect(channel != nil && channel?.isEmpty == true, "\(who): experimental is \(String(describing: experimental))")
                #expect(!raw.contains("claude/channel/permission"), "\(who): the permission relay is never declared: \(raw)")
                #expect(capabilities["tools"] is [String: Any], "\(who): \(capabilities)")
                #expect(capabilities["prompts"] is [String: Any], "\(who): \(capabilities)")
                let resources = capabilities["resources"] as? [String: Any]
                #expect(resources?["subscribe"] as? Bool == true, "\(who): \(capabilities)")
            }
        }
    }

    @Test("the host's agent is told of the guest: connected, and renamed to bob")
    func guestArrival() async throws {
        try await withAgents(files: ["README.md": "hello\n"]) { _, pair in
            let connected = try await pair.host.waitForChannel(timeout: .seconds(5)) { $0.kind == "guest.connected" }
            #expect(connected != nil, "guest.connected on the host's stdout:\n\(pair.host.channelMessages.map(\.line).joined(separator: "\n"))")
            let renamed = try await pair.host.waitForChannel(timeout: .seconds(5)) { $0.kind == "guest.renamed" }
            #expect(renamed?.content.contains("bob") == true, "guest.renamed naming bob on the host's stdout:\n\(pair.host.channelMessages.map(\.line).joined(separator: "\n"))")
            for message in [connected, renamed].compactMap({ $0 }) { checkShape(message) }
        }
    }

    @Test("a guest's proposal reaches the host's agent, and the host's approval the guest's, each within 1 s")
    func proposalAndApproval() async throws {
        try await withAgents(files: ["src/app.swift": "let answer = 41\n"]) { repository, pair in
            let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "src/app.swift", "content": "let answer = 42\n"])
            let answered = ContinuousClock.now
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")

            let proposal = try await expectDelivery(to: pair.host, after: answered, "change.proposed for \(changeID) on the host's stdout") {
                $0.kind == "change.proposed" && $0.string("change_id") == changeID
            }
            if let proposal {
                #expect(proposal.content.contains(changeID) && proposal.content.contains("src/app.swift"), "content: \(proposal.content)")
                #expect(proposal.string("author") == "bob", "\(proposal.line)")
                #expect(proposal.string("files") == "src/app.swift", "\(proposal.line)")
                #expect(proposal.string("state") == "pending", "\(proposal.line)")
                checkShape(proposal)
                // The cursor is saved next to the token file after each event is written.
                let cursorSaved = try await eventuallyTrue {
                    let last = pair.host.channelMessages.last?.eventID ?? "?"
                    return (try? String(contentsOfFile: pair.hostToken.cursorPath, encoding: .utf8))?.contains(last) == true
                }
                #expect(cursorSaved, "\(pair.hostToken.cursorPath) holds the last written event's id")
            }

            let approval = try await pair.host.tool(pair.nextID(), "approve_change", try await pair.decisionArguments(changeID))
            let decided = ContinuousClock.now
            #expect(approval["isError"] as? Bool != true, "approve_change: \(approval)")
            #expect(repository.read("src/app.swift") == "let answer = 42\n")
            let approved = try await expectDelivery(to: pair.guest, after: decided, "change.approved for \(changeID) on the guest's stdout") {
                $0.kind == "change.approved" && $0.string("change_id") == changeID
            }
            if let approved {
                #expect(approved.content.contains(changeID), "content: \(approved.content)")
                #expect(approved.string("merged") == "false", "\(approved.line)")
                checkShape(approved)
            }
            checkOnceInOrder(pair.host, "host")
            checkOnceInOrder(pair.guest, "guest")
            // The host's terminal feed shows what each agent was told.
            let fed = try await eventuallyTrue { pair.server.output.contains("📣 → bob: The host approved your change \(changeID)") }
            #expect(fed, "the feed names the guest and what it was told:\n\(pair.server.output)")
            #expect(pair.server.output.contains("bob proposed change \(changeID)"), "\(pair.server.output)")
        }
    }

    @Test("letswork approve in the host's terminal, while the session runs: the guest is told within 1 s")
    func approvalFromTheCLI() async throws {
        try await withAgents(files: ["src/app.swift": "let answer = 41\n"]) { repository, pair in
            let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "src/app.swift", "content": "let answer = 44\n"])
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
            let approval = try runProcess(letsworkExecutable, ["approve", changeID], in: repository.path, environment: ["NO_COLOR": "1"])
            let decided = ContinuousClock.now
            #expect(approval.status == 0, "letswork approve: \(approval.output)\(approval.errors)")
            #expect(repository.read("src/app.swift") == "let answer = 44\n")
            let approved = try await expectDelivery(to: pair.guest, after: decided, "change.approved for \(changeID) (letswork approve) on the guest's stdout") {
                $0.kind == "change.approved" && $0.string("change_id") == changeID
            }
            if let approved { checkShape(approved) }
        }
    }

    @Test("a rejection reaches the guest with its reason within 1 s")
    func rejection() async throws {
        try await withAgents(files: ["notes.md": "one\n"]) { _, pair in
            let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "notes.md", "content": "one\ntwo\n"])
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
            let reason = "keep notes short, please"
            var arguments = try await pair.decisionArguments(changeID)
            arguments["reason"] = reason
            let rejection = try await pair.host.tool(pair.nextID(), "reject_change", arguments)
            let decided = ContinuousClock.now
            #expect(rejection["isError"] as? Bool != true, "reject_change: \(rejection)")
            let rejected = try await expectDelivery(to: pair.guest, after: decided, "change.rejected for \(changeID) on the guest's stdout") {
                $0.kind == "change.rejected" && $0.string("change_id") == changeID
            }
            if let rejected {
                #expect(rejected.content.contains(reason), "the content carries the reason: \(rejected.content)")
                #expect(rejected.string("reason") == reason, "\(rejected.line)")
                checkShape(rejected)
            }
        }
    }

    @Test("a conflict: the host's own edit on disk, then approve_change without force; the guest is told within 1 s, with the file")
    func conflict() async throws {
        try await withAgents(files: ["b.txt": "one\ntwo\n"]) { repository, pair in
            let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "b.txt", "content": "one (guest)\ntwo\n"])
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
            // The host edits the same line in their editor: straight to disk, not through letswork.
            try repository.write("b.txt", "one (host)\ntwo\n")
            let attempt = try await pair.host.tool(pair.nextID(), "approve_change", try await pair.decisionArguments(changeID))
            let answered = ContinuousClock.now
            #expect(attempt["isError"] as? Bool == true && resultText(attempt).contains("b.txt"), "the approval conflicts: \(attempt)")
            #expect(repository.read("b.txt") == "one (host)\ntwo\n", "nothing was written")
            let conflicting = try await expectDelivery(to: pair.guest, after: answered, "change.conflicting for \(changeID) on the guest's stdout") {
                $0.kind == "change.conflicting" && $0.string("change_id") == changeID
            }
            if let conflicting {
                #expect(conflicting.string("files")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("b.txt") == true,
                        "meta files names the file: \(conflicting.line)")
                #expect(conflicting.content.contains("b.txt"), "content: \(conflicting.content)")
                checkShape(conflicting)
            }
        }
    }

    @Test("through the TLS tunnel stand-in (--cacert): the proposal reaches the host and the approval the guest, each within 1 s")
    func throughTunnel() async throws {
        try await withAgents(files: ["src/app.swift": "let answer = 41\n"], throughTunnel: true) { repository, pair in
            let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "src/app.swift", "content": "let answer = 43\n"])
            let answered = ContinuousClock.now
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
            let proposal = try await expectDelivery(to: pair.host, after: answered, "change.proposed for \(changeID) through the tunnel") {
                $0.kind == "change.proposed" && $0.string("change_id") == changeID
            }
            if let proposal { checkShape(proposal) }

            let approval = try await pair.host.tool(pair.nextID(), "approve_change", try await pair.decisionArguments(changeID))
            let decided = ContinuousClock.now
            #expect(approval["isError"] as? Bool != true, "approve_change: \(approval)")
            #expect(repository.read("src/app.swift") == "let answer = 43\n")
            let approved = try await expectDelivery(to: pair.guest, after: decided, "change.approved for \(changeID) through the tunnel") {
                $0.kind == "change.approved" && $0.string("change_id") == changeID
            }
            if let approved { checkShape(approved) }
            checkOnceInOrder(pair.host, "host")
            checkOnceInOrder(pair.guest, "guest")
        }
    }

    @Test("through a tunnel that buffers long responses (as cloudflared's quick tunnels do): the proxy reads on its own, and loses and repeats nothing")
    func throughBufferingTunnel() async throws {
        try await withAgents(files: ["src/app.swift": "let answer = 41\n"], bufferingTunnel: true) { repository, pair in
            var ids: [String] = []
            for round in 1...3 {
                let proposed = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "src/app.swift", "content": "let answer = \(41 + round)\n"])
                let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
                let decided = ContinuousClock.now
                let approval = try await pair.host.tool(pair.nextID(), "approve_change", try await pair.decisionArguments(changeID))
                #expect(approval["isError"] as? Bool != true, "approve_change: \(approval)")
                let told = try await pair.guest.waitForChannel { $0.kind == "change.approved" && $0.string("change_id") == changeID }
                #expect(told != nil, "change.approved for \(changeID) reached the guest through the buffering tunnel")
                // No stream gets through, so this is the proxy's polling (every 2 s), not a push.
                #expect(ContinuousClock.now - decided < .seconds(12), "by the proxy's own reads, well before its 30 s safety read")
                ids.append(changeID)
            }
            #expect(repository.read("src/app.swift") == "let answer = 44\n")
            checkOnceInOrder(pair.host, "host")
            checkOnceInOrder(pair.guest, "guest")
            #expect(pair.guest.channelMessages.filter { $0.kind == "change.approved" }.compactMap { $0.string("change_id") } == ids)
        }
    }

    @Test("a plain HTTP client without channels: the news line ends its next tool result, once; get_notifications lists and marks read")
    func fallbackLine() async throws {
        try await withAgents(files: ["a.txt": "hello\n"]) { _, pair in
            // The host's own proxy keeps reading events meanwhile: reading changes nothing for
            // the news line, which a second, plain client of the host's shows.
            var hostDirect = DirectClient(url: pair.server.url, token: pair.server.hostToken)
            try await hostDirect.initialize()
            var guestDirect = DirectClient(url: pair.server.url, token: pair.server.guestToken)
            try await guestDirect.initialize()
            _ = try await hostDirect.callTool(1, "get_notifications")
            _ = try await guestDirect.callTool(1, "get_notifications")

            let proposed = try await guestDirect.callTool(2, "write_file", ["path": "a.txt", "content": "hello\nagain\n"])
            let changeID = try #require((proposed["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(proposed)")
            #expect(try await pair.host.waitForChannel { $0.string("change_id") == changeID } != nil,
                    "the host's proxy read the proposal:\n\(pair.host.allLines.joined(separator: "\n"))")

            let pattern = try Regex(#"^\[letswork: \d+ new — .+; details: get_notifications\]$"#)
            func newsLine(_ result: [String: Any]) -> String? {
                guard let last = resultText(result).split(separator: "\n").last.map(String.init), last.wholeMatch(of: pattern) != nil else { return nil }
                return last
            }

            let next = try await hostDirect.callTool(3, "ping")
            let line = newsLine(next)
            #expect(line?.contains(changeID) == true, "the host's next result ends with the news: \(resultText(next).suffix(300))")
            let listed = try await hostDirect.callTool(4, "get_notifications")
            #expect(resultText(listed).contains(changeID), "get_notifications lists it: \(resultText(listed).prefix(500))")
            let after = try await hostDirect.callTool(5, "ping")
            #expect(newsLine(after) == nil, "the line does not repeat: \(resultText(after).suffix(300))")

            _ = try await pair.host.tool(pair.nextID(), "approve_change", try await pair.decisionArguments(changeID))
            let guestNext = try await guestDirect.callTool(3, "ping")
            let guestLine = newsLine(guestNext)
            #expect(guestLine?.contains(changeID) == true, "the guest's next result ends with the news: \(resultText(guestNext).suffix(300))")
            _ = try await guestDirect.callTool(4, "get_notifications")
            let guestAfter = try await guestDirect.callTool(5, "ping")
            #expect(newsLine(guestAfter) == nil, "the guest's line does not repeat: \(resultText(guestAfter).suffix(300))")
        }
    }

    @Test("prompts through the proxies: review for the host, catch_up for the guest, each rendered")
    func prompts() async throws {
        try await withAgents(files: ["a.txt": "hello\n"]) { _, pair in
            _ = try await pair.guest.tool(pair.nextID(), "write_file", ["path": "a.txt", "content": "hello, prompts\n"])
            for (who, agent, name) in [("host", pair.host, "review"), ("guest", pair.guest, "catch_up")] {
                let listed = try await agent.call(pair.nextID(), "prompts/list")
                let names = ((listed["result"] as? [String: Any])?["prompts"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                #expect(names == [name], "\(who): \(listed)")
                let rendered = try await agent.call(pair.nextID(), "prompts/get", ["name": name])
                let messages = (rendered["result"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
                let text = messages.compactMap { ($0["content"] as? [String: Any])?["text"] as? String }.joined()
                #expect(!messages.isEmpty && !text.isEmpty, "\(who) \(name): \(rendered)")
            }
        }
    }
}
