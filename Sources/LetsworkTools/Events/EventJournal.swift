import Foundation
import LetsworkProtocol

/// The event log's file: one JSON object per line, appended with a single `write(2)` each, so a
/// killed host loses nothing it had posted (the kernel keeps what was written) and a torn last
/// line — a power cut — is skipped on reading.
///
/// Lines: `{"stream": ID}` first, then events `{"to", "seq", "time", "kind", "text", "meta"}`,
/// read positions `{"read": SEQ, "to"}` and the change watcher's `{"ledger": COMMIT}`. On
/// `--resume` it is read back and rewritten with only what is kept (the newest events of each
/// participant), so it never grows past one session's worth.
final class EventJournal: Sendable {
    private let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    struct Restored {
        var stream: String
        var feeds: [String: EventLog.Feed]
        var ledgerMark: String?
    }

    /// What the journal at `path` holds, the newest `keeping` events per participant; nil when
    /// there is no journal or it has no stream line.
    static func restore(from path: String, keeping: Int) -> Restored? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var restored: Restored?
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let object = JSONReader.parse(Data(line))?.objectValue else { continue }
            if let stream = object["stream"]?.stringValue {
                if restored == nil { restored = Restored(stream: stream, feeds: [:]) }
                continue
            }
            guard restored != nil else { continue }
            if let tip = object["ledger"]?.stringValue {
                restored!.ledgerMark = tip
            } else if let seq = object["read"]?.intValue, let to = object["to"]?.stringValue {
                restored!.feeds[to, default: EventLog.Feed()].read = seq
            } else if let event = event(object), let to = object["to"]?.stringValue {
                var feed = restored!.feeds[to, default: EventLog.Feed()]
                guard event.seq == feed.last + 1 else { continue }
                feed.last = event.seq
                feed.events.append(event)
                if feed.events.count > keeping { feed.events.removeFirst(feed.events.count - keeping) }
                restored!.feeds[to] = feed
            }
        }
        for (id, feed) in restored?.feeds ?? [:] {
            restored!.feeds[id]!.read = min(feed.read, feed.last)
            restored!.feeds[id]!.announced = min(feed.read, feed.last)
        }
        return restored
    }

    /// A journal at `path` holding `stream` and `feeds` (written to a temporary file and renamed
    /// over the old one, so a crash mid-rewrite leaves the old journal whole), open for appends.
    static func create(at path: String, stream: String, feeds: [String: EventLog.Feed], ledgerMark: String?) throws -> EventJournal {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var lines: [UInt8] = []
        JSONWriter.append(["stream": .string(stream)], to: &lines)
        lines.append(0x0A)
        for (recipient, feed) in feeds.sorted(by: { $0.key < $1.key }) {
            for event in feed.events {
                JSONWriter.append(line(event, to: recipient), to: &lines)
                lines.append(0x0A)
            }
            JSONWriter.append(["read": .int(feed.read), "to": .string(recipient)], to: &lines)
            lines.append(0x0A)
        }
        if let ledgerMark {
            JSONWriter.append(["ledger": .string(ledgerMark)], to: &lines)
            lines.append(0x0A)
        }
        let temporary = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(lines), attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            unlink(temporary)
            throw EventJournalError("letswork cannot write its event journal \(path): \(String(cString: strerror(errno))). Check that the repository's .git folder is writable.")
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw EventJournalError("letswork cannot open its event journal \(path): \(String(cString: strerror(errno))).")
        }
        return EventJournal(descriptor: descriptor, path: path)
    }

    func append(_ event: SessionEvent, to recipient: String) {
        write(Self.line(event, to: recipient))
    }

    func appendReadMark(_ seq: Int, for recipient: String) {
        write(["read": .int(seq), "to": .string(recipient)])
    }

    func appendLedgerMark(_ tip: String) {
        write(["ledger": .string(tip)])
    }

    /// One line in one `write(2)`: appends of up to a page never interleave with another's.
    private func write(_ value: JSONValue) {
        var bytes: [UInt8] = []
        JSONWriter.append(value, to: &bytes)
        bytes.append(0x0A)
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }

    private static func line(_ event: SessionEvent, to recipient: String) -> JSONValue {
        ["to": .string(recipient), "seq": .int(event.seq), "time": .int(Int(event.time)), "kind": .string(event.kind.rawValue),
         "text": .string(event.text), "meta": .object(event.meta.mapValues(JSONValue.string))]
    }

    private static func event(_ object: [String: JSONValue]) -> SessionEvent? {
        guard let seq = object["seq"]?.intValue, let time = object["time"]?.intValue,
              let kind = object["kind"]?.stringValue.flatMap(SessionEvent.Kind.init(rawValue:)),
              let text = object["text"]?.stringValue else { return nil }
        let meta = (object["meta"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        return SessionEvent(seq: seq, time: Int64(time), kind: kind, text: text, meta: meta)
    }
}

struct EventJournalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
