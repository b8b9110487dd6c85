import Synchronization

/// What needs each caller's attention since they last asked (get_notifications): new
/// submissions for the host, decisions for the guest who proposed, lock changes for everyone.
public final class Inbox: Sendable {
    public struct Event: Sendable, Equatable {
        public let time: Int64
        public let kind: String
        public let message: String
        public let changeID: String?
    }

    private let queues = Mutex<[String: [Event]]>([:])
    private let limit = 200

    public init() {}

    /// Queues `event` for each of `recipients`.
    public func post(_ event: Event, to recipients: [String]) {
        queues.withLock { queues in
            for recipient in recipients {
                var queue = queues[recipient, default: []]
                queue.append(event)
                if queue.count > limit { queue.removeFirst(queue.count - limit) }
                queues[recipient] = queue
            }
        }
    }

    /// Everything queued for `recipient`, emptying their queue.
    public func take(for recipient: String) -> [Event] {
        queues.withLock { $0.removeValue(forKey: recipient) ?? [] }
    }
}
