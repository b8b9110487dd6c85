import LetsworkProtocol

/// What the agent is told the proxy can do besides relaying: Claude Code's channels (a research
/// preview), whose messages it shows in the session as `<channel source=…>`.
///
/// Only `claude/channel` is declared. Never `claude/channel/permission`: that relay would let
/// whoever sends on the channel — here, anything the host's session emits — answer the agent's
/// tool-permission prompts.
enum ChannelCapability {
    static let name = "claude/channel"

    /// The host's `initialize` or `server/discover` answer with `experimental["claude/channel"]`
    /// added to its capabilities; any other message, or one that cannot be read, as it came.
    static func declare(in message: [UInt8]) -> [UInt8] {
        guard case .object(var response)? = message.withUnsafeBytes({ JSONReader.parse($0) }),
              case .object(var result)? = response["result"],
              case .object(var capabilities)? = result["capabilities"] else { return message }
        var experimental = capabilities["experimental"]?.objectValue ?? [:]
        experimental[name] = .object([:])
        capabilities["experimental"] = .object(experimental)
        result["capabilities"] = .object(capabilities)
        response["result"] = .object(result)
        return Array(JSONWriter.data(.object(response)))
    }

    /// One event of `letswork://events` as a channel message: its sentence as the content, and
    /// its facts (all strings) as meta, with the event's id and kind.
    static func message(for event: JSONValue) -> [UInt8]? {
        guard let text = event["text"]?.stringValue, let id = event["id"]?.stringValue else { return nil }
        var meta: [String: JSONValue] = ["event_id": .string(id)]
        if let kind = event["kind"]?.stringValue { meta["kind"] = .string(kind) }
        for (key, value) in event["meta"]?.objectValue ?? [:] {
            if case .string = value { meta[key] = value }
        }
        let notification: JSONValue = ["jsonrpc": "2.0", "method": "notifications/claude/channel",
                                       "params": ["content": .string(text), "meta": .object(meta)]]
        return Array(JSONWriter.data(notification))
    }
}
