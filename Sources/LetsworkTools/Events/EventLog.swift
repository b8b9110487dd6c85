import Foundation
import Synchronization

/// Every participant's events, numbered per participant, kept (the newest ``retained`` each) in
/// memory and in an append-only journal so `letswork start --resume` continues the same numbers.
///
/// Three readers, each with its own position, none disturbing the others:
/// - `letswork://events` reads after a cursor its reader keeps (the proxy saves it beside its
///   token), so delivery is exactly once across reconnects and restarts of either side;
/// - get_notifications reads after the participant's read position and advances it;
/// - the news line at the end of tool results announces what is unread and not yet announced.
///
/// Memory stays bounded for a participant that never reads: past ``retained`` events the oldest
/// are dropped, and a reader whose cursor falls before them gets one `missed` event saying how
/// many it lost and what to call to catch up.
public final class EventLog: Sendable {
    /// Events kept per participant.
    public static let retained = 500
    /// Events per `letswork://events` read.
    public static let pageLimit = 100

    /// This session's stream id: the prefix of every event id.
    public let stream: String
    private let feeds: Mutex<[String: Feed]>
    private let journal: EventJournal?
    private let bells = Mutex<Bells>(Bells())
    private let observer: @Sendable ([String: SessionEvent]) -> Void
    private let ledgerMark: Mutex<String?>

    struct Feed {
        var events: [SessionEvent] = []
        var last = 0
        var read = 0
        var announced = 0

        /// The kept events numbered after `seq`: the newest ones, since a feed's numbers run
        /// on by one and only the oldest are dropped (no scan of all it keeps on each call).
        func events(after seq: Int) -> [SessionEvent] {
            Array(events.suffix(max(0, min(events.count, last - seq))))
        }
    }

    private struct Bells {
        var next = 0
        var rings: [String: [Int: AsyncStream<Void>.Continuation]] = [:]
    }

    /// A log in memory only (tests, and sessions without a git directory to journal in).
    /// - Parameter observer: Told of every event posted, by recipient (the host's terminal feed).
    public convenience init(stream: String = EventLog.newStreamID(), observer: @escaping @Sendable ([String: SessionEvent]) -> Void = { _ in }) {
        self.init(stream: stream, feeds: [:], journal: nil, ledgerMark: nil, observer: observer)
    }

    init(stream: String, feeds: [String: Feed], journal: EventJournal?, ledgerMark: String?,
         observer: @escaping @Sendable ([String: SessionEvent]) -> Void) {
        self.stream = stream
        self.feeds = Mutex(feeds)
        self.journal = journal
        self.ledgerMark = Mutex(ledgerMark)
        self.observer = observer
    }

    /// The log journaled at `path`: continued when `resume` is set and the journal exists (its
    /// stream id and numbers kept), else started afresh with a new stream id.
    /// - Throws: when the journal cannot be written (the message names the file).
    public static func open(journalAt path: String, resume: Bool,
                            observer: @escaping @Sendable ([String: SessionEvent]) -> Void = { _ in }) throws -> EventLog {
        let restored = resume ? EventJournal.restore(from: path, keeping: retained) : nil
        let stream = restored?.stream ?? newStreamID()
        let feeds = restored?.feeds ?? [:]
        let journal = try EventJournal.create(at: path, stream: stream, feeds: feeds, ledgerMark: restored?.ledgerMark)
        return EventLog(stream: stream, feeds: feeds, journal: journal, ledgerMark: restored?.ledgerMark, observer: observer)
    }

    /// 48 random bits, URL-safe.
    public static func newStreamID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    // MARK: - Writing

    /// Numbers `draft` for each of `recipients` and keeps it; rings their doorbells.
    @discardableResult
    public func post(_ draft: EventDraft, to recipients: [String], time: Int64) -> [String: SessionEvent] {
        let unique = Array(Set(recipients)).sorted()
        guard !unique.isEmpty else { return [:] }
        let posted = feeds.withLock { feeds -> [String: SessionEvent] in
            var posted: [String: SessionEvent] = [:]
            for recipient in unique {
                // In place: a copy of the feed taken out and stored back would copy all its
                // kept events on every post (the array is shared while both hold it).
                let event = Self.append(to: &feeds[recipient, default: Feed()], draft, time: time)
                posted[recipient] = event
                journal?.append(event, to: recipient)
            }
            return posted
        }
        ring(unique)
        observer(posted)
        return posted
    }

    private static func append(to feed: inout Feed, _ draft: EventDraft, time: Int64) -> SessionEvent {
        feed.last += 1
        let event = SessionEvent(seq: feed.last, time: time, kind: draft.kind, text: draft.text, meta: draft.meta)
        feed.events.append(event)
        if feed.events.count > retained { feed.events.removeFirst(feed.events.count - retained) }
        return event
    }

