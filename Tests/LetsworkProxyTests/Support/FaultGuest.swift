import Foundation
import LetsworkTestSupport
import Testing

/// One guest under faults, for the channel fault tests: a repository, `letswork start` on it, the
/// guest token in a 0600 file (so the proxy keeps its cursor beside it), optionally a
/// ``FaultRelay`` between proxy and host, and the guest's `letswork proxy` (restartable) driven as
/// an agent drives it. The guest proposes changes through its proxy; the host decides them with
/// the CLI, each decision being one event for the guest. It remembers what it proposed and
/// decided, so that what reached the agent can be compared id by id.
final class FaultGuest: @unchecked Sendable {
    // @unchecked Sendable: used by one test task at a time; the clients it holds are thread-safe.
    let repository: TemporaryRepository
    let token: TokenFile
    let relay: FaultRelay?
    private(set) var host: Host
    /// Every host started, the crashed ones too (their logs explain a failure).
    private(set) var hosts: [Host]
    /// Every proxy run, in order; the last one is the running one.
    private(set) var proxies: [StdioClient] = []
    private(set) var proposed: [String] = []
    private(set) var decisions: [Decision] = []
    private var lastRequestID = 0

    struct Decision {
        let changeID: String
        let approved: Bool
        var kind: String { approved ? "change.approved" : "change.rejected" }
    }

    /// Where the proxy is pointed: the relay, or the host itself.
    var url: String { relay.map { $0.url + "/mcp" } ?? host.url }
    var proxy: StdioClient { proxies[proxies.count - 1] }

    private init(repository: TemporaryRepository, host: Host, token: TokenFile, relay: FaultRelay?) {
        self.repository = repository
        self.host = host
        hosts = [host]
        self.token = token
        self.relay = relay
    }

