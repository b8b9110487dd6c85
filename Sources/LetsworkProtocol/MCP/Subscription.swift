/// Server-to-client change notifications, in both eras: what a client asked to follow and the
/// messages that tell it something changed.
///
/// - 2026-07-28: `subscriptions/listen` opens a stream; its first message acknowledges the filter
///   the server honours, and every later one carries the request's id as
///   `_meta["io.modelcontextprotocol/subscriptionId"]`.
/// - 2025-11-25: `resources/subscribe` within a session, then the session's GET stream.
public enum Subscription {
    public static let subscriptionIDKey = "io.modelcontextprotocol/subscriptionId"

    /// The resource URIs of a `subscriptions/listen` request's filter that `resources` lets a
    /// client follow; letswork's lists never change, so the list-changed flags are not honoured
    /// (and so not acknowledged).
    public static func honoured(_ request: RPCRequest, resources: [ResourceDescription]) throws(RPCError) -> [String] {
        guard case .object(let filter)? = request.params["notifications"] else {
            throw .invalidParams("Invalid params: subscriptions/listen needs \"notifications\", an object such as {\"resourceSubscriptions\": [\"letswork://events\"]}.")
        }
        var uris: [String] = []
        switch filter["resourceSubscriptions"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let uri) = item else {
                    throw .invalidParams("Invalid params: \"resourceSubscriptions\" lists resource URIs as strings.")
                }
                if resources.contains(where: { $0.subscribable && $0.uri == uri }), !uris.contains(uri) { uris.append(uri) }
            }
        default:
            throw .invalidParams("Invalid params: \"resourceSubscriptions\" must be an array of resource URIs.")
        }
        return uris
    }

    /// `notifications/subscriptions/acknowledged` for the listen request `id`.
    public static func acknowledgement(id: JSONValue, uris: [String]) -> JSONValue {
        let filter: JSONValue = uris.isEmpty ? [:] : ["resourceSubscriptions": .array(uris.map(JSONValue.string))]
        return ["jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
                "params": ["_meta": .object([subscriptionIDKey: id]), "notifications": filter]]
    }

    /// `notifications/resources/updated` for `uri`, on the listen stream `id` (nil: the 2025-11-25
    /// GET stream, which has no subscription ids).
    public static func updated(_ uri: String, subscription id: JSONValue?) -> JSONValue {
        var params: [String: JSONValue] = ["uri": .string(uri)]
        if let id { params["_meta"] = .object([subscriptionIDKey: id]) }
        return ["jsonrpc": "2.0", "method": "notifications/resources/updated", "params": .object(params)]
    }

    /// The listen request's graceful end (the server closes the stream, at shutdown).
    public static func completion(id: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": ["resultType": "complete", "_meta": .object([subscriptionIDKey: id])]]
    }
}
