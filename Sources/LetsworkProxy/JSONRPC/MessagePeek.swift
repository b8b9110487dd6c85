import Foundation
import LetsworkProtocol

/// What the relay needs to know about one JSON-RPC message: its `method` and `id`, and for a
/// 2026-07-28 request the protocol version and name its HTTP headers must mirror. Read with the
/// product's one JSON reader, keeping only those members: a 1 MB `write_file`'s content or a
/// large result is checked as JSON but never built. The message itself is forwarded untouched.
public struct MessagePeek: Sendable {
    /// The `method` member, for requests and notifications.
    public var method: String?
    /// The `id` member, for requests and responses.
    public var id: JSONValue?
    /// Whether the message is a JSON array (a batch, from older protocol versions).
    public var isBatch = false
    /// `params._meta["io.modelcontextprotocol/protocolVersion"]`: set on 2026-07-28 messages.
    public var modernVersion: String?
    /// `params.name` or `params.uri`, which `Mcp-Name` mirrors.
    public var name: String?

    /// A request expects an answer: it has both a method and an id.
    public var isRequest: Bool { method != nil && id != nil }
    public var isNotification: Bool { method != nil && id == nil }
    /// A 2026-07-28 message: stateless, sent without a session, with mirrored headers.
    public var isModern: Bool { modernVersion != nil }

    public init(method: String?, id: JSONValue?) {
        self.method = method
        self.id = id
    }

    /// Reads `message`; nil when it is not a JSON object or array.
    public init?(_ message: UnsafeRawBufferPointer) {
        guard let first = message.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return nil }
        if first == UInt8(ascii: "[") {
            isBatch = true
            return
        }
        guard case .object(let object)? = JSONReader.parse(message, keeping: Self.relevant) else { return nil }
        method = object["method"]?.stringValue
        id = object["id"]
        let params = object["params"]
        modernVersion = params?["_meta"]?[MetaKey.protocolVersion]?.stringValue
        if let method, let parameter = MirrorHeader.nameParameter(of: method) { name = params?[parameter]?.stringValue }
    }

    public init?(_ message: Data) {
        guard let peek = message.withUnsafeBytes({ MessagePeek($0) }) else { return nil }
        self = peek
    }

    /// The members the relay reads; everything else (arguments, results) is skipped.
    private static func relevant(depth: Int, key: String) -> Bool {
        switch depth {
        case 1: key == "id" || key == "method" || key == "params"
        case 2: key == "_meta" || key == "name" || key == "uri"
        default: true
        }
    }

    public var summary: String {
        if isBatch { return "batch" }
        return (method ?? "response") + (id.map { " #" + JSONWriter.string($0) } ?? "")
    }

    /// The error response the proxy sends the agent itself when the host cannot answer: code
    /// -32000, reserved by JSON-RPC for implementation-defined server errors.
    func failure(_ message: String) -> Data? {
        guard let id, method != nil else { return nil }
        return RPCResponse.failure(id: id, error: RPCError(code: -32000, message: message))
    }
}