    /// Sets everything up, runs `body`, and stops and removes everything, also when it throws.
    /// - Parameters:
    ///   - throughRelay: put a ``FaultRelay`` (seeded with `seed`) between proxy and host.
    ///   - configure: set the relay's faults before the proxy starts.
    static func run(throughRelay: Bool = false, seed: UInt64 = SeededGenerator.seedFromEnvironment(),
                    configure: (FaultRelay) -> Void = { _ in },
                    _ body: (FaultGuest) async throws -> Void) async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n", "src/app.swift": "let answer = 41\n"]) { repository in
            let host = try await Host(in: repository.path)
            let token: TokenFile
            let relay: FaultRelay?
            do {
                token = try TokenFile(token: host.guestToken)
                relay = throughRelay ? try FaultRelay(upstreamPort: host.port, seed: seed) : nil
            } catch {
                host.stop()
                throw error
            }
            let guest = FaultGuest(repository: repository, host: host, token: token, relay: relay)
            defer { guest.tearDown() }
            if let relay { configure(relay) }
            try await guest.startProxy()
            try await body(guest)
        }
    }

    private func tearDown() {
        proxies.forEach { $0.kill() }
        relay?.stop()
        hosts.forEach { $0.stop() }
        token.remove()
    }

    func nextID() -> Int {
        lastRequestID += 1
        return lastRequestID
    }

    // MARK: The proxy

    /// Starts a proxy (the token file in its environment, as `letswork join` registers it) and
    /// initializes it as Claude Code does. An initialize lost to a fault is sent again, as an
    /// agent's reconnect would.
    func startProxy() async throws {
        // --debug: its failed reads and cut streams go to standard error, into ``report``.
        proxies.append(try StdioClient(["proxy", "--url", url, "--debug"], environment: ["LETSWORK_TOKEN_FILE": token.path]))
        for _ in 0..<5 {
            let answer = try await proxy.call(nextID(), "initialize", [
                "protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any],
                "clientInfo": ["name": "claude-code", "version": "2.1.80"],
            ], timeout: .seconds(60))
            if answer["result"] != nil {
                try proxy.send(json: ["jsonrpc": "2.0", "method": "notifications/initialized"])
                return
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw TestFailure("the proxy never initialized:\n\(report)")
    }

    /// Kills the running proxy at once (SIGKILL: no chance to save or say anything more).
    func killProxy() { proxy.kill() }

    // MARK: The host

    /// Kills the host (no clean shutdown, as a crash).
    func crashHost() { host.crash() }

    /// Starts the host again on the same port with `--resume` (same tokens, same event stream).
    func resumeHost() async throws {
        host = try await Host(in: repository.path, port: host.port, extra: ["--resume"])
        hosts.append(host)
    }

    // MARK: Proposing and deciding

    /// Proposes `count` new files through the proxy, one change each; their change ids.
    func propose(count: Int) async throws -> [String] {
        var ids: [String] = []
        for _ in 0..<count { ids.append(try await propose(file: "notes/change-\(proposed.count + 1).txt")) }
        return ids
    }

    /// One `write_file` through the proxy; its change id. When a fault cuts the call, git says
    /// whether it was carried out (as the proxy's error asks) before it is sent again, so each
    /// change is proposed once.
    func propose(file: String) async throws -> String {
        var failures: [String] = []
        for _ in 0..<5 {
            let answer = try await proxy.call(nextID(), "tools/call", [
                "name": "write_file", "arguments": ["path": file, "content": "proposed as \(file)\n"],
            ], timeout: .seconds(60))
            if let result = answer["result"] as? [String: Any] {
                guard result["isError"] as? Bool != true,
                      let changeID = (result["structuredContent"] as? [String: Any])?["change_id"] as? String else {
                    throw TestFailure("write_file \(file) was refused: \(result)")
                }
                proposed.append(changeID)
                return changeID
            }
            failures.append("\(answer)")
            if let changeID = try pendingChangeIDs(touching: file).first {
                proposed.append(changeID)
                return changeID
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw TestFailure("write_file \(file) failed five times:\n\(failures.joined(separator: "\n"))\n\(report)")
    }

    /// The host decides with the CLI in the repository (as the host would in a terminal); works
    /// with or without a running server.
    func decide(_ changeID: String, approve: Bool) throws {
        let arguments = approve ? ["approve", changeID] : ["reject", changeID, "--reason", "not this one (fault test)"]
        let result = try runProcess(letsworkExecutable, arguments, in: repository.path, environment: ["NO_COLOR": "1"])
        guard result.status == 0 else {
            throw TestFailure("letswork \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)\(result.errors)")
        }
        decisions.append(Decision(changeID: changeID, approved: approve))
    }

    // MARK: What reached the agent

    /// Every channel message of every proxy run, in order.
    var channel: [ChannelMessage] { proxies.flatMap(\.channelMessages) }

    /// Waits (bounded) until `count` channel messages arrived in all; whether they did.
    func waitForChannel(count: Int, timeout: Duration = .seconds(40)) async throws -> Bool {
        try await eventuallyTrue(timeout: timeout) { channel.count >= count }
    }

    /// `letswork://events` read through the proxy, page by page: the stream and every event id.
    func readEvents() async throws -> (stream: String, ids: [String]) {
        var cursor: String?
        var stream = ""
        var ids: [String] = []
        for _ in 0..<50 {
            let uri = cursor.map { "letswork://events?after=\($0)" } ?? "letswork://events"
            let answer = try await callRetrying("resources/read", ["uri": uri])
            guard let contents = (answer["result"] as? [String: Any])?["contents"] as? [[String: Any]],
                  let text = contents.first?["text"] as? String,
                  let page = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw TestFailure("resources/read \(uri) answered \(answer)")
            }
            stream = page["stream"] as? String ?? stream
            ids += ((page["events"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            cursor = page["next"] as? String
            if page["more"] as? Bool != true { return (stream, ids) }
        }
        throw TestFailure("letswork://events had more than 50 pages")
    }

    /// A request that is safe to repeat, sent again (bounded) when a fault answers it with an error.
    func callRetrying(_ method: String, _ params: [String: Any]) async throws -> [String: Any] {
        var answer: [String: Any] = [:]
        for _ in 0..<5 {
            answer = try await proxy.call(nextID(), method, params, timeout: .seconds(60))
            if answer["error"] == nil { return answer }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw TestFailure("\(method) failed five times; last: \(answer)\n\(report)")
    }

    // MARK: What git says

    /// The change ids recorded on a decision ref (none when the ref does not exist yet).
    func decidedChangeIDs(_ ref: String) throws -> [String] {
        guard (try? repository.git("rev-parse", "--verify", "-q", ref)) != nil else { return [] }
        return try repository.log(ref, format: "%(trailers:key=Change-Id,valueonly)")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The change ids pending (`git log HEAD..refs/letswork/pending`, the changes only), or only
    /// those touching `file`.
    func pendingChangeIDs(touching file: String? = nil) throws -> [String] {
        guard (try? repository.git("rev-parse", "--verify", "-q", "refs/letswork/pending")) != nil else { return [] }
        var arguments = ["log", "--no-merges", "--grep=^Change-Id:", "--format=%(trailers:key=Change-Id,valueonly)",
                         "HEAD..refs/letswork/pending"]
        if let file { arguments += ["--", file] }
        return try repository.run(["git", "-C", repository.path] + arguments)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: The verdict

    /// Waits for one channel message per decision, lets late ones (repeats) arrive, then checks:
    /// the ids are `<stream>:1 … <stream>:N`, once each, in order, each the decision it should be;
    /// `letswork://events` read through the proxy holds the same ids; and git holds every proposed
    /// change exactly once, decided as it was decided.
    func expectEveryEventOnce(_ sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let arrived = try await waitForChannel(count: decisions.count)
        #expect(arrived, "\(channel.count) of \(decisions.count) events reached the agent\n\(report)", sourceLocation: sourceLocation)
        // Longer than the proxy's 2 s read interval: a repeat would come by now.
        try await Task.sleep(for: .milliseconds(2500))

        let events = try await readEvents()
        let expected = (0..<decisions.count).map { "\(events.stream):\($0 + 1)" }
        let messages = channel
        #expect(!events.stream.isEmpty && !events.stream.contains(":"), "stream id \(events.stream)", sourceLocation: sourceLocation)
        #expect(messages.map { $0.eventID ?? "?" } == expected, "channel ids, expected \(expected)\n\(report)", sourceLocation: sourceLocation)
        #expect(events.ids == expected, "letswork://events ids \(events.ids), expected \(expected)", sourceLocation: sourceLocation)
        #expect(messages.map { $0.kind ?? "?" } == decisions.map(\.kind), "kinds in decision order\n\(report)", sourceLocation: sourceLocation)
        #expect(messages.map { $0.string("change_id") ?? "?" } == decisions.map(\.changeID),
                "change ids in decision order\n\(report)", sourceLocation: sourceLocation)

        let approved = try decidedChangeIDs("refs/letswork/approved")
        let rejected = try decidedChangeIDs("refs/letswork/rejected")
        let pending = try pendingChangeIDs()
        #expect((approved + rejected + pending).sorted() == proposed.sorted(),
                "every proposed change is in git exactly once: approved \(approved), rejected \(rejected), pending \(pending), proposed \(proposed)",
                sourceLocation: sourceLocation)
        #expect(Set(approved) == Set(decisions.filter(\.approved).map(\.changeID)), "approved \(approved)", sourceLocation: sourceLocation)
        #expect(Set(rejected) == Set(decisions.filter { !$0.approved }.map(\.changeID)), "rejected \(rejected)", sourceLocation: sourceLocation)
    }

    /// What a failure message needs: the channel lines, each proxy's standard error, the hosts'
    /// logs (their ends), the relay's counters.
    var report: String {
        var parts = ["channel messages:"] + channel.map(\.line)
        for (index, proxy) in proxies.enumerated() {
            parts.append("proxy run \(index + 1) stderr (end):\n" + String(proxy.errors.suffix(3000)))
        }
        for (index, host) in hosts.enumerated() {
            parts.append("host run \(index + 1) log (end):\n" + String(host.output.suffix(3000)))
        }
        if let relay {
            parts.append("relay: \(relay.connectionsAccepted) connections accepted, \(relay.connectionsReset) reset, seed \(relay.seed)")
        }
        return parts.joined(separator: "\n")
    }
}
