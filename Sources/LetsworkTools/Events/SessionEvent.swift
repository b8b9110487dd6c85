import LetsworkProtocol

/// Something one participant should hear about: a proposal, a decision, a conflict, a lock, a
/// guest coming or going. Each participant's events are numbered 1, 2, 3… with no gaps, so a
/// reader that keeps the last number it handled never misses or repeats one.
public struct SessionEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case changeProposed = "change.proposed"
        case changeRevised = "change.revised"
        case changeApproved = "change.approved"
        case changeRejected = "change.rejected"
        case changeConflicting = "change.conflicting"
        case changeHostEdited = "change.host_edited"
        case lockTaken = "lock.taken"
        case lockReleased = "lock.released"
        case lockForced = "lock.forced"
        case lockExpired = "lock.expired"
        case guestConnected = "guest.connected"
        case guestLeft = "guest.left"
        case guestRenamed = "guest.renamed"
        /// Older events were dropped before the participant read them (see ``EventLog``).
        case missed

        /// Whether an event of this kind tells of a change's proposal, revision, decision or
        /// state (what the review queue shows), as against locks, people and the log itself.
        public var concernsChanges: Bool {
            switch self {
            case .changeProposed, .changeRevised, .changeApproved, .changeRejected, .changeConflicting, .changeHostEdited: true
            case .lockTaken, .lockReleased, .lockForced, .lockExpired, .guestConnected, .guestLeft, .guestRenamed, .missed: false
            }
        }
    }

    /// The participant's own sequence number.
    public let seq: Int
    /// Unix seconds.
    public let time: Int64
    public let kind: Kind
    /// One short, actionable sentence.
    public let text: String
    /// Facts an agent can act on without parsing `text`: string values under keys of letters,
    /// digits and `_` (what Claude Code's channel messages accept).
    public let meta: [String: String]

    public var changeID: String? { meta["change_id"] }

    /// The event as `letswork://events` and get_notifications give it.
    func json(stream: String) -> JSONValue {
        ["id": .string(EventCursor(stream: stream, seq: seq).description), "seq": .int(seq), "time": .int(Int(time)),
         "kind": .string(kind.rawValue), "text": .string(text),
         "meta": .object(meta.mapValues(JSONValue.string))]
    }
}

/// What a new event says, before it is numbered for each recipient.
public struct EventDraft: Sendable, Equatable {
    public let kind: SessionEvent.Kind
    public let text: String
    public let meta: [String: String]

    public init(_ kind: SessionEvent.Kind, _ text: String, meta: [String: String] = [:]) {
        self.kind = kind
        self.text = text
        self.meta = meta.filter { key, _ in !key.isEmpty && key.utf8.allSatisfy(Self.isMetaKeyByte) }
    }

    private static func isMetaKeyByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }
}

/// A position in one participant's events: `<stream>:<seq>`. The stream names the session (kept
/// by `letswork start --resume`), so a cursor from an earlier session is recognised as such.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    public let stream: String
    public let seq: Int

    public init(stream: String, seq: Int) {
        self.stream = stream
        self.seq = seq
    }

    /// Parses `<stream>:<seq>`; nil for anything else.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let seq = Int(text[text.index(after: colon)...]), seq >= 0 else { return nil }
        let stream = String(text[..<colon])
        guard !stream.isEmpty, stream.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else { return nil }
        self.init(stream: stream, seq: seq)
    }

    public var description: String { "\(stream):\(seq)" }
}
