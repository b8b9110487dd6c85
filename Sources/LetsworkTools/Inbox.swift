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

    private let queues = Mutex<[String: Queue]>([:])
    private let limit = 200

    /// A recipient's unread events, and how many of them their tool results have announced.
    private struct Queue {
        var events: [Event] = []
        var announced = 0
    }

    public init() {}

    /// Queues `event` for each of `recipients`.
    public func post(_ event: Event, to recipients: [String]) {
        queues.withLock { queues in
            for recipient in recipients {
                var queue = queues[recipient, default: Queue()]
                queue.events.append(event)
                if queue.events.count > limit {
                    let dropped = queue.events.count - limit
                    queue.events.removeFirst(dropped)
                    queue.announced = max(0, queue.announced - dropped)
                }
                queues[recipient] = queue
            }
        }
    }

    /// Everything queued for `recipient`, emptying their queue.
    public func take(for recipient: String) -> [Event] {
        queues.withLock { $0.removeValue(forKey: recipient)?.events ?? [] }
    }

    /// The unread events no tool result of `recipient`'s has announced yet, and how many are
    /// unread in all; marks them announced (they stay unread until get_notifications).
    func announce(for recipient: String) -> (fresh: [Event], unread: Int) {
        queues.withLock { queues in
            guard var queue = queues[recipient], queue.announced < queue.events.count else { return ([], 0) }
            let fresh = Array(queue.events[queue.announced...])
            queue.announced = queue.events.count
            queues[recipient] = queue
            return (fresh, queue.events.count)
        }
    }
}
