import Foundation
import LetsworkReview
import Logging
import LetsworkProtocol
import Synchronization

/// One letswork session's shared state, as the MCP tools see it: the review engine, the path
/// sandbox, file locks, each caller's inbox and display name. Knows nothing of HTTP: the server
/// turns a bearer token into a ``Caller`` and the CLI wires the ``Hooks``.
public final class Collaboration: Sendable {
    public let store: ChangeStore
    public let sandbox: PathSandbox
    public let locks: LockTable
    /// Every participant's events (see ``EventLog``).
    public let events: EventLog
    let watch = ChangeWatch()
    let clock: @Sendable () -> Int64
    let hooks: Hooks
    let memoryReturn: MemoryReturn
    let logger: Logger
    private let names = Mutex<[String: String]>([:])

    /// Someone in the session, as get_status shows them.
    public struct Participant: Sendable, Equatable {
        public let id: String
        public let name: String
        public let role: String
        /// Seconds since their last request, nil if never seen.
        public let lastSeenSecondsAgo: Int64?
        public let connected: Bool

        public init(id: String, name: String, role: String, lastSeenSecondsAgo: Int64?, connected: Bool) {
            self.id = id
            self.name = name
            self.role = role
            self.lastSeenSecondsAgo = lastSeenSecondsAgo
            self.connected = connected
        }
    }

    /// What the session reports to the host's terminal, as it happens.
    public struct FeedEvent: Sendable {
        public enum Kind: String, Sendable { case submission, decision, lock, rename, call, delivery }
        public let kind: Kind
        public let message: String
    }

    /// Connections to the rest of the program, set by whoever composes the session.
    public struct Hooks: Sendable {
        /// Who is in the session and when each was last seen.
        public var participants: @Sendable () async -> [Participant]
        /// A guest took a new display name (for the connection list).
        public var renamed: @Sendable (_ id: String, _ name: String) async -> Void
        /// The host's live feed.
        public var feed: @Sendable (FeedEvent) -> Void

        public init(participants: @escaping @Sendable () async -> [Participant] = { [] },
                    renamed: @escaping @Sendable (String, String) async -> Void = { _, _ in },
                    feed: @escaping @Sendable (FeedEvent) -> Void = { _ in }) {
            self.participants = participants
            self.renamed = renamed
            self.feed = feed
        }
    }

    public init(store: ChangeStore, lockTimeout: Int64 = 30 * 60, hooks: Hooks = Hooks(),
                events: EventLog = EventLog(), memoryReturn: MemoryReturn = .never,
                logger: Logger = Logger(label: "letswork.tools"),
                clock: @escaping @Sendable () -> Int64 = ChangeStore.systemClock) {
        self.store = store
        sandbox = PathSandbox(root: store.root)
        locks = LockTable(timeout: lockTimeout, clock: clock)
        self.events = events
        // The ledger as found is where news starts; a resumed session's journal instead names
        // the commit it last told of, so decisions made while it was down are told too.
        if events.rememberedLedger == nil, let view = try? store.ledgerView() {
            watch.state.withLock { $0.view = view }
            if let tip = view.tip { events.rememberLedger(tip) }
        }
        self.clock = clock
        self.hooks = hooks
        self.memoryReturn = memoryReturn
        self.logger = logger
    }

    /// The name `caller` goes by: the host's git name, or the guest's chosen display name.
    public func name(of caller: Caller) -> String {
        if caller.isHost { return store.host.name }
        return names.withLock { $0[caller.id] } ?? caller.initialName
    }

    func setName(_ name: String, for caller: Caller) {
        names.withLock { $0[caller.id] = name }
    }

    func person(for caller: Caller) -> Person {
        caller.isHost ? store.host : Person(id: caller.id, name: name(of: caller))
    }

    func notify(_ draft: EventDraft, to recipients: [String]) {
        events.post(draft, to: recipients, time: clock())
    }

    /// Tells the host a guest joined or left (the server sees connections; the tools do not).
    public func tellHost(guest name: String, id: String, joined: Bool) {
        notify(EventDraft(joined ? .guestConnected : .guestLeft, "\(name) \(joined ? "joined" : "left") the session.",
                          meta: ["guest": name, "guest_id": id]), to: ["host"])
    }
}
