import LetsworkReview
import LetsworkProtocol

/// Builds tool results' structured content directly as `JSONValue`s, the shape each tool's
/// `outputSchema` (ToolOutputSchemas.swift) describes.
protocol StructuredContent {
    var structured: JSONValue { get }
}

extension Optional where Wrapped == String {
    var value: JSONValue { map { .string($0) } ?? .null }
}

extension Optional where Wrapped == Int {
    var value: JSONValue { map { .int($0) } ?? .null }
}

extension Array where Element: StructuredContent {
    var structured: JSONValue { .array(map(\.structured)) }
}

extension Array where Element == String {
    var structured: JSONValue { .array(map { .string($0) }) }
}

extension LockTable.Lock: StructuredContent {
    var structured: JSONValue {
        ["path": .string(path), "holder": .string(holderName), "holder_id": .string(holderID), "since": .int(Int(since))]
    }
}

extension Collaboration.Participant: StructuredContent {
    var structured: JSONValue {
        ["id": .string(id), "name": .string(name), "role": .string(role), "connected": .bool(connected),
         "last_seen_seconds_ago": lastSeenSecondsAgo.map { Int($0) }.value]
    }
}

extension SessionEvent: StructuredContent {
    var structured: JSONValue {
        ["seq": .int(seq), "time": .int(Int(time)), "kind": .string(kind.rawValue), "message": .string(text),
         "change_id": changeID.value, "meta": .object(meta.mapValues(JSONValue.string))]
    }
}
