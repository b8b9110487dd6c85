import Foundation

/// What the relay needs to know about one JSON-RPC message, read without decoding it: the
/// top-level `method` and the raw bytes of `id`. The message itself is forwarded untouched;
/// this scan only walks the top-level object, skipping values (a 1 MB `write_file` costs one
/// pass over its bytes, no allocation per string).
public struct MessagePeek: Sendable {
    /// The `method` member, for requests and notifications.
    public var method: String?
    /// The `id` member exactly as written (`7`, `"abc"`), for requests and responses.
    public var rawID: [UInt8]?
    /// Whether the message is a JSON array (a batch, from older protocol versions).
    public var isBatch = false

    /// A request expects an answer: it has both a method and an id.
    public var isRequest: Bool { method != nil && rawID != nil }
    public var isNotification: Bool { method != nil && rawID == nil }

    public init(method: String?, rawID: [UInt8]?) {
        self.method = method
        self.rawID = rawID
    }

    /// Reads `message`; nil when it is not a JSON object or array.
    public init?<Bytes: RandomAccessCollection>(_ message: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        var scanner = Scanner(bytes: message)
        scanner.skipWhitespace()
        guard let first = scanner.peek() else { return nil }
        if first == UInt8(ascii: "[") {
            isBatch = true
            return
        }
        guard first == UInt8(ascii: "{") else { return nil }
        scanner.advance()
        while true {
            scanner.skipWhitespace()
            guard let next = scanner.peek() else { return nil }
            if next == UInt8(ascii: "}") { return }
            if next == UInt8(ascii: ",") { scanner.advance(); continue }
            guard let key = scanner.stringRange() else { return nil }
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: ":") else { return nil }
            scanner.advance()
            scanner.skipWhitespace()
            let valueStart = scanner.position
            guard scanner.skipValue() else { return nil }
            let keyBytes = message[key]
            if keyBytes.elementsEqual("id".utf8) {
                rawID = Array(message[valueStart..<scanner.position])
            } else if keyBytes.elementsEqual("method".utf8), message[valueStart] == UInt8(ascii: "\"") {
                let raw = Data(message[valueStart..<scanner.position])
                method = (try? JSONSerialization.jsonObject(with: raw, options: .fragmentsAllowed)) as? String
            }
        }
    }

    /// A short description for debug logs: "tools/call #7".
    public var summary: String {
        let id = rawID.map { " #" + String(decoding: $0, as: UTF8.self) } ?? ""
        if isBatch { return "batch" }
        return (method ?? "response") + id
    }
}

/// A forward-only walk over JSON bytes that skips values without building them.
private struct Scanner<Bytes: RandomAccessCollection> where Bytes.Element == UInt8, Bytes.Index == Int {
    let bytes: Bytes
    var position: Int

    init(bytes: Bytes) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    func peek() -> UInt8? { position < bytes.endIndex ? bytes[position] : nil }
    mutating func advance() { position += 1 }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    /// The range of a string's contents (between the quotes), leaving the scanner after it.
    mutating func stringRange() -> Range<Int>? {
        guard peek() == UInt8(ascii: "\"") else { return nil }
        advance()
        let start = position
        while let byte = peek() {
            if byte == UInt8(ascii: "\\") {
                position += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                let range = start..<position
                advance()
                return range
            }
            advance()
        }
        return nil
    }

    /// Skips one value of any kind; false if the JSON ends too early.
    mutating func skipValue() -> Bool {
        guard let byte = peek() else { return false }
        switch byte {
        case UInt8(ascii: "\""):
            return stringRange() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while let current = peek() {
                switch current {
                case UInt8(ascii: "\""):
                    guard stringRange() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        advance()
                        return true
                    }
                default:
                    break
                }
                advance()
            }
            return false
        default:
            // A number, true, false or null: up to the next delimiter.
            while let current = peek(), ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"),
                                          0x20, 0x0A, 0x0D, 0x09].contains(current) { advance() }
            return true
        }
    }
}
