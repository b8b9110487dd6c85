import Foundation
import LetsworkTestSupport
import Testing

/// The host, the host's agent behind its own proxy and a guest's agent behind theirs.
final class AgentPair: @unchecked Sendable {
    // @unchecked Sendable: `counter` is only touched by the test's own task.
    let server: Host
    let host: StdioClient
    let guest: StdioClient
    let hostToken: TokenFile
    private var counter = 100

    init(server: Host, host: StdioClient, guest: StdioClient, hostToken: TokenFile) {
        self.server = server
        self.host = host
        self.guest = guest
        self.hostToken = hostToken
    }

    /// A request id not used before on either agent.
    func nextID() -> Int {
        counter += 1
        return counter
    }

    /// `{"change_id": id}` for approve_change and reject_change, with `"confirm": true` when the
    /// tool's input schema asks for it (the host's agent confirms with the host first).
    func decisionArguments(_ changeID: String) async throws -> [String: Any] {
        let listed = try await host.call(nextID(), "tools/list")
        let tools = (listed["result"] as? [String: Any])?["tools"] as? [[String: Any]] ?? []
        let approve = tools.first { $0["name"] as? String == "approve_change" }
        let properties = (approve?["inputSchema"] as? [String: Any])?["properties"] as? [String: Any] ?? [:]
        var arguments: [String: Any] = ["change_id": changeID]
        if properties["confirm"] != nil { arguments["confirm"] = true }
        return arguments
    }
}

/// Starts the host in a repository holding `files`, the host's proxy (LETSWORK_TOKEN_FILE) and
/// the guest's (LETSWORK_TOKEN), directly or both through the TLS tunnel stand-in; initializes
/// both as Claude Code and names the guest bob. Then the guest locks and unlocks a file and the
/// host's agent must be told: both event paths are up before anything is timed.
func withAgents(files: [String: String], throughTunnel: Bool = false, bufferingTunnel: Bool = false,
                _ body: (TemporaryRepository, AgentPair) async throws -> Void) async throws {
    try await TemporaryRepository.withAsync(files: files) { repository in
        let server = try await Host(in: repository.path)
        defer { server.stop() }
        let tunnel = throughTunnel || bufferingTunnel ? try TLSTunnel(upstreamPort: server.port, bufferStreams: bufferingTunnel) : nil
        defer { tunnel?.stop() }
        let reach = tunnel.map { ["--url", $0.url, "--cacert", $0.caCertificate] } ?? ["--url", server.url]
        let hostToken = try TokenFile(token: server.hostToken)
        defer { hostToken.remove() }
        let hostAgent = try StdioClient(["proxy"] + reach, environment: ["LETSWORK_TOKEN_FILE": hostToken.path])
        defer { hostAgent.kill() }
        let guestAgent = try StdioClient(["proxy"] + reach, environment: ["LETSWORK_TOKEN": server.guestToken])
        defer { guestAgent.kill() }
        try await hostAgent.initializeAsClaudeCode()
        try await guestAgent.initializeAsClaudeCode()
        let pair = AgentPair(server: server, host: hostAgent, guest: guestAgent, hostToken: hostToken)
        let renamed = try await guestAgent.tool(pair.nextID(), "set_display_name", ["name": "bob"])
        #expect(renamed["isError"] as? Bool != true, "set_display_name: \(renamed)")
        let file = try #require(files.keys.sorted().first)
        for tool in ["lock_file", "unlock_file"] {
            let answer = try await guestAgent.tool(pair.nextID(), tool, ["path": file])
            #expect(answer["isError"] as? Bool != true, "\(tool): \(answer)")
        }
        let told = try await hostAgent.waitForChannel { $0.kind == "lock.released" && $0.content.contains(file) }
        try #require(told != nil, """
            the host's agent was told of the guest's lock.released on \(file) within 30 s:
            \(hostAgent.allLines.joined(separator: "\n"))
            stderr:
            \(hostAgent.errors)
            """)
        // The proxy pulls on connecting and then listens; a moment more lets the guest's listen
        // stream be acknowledged too, so the timed steps measure the doorbell, not the start-up.
        try await Task.sleep(for: .seconds(1))
        try await body(repository, pair)
        for (who, agent) in [("host", hostAgent), ("guest", guestAgent)] {
            let stray = agent.allLines.filter { (try? StdioClient.decode($0))?["jsonrpc"] as? String != "2.0" }
            #expect(stray.isEmpty, "\(who)'s stdout carries JSON-RPC only: \(stray.prefix(3))")
        }
    }
}

/// Waits (up to 10 s, polling every 10 ms) for the channel message and expects it within
/// ``ChannelTests/deliveryBound`` of `answered`; nil (and a recorded issue) when it never came.
func expectDelivery(to agent: StdioClient, after answered: ContinuousClock.Instant, _ what: String,
                    _ matches: (ChannelMessage) -> Bool) async throws -> ChannelMessage? {
    let found = try await agent.waitForChannel(timeout: .seconds(10), matches)
    let elapsed = ContinuousClock.now - answered
    guard let found else {
        Issue.record("no \(what) within 10 s; stdout:\n\(agent.allLines.suffix(20).joined(separator: "\n"))\nstderr:\n\(agent.errors.suffix(2000))")
        return nil
    }
    #expect(elapsed < ChannelTests.deliveryBound, "\(what) arrived \(elapsed) after the answer")
    print("ChannelTests: \(what) within \(elapsed)")
    return found
}

/// The contract's shape: `event_id` and `kind` present, every meta value a string, every key
/// letters, digits and `_`.
func checkShape(_ message: ChannelMessage) {
    let idShaped = message.eventID?.wholeMatch(of: /[A-Za-z0-9_-]+:[0-9]+/) != nil
    #expect(idShaped, "event_id is <stream>:<seq>: \(message.line)")
    #expect(message.kind != nil, "kind: \(message.line)")
    for (key, value) in message.meta {
        let keyShaped = key.wholeMatch(of: /[A-Za-z0-9_]+/) != nil
        #expect(keyShaped, "meta key \(key): \(message.line)")
        #expect(value is String, "meta \(key) is a string: \(message.line)")
    }
}

/// Each event reached stdout once, in order: one stream, strictly increasing sequence numbers.
func checkOnceInOrder(_ agent: StdioClient, _ who: String) {
    let ids = agent.channelMessages.compactMap(\.eventID)
    let streams = Set(ids.compactMap { $0.split(separator: ":").first })
    let seqs = ids.compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
    #expect(streams.count <= 1, "\(who): one stream: \(ids)")
    #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "\(who): each event once, in order: \(ids)")
}
