import Foundation

/// What kind of JSON-RPC message a POST body holds, read before it reaches the SDK: the endpoint
/// must know whether it is an `initialize` (which creates a session) and what client sent it.
enum MessagePeek: Equatable {
    /// An `initialize` request, with what the client says about itself.
    case initialize(clientName: String?, clientVersion: String?, protocolVersion: String?)
    /// Any other single message (request, notification or response).
    case message
    /// A JSON array: a JSON-RPC batch (allowed by 2025-03-26, removed in 2025-06-18).
    case batch
    /// Not a JSON object.
    case invalid

    init(_ body: Data) {
        guard let first = body.first(where: { !Self.isWhitespace($0) }) else {
            self = .invalid
            return
        }
        if first == UInt8(ascii: "[") {
            self = .batch
            return
        }
        guard first == UInt8(ascii: "{") else {
            self = .invalid
            return
        }
        // Only an `initialize` needs reading here; every other message is parsed (and
        // validated) by the SDK anyway, so skip a second full parse of a large `write_file`.
        guard body.withUnsafeBytes({ bytes($0, contain: #""initialize""#) }) else {
            self = .message
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            self = .invalid
            return
        }
        guard object["method"] as? String == "initialize", object["id"] != nil else {
            self = .message
            return
        }
        let params = object["params"] as? [String: Any]
        let clientInfo = params?["clientInfo"] as? [String: Any]
        self = .initialize(
            clientName: (clientInfo?["name"] as? String).map { String($0.prefix(100)) },
            clientVersion: (clientInfo?["version"] as? String).map { String($0.prefix(50)) },
            protocolVersion: (params?["protocolVersion"] as? String).map { String($0.prefix(20)) }
        )
    }

    var isInitialize: Bool {
        if case .initialize = self { return true }
        return false
    }

    /// Whether a JSON-RPC response body carries a `result` (rather than an `error`).
    static func isSuccessfulResponse(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["result"] != nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