    /// Remembers the ledger commit the change watcher has turned into events, so a resumed
    /// session starts from there (and tells of decisions made while it was down).
    public func rememberLedger(_ tip: String) {
        ledgerMark.withLock { mark in
            guard mark != tip else { return }
            mark = tip
            journal?.appendLedgerMark(tip)
        }
    }

    /// The ledger commit last remembered, if any.
    public var rememberedLedger: String? { ledgerMark.withLock { $0 } }

    // MARK: - Reading after a cursor (letswork://events)

    /// Up to `limit` of `recipient`'s events after `cursor` (nil: from the oldest kept).
    public func page(for recipient: String, after cursor: EventCursor?, limit: Int = EventLog.pageLimit) -> EventPage {
        let feed = feeds.withLock { $0[recipient] } ?? Feed()
        var after = 0
        var reset = false
        if let cursor {
            if cursor.stream == stream && cursor.seq <= feed.last { after = cursor.seq } else { reset = true }
        }
        var events: [SessionEvent] = []
        if let oldest = feed.events.first, after < oldest.seq - 1 {
            events.append(Self.missed(count: oldest.seq - 1 - after, at: oldest))
        }
        let start = feed.events.firstIndex { $0.seq > after } ?? feed.events.endIndex
        let room = max(0, limit - events.count)
        events += feed.events[start...].prefix(room)
        let next = events.last.map { EventCursor(stream: stream, seq: $0.seq) } ?? EventCursor(stream: stream, seq: after)
        return EventPage(stream: stream, events: events, next: next, more: next.seq < feed.last, reset: reset)
    }

    private static func missed(count: Int, at oldest: SessionEvent) -> SessionEvent {
        SessionEvent(seq: oldest.seq - 1, time: oldest.time, kind: .missed,
                     text: "\(count) older letswork event\(count == 1 ? " was" : "s were") dropped before you read \(count == 1 ? "it" : "them"): call get_pending_changes (host) or my_pending_changes (guest) to see where every change stands.",
                     meta: ["count": String(count)])
    }

    // MARK: - get_notifications and the news line

    /// `recipient`'s events after their read position (with a `missed` event first when some
    /// were dropped unread), advancing the position to the newest.
    func takeUnread(for recipient: String) -> [SessionEvent] {
        feeds.withLock { feeds -> [SessionEvent] in
            guard var feed = feeds[recipient], feed.read < feed.last else { return [] }
            var events = feed.events(after: feed.read)
            if let first = events.first, first.seq > feed.read + 1 {
                events.insert(Self.missed(count: first.seq - 1 - feed.read, at: first), at: 0)
            }
            feed.read = feed.last
            feed.announced = feed.last
            feeds[recipient] = feed
            journal?.appendReadMark(feed.last, for: recipient)
            return events
        }
    }

    /// The unread events no tool result of `recipient`'s has announced yet, and how many are
    /// unread in all; marks them announced (they stay unread until get_notifications).
    func announce(for recipient: String) -> (fresh: [SessionEvent], unread: Int) {
        feeds.withLock { feeds in
            guard var feed = feeds[recipient], feed.announced < feed.last else { return ([], 0) }
            let fresh = feed.events(after: feed.announced)
            feed.announced = feed.last
            feeds[recipient] = feed
            return (fresh, feed.last - feed.read)
        }
    }

    // MARK: - Doorbells

    /// Yields each time new events exist for `recipient` (coalesced: one ring may stand for
    /// many events). Ends when the caller stops iterating, or at ``closeDoorbells()``.
    public func doorbell(for recipient: String) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let key = bells.withLock { bells -> Int in
            bells.next += 1
            bells.rings[recipient, default: [:]][bells.next] = continuation
            return bells.next
        }
        continuation.onTermination = { [weak self] _ in
            self?.bells.withLock { bells in _ = bells.rings[recipient]?.removeValue(forKey: key) }
        }
        return stream
    }

    /// Ends every doorbell stream (at shutdown, so long-lived HTTP streams close).
    public func closeDoorbells() {
        let all = bells.withLock { bells -> [AsyncStream<Void>.Continuation] in
            defer { bells.rings = [:] }
            return bells.rings.values.flatMap(\.values)
        }
        all.forEach { $0.finish() }
    }

    private func ring(_ recipients: [String]) {
        let continuations = bells.withLock { bells in recipients.flatMap { bells.rings[$0].map { Array($0.values) } ?? [] } }
        continuations.forEach { $0.yield() }
    }
}

/// One read of `letswork://events`.
public struct EventPage: Sendable, Equatable {
    public let stream: String
    public let events: [SessionEvent]
    /// The cursor to read after next time.
    public let next: EventCursor
    /// More events wait after `next`.
    public let more: Bool
    /// The cursor given was of another stream (an earlier session): this page starts afresh.
    public let reset: Bool
}
