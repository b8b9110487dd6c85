import LetsworkReview
import LetsworkReviewPage
import LetsworkTools
import Logging

/// How the review page learns of changes: from the session's events, the same stream the agents
/// hear. Both `letswork start` and `letswork review` tell the page through this one path.
enum ReviewBell {
    /// Whether what was just posted may change the queue page (a proposal, revision, decision,
    /// conflict or host edit; locks and arrivals do not).
    static func rings(for posted: [String: SessionEvent]) -> Bool {
        posted.values.contains { $0.kind.concernsChanges }
    }

    /// For `letswork review` on its own: an event log in memory and a watch of the ledger (four
    /// times a second, a ref read when nothing changed), so proposals and decisions made by any
    /// process ring the page's bell. Stop the returned collaboration's watch at the end.
    static func watching(_ store: ChangeStore, logger: Logger) -> (QueueBell, Collaboration) {
        let bell = QueueBell()
        let events = EventLog(observer: { if rings(for: $0) { bell.ring() } })
        let collaboration = Collaboration(store: store, events: events, logger: logger)
        collaboration.startWatching()
        return (bell, collaboration)
    }
}
