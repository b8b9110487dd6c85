import Foundation
import LetsworkTestSupport

/// One `notifications/claude/channel` line a proxy wrote to its agent, decoded.
struct ChannelMessage {
    let line: String
    let content: String
    /// `params.meta` as sent: every value should be a string, so it is kept untyped here for
    /// the tests to check that.
    let meta: [String: Any]

    var kind: String? { meta["kind"] as? String }
    var eventID: String? { meta["event_id"] as? String }
    func string(_ key: String) -> String? { meta[key] as? String }

    /// The message on `line`, or nil when the line is something else (an answer, another method).
    init?(line: String) {
        guard let json = try? StdioClient.decode(line), json["method"] as? String == "notifications/claude/channel",
              let params = json["params"] as? [String: Any] else { return nil }
        self.line = line
        content = params["content"] as? String ?? ""
        meta = params["meta"] as? [String: Any] ?? [:]
    }
}

extension StdioClient {
    /// `initialize` with the version and empty capabilities Claude Code sends, then
    /// `notifications/initialized`: the proxy starts its own event subscription after this.
    @discardableResult
    func initializeAsClaudeCode(id: Int = 0, protocolVersion: String = "2025-11-25") async throws -> [String: Any] {
        let answer = try await call(id, "initialize", [
            "protocolVersion": protocolVersion, "capabilities": [:] as [String: Any],
            "clientInfo": ["name": "claude-code", "version": "2.1.80"],
        ])
        try send(json: ["jsonrpc": "2.0", "method": "notifications/initialized"])
        return answer
    }

    /// Every channel message written so far, in order.
    var channelMessages: [ChannelMessage] { allLines.compactMap(ChannelMessage.init(line:)) }

    /// The first channel message matching `matches`, polling the collected lines every 10 ms
    /// for up to `timeout`; nil when none came.
    func waitForChannel(timeout: Duration = .seconds(30), _ matches: (ChannelMessage) -> Bool) async throws -> ChannelMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = channelMessages.first(where: matches) { return found }
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A token in a fresh 0600 file, as `letswork join` stores it; the proxy keeps its cursor next
/// to it (`<file>.cursor`). The folder is removed by `remove()`.
struct TokenFile {
    let folder: String
    let path: String
    var cursorPath: String { path + ".cursor" }

    init(token: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-token-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        path = folder + "/token"
        guard FileManager.default.createFile(atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("could not write \(path)")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: folder) }
}

extension DirectClient {
    /// A `tools/call` on this client's session; the decoded `result`.
    mutating func callTool(_ id: Int, _ name: String, _ arguments: [String: Any] = [:]) async throws -> [String: Any] {
        let body = try JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "id": id, "method": "tools/call", "params": ["name": name, "arguments": arguments],
        ] as [String: Any], options: [.sortedKeys])
        let (status, data) = try await post(String(decoding: body, as: UTF8.self))
        guard status == 200, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let result = json["result"] as? [String: Any] else {
            throw TestFailure("\(name) answered \(status): \(String(decoding: data, as: UTF8.self).prefix(500))")
        }
        return result
    }
}

/// The text parts of a tool result's content, joined.
func resultText(_ result: [String: Any]) -> String {
    ((result["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
}
