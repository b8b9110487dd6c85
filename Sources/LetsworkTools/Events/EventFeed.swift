import LetsworkProtocol

/// `letswork://events`: a participant's events as an MCP resource, read after a cursor the
/// reader keeps (`letswork://events?after=<stream>:<seq>`). The one way events leave the server:
/// streams and subscriptions only say "there is something to read".
public enum EventFeed {
    public static let uri = "letswork://events"

    static let resource = ResourceDescription(
        uri: uri, name: "events", title: "Your letswork events",
        description: "What happened that concerns you: proposals, decisions, conflicts, locks, guests. Read "
            + "\(uri)?after=<next> with the \"next\" of your previous read to get only newer events; subscribe to be told when there are some.",
        mimeType: "application/json", subscribable: true)
}

extension Collaboration {
    /// One page of `caller`'s events after the cursor in `uri`'s query.
    func readEvents(_ uri: String, for caller: Caller) async throws(RPCError) -> [ResourceContents] {
        let cursor: EventCursor?
        if let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first {
            var after: String?
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.first == "after" { after = parts.count > 1 ? String(parts[1]).removingPercentEncodingIfAny : "" }
            }
            if let after, !after.isEmpty {
                guard let parsed = EventCursor(after) else {
                    throw .invalidParams("Invalid params: '\(after)' is not an event cursor; pass the \"next\" value of your previous read of \(EventFeed.uri) (such as k3F9q2ab:17), or read \(EventFeed.uri) alone to start from the oldest kept event.")
                }
                cursor = parsed
            } else {
                cursor = nil
            }
        } else {
            cursor = nil
        }
        // A reader polling (no stream through its tunnel) must not wait for the watch's next pass.
        await checkForEvents()
        let page = events.page(for: caller.id, after: cursor)
        var body: [String: JSONValue] = [
            "stream": .string(page.stream), "events": .array(page.events.map { $0.json(stream: page.stream) }),
            "next": .string(page.next.description), "more": .bool(page.more),
        ]
        if page.reset { body["reset"] = true }
        hooks.feed(FeedEvent(kind: .delivery, message: "📬 \(name(of: caller))'s client read \(page.events.count) event(s) up to \(page.next)"))
        return [ResourceContents(uri: uri, mimeType: "application/json", text: JSONWriter.string(.object(body)))]
    }
}

extension String {
    /// `%3A` → `:` and the like; the text itself when it holds no valid escapes.
    var removingPercentEncodingIfAny: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
