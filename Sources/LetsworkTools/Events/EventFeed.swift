import Foundation
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
    func readEvents(_ uri: String, for caller: Caller) throws(RPCError) -> [ResourceContents] {
        let cursor: EventCursor?
        if let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first {
            var after: String?
            for pair in query.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.first == "after" { after = parts.count > 1 ? String(parts[1]).removingPercentEncoding ?? String(parts[1]) : "" }
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
