/// One server-sent event (WHATWG HTML, "Server-sent events", the event stream interpretation).
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field; "message" when absent.
    public var type: String
    /// The `data:` lines joined with "\n" (the last line's newline removed), as raw bytes.
    public var data: [UInt8]
    /// The last `id:` seen on the stream so far (it carries over to later events).
    public var lastEventID: String?

    public init(type: String = "message", data: [UInt8], lastEventID: String? = nil) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }

    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// An incremental SSE parser: feed it the body in whatever pieces the network delivers, get the
/// complete events back. Lines end in "\n", "\r\n" or "\r" (a "\r" at the end of a piece waits
/// for the next piece to see whether "\n" follows); ":" lines are comments; an event is
/// dispatched at an empty line, and only if it has data. Data bytes are kept as they came,
/// so a JSON-RPC message passes through unchanged.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var pendingCR = false
    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var lastEventID: String?
    /// The `retry:` field, in milliseconds, when the server sent one.
    public private(set) var retry: Int?

    public init() {}

    /// Parses one more piece of the stream.
    /// - Returns: The events completed by this piece, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [SSEEvent] where Bytes.Element == UInt8 {
        var events: [SSEEvent] = []
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte == UInt8(ascii: "\n") { continue }  // the "\n" of a "\r\n"
            }
            switch byte {
            case UInt8(ascii: "\r"):
                pendingCR = true
                if let event = endLine() { events.append(event) }
            case UInt8(ascii: "\n"):
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// The end of the stream: an event without its closing empty line is dropped, as the spec says.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType = ""
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }  // a comment (keep-alive)
        let field: [UInt8]
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = Array(line[..<colon])
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if let milliseconds = Int(String(decoding: value, as: UTF8.self)) { retry = milliseconds }
        default:
            break  // unknown fields are ignored
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = ""
        }
        guard hasData else { return nil }
        return SSEEvent(type: eventType.isEmpty ? "message" : eventType, data: data, lastEventID: lastEventID)
    }
}
