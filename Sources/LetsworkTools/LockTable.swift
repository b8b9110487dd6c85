import Synchronization

/// Exclusive per-file locks, one holder each. A lock lapses when its holder has made no tool
/// call for `timeout` (30 minutes by default), when the change it guards is decided, or when the
/// host forces it open.
public final class LockTable: Sendable {
    public struct Lock: Sendable, Equatable {
        public let path: String
        public let holderID: String
        public var holderName: String
        public let since: Int64
    }

    private struct State {
        var locks: [String: Lock] = [:]
        var lastActivity: [String: Int64] = [:]
        /// Locks that lapsed and nobody has been told of yet (see ``takeExpired()``).
        var expired: [Lock] = []
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Int64
    public let timeout: Int64

    public init(timeout: Int64 = 30 * 60, clock: @escaping @Sendable () -> Int64) {
        self.timeout = timeout
        self.clock = clock
    }

    /// Records that `holderID` did something, which keeps their locks alive.
    public func touch(_ holderID: String) {
        let now = clock()
        state.withLock { $0.lastActivity[holderID] = now }
    }

    /// Current locks, expired ones dropped.
    public func all() -> [Lock] {
        state.withLock { state in
            expire(&state)
            return state.locks.values.sorted { $0.path < $1.path }
        }
    }

    public func holder(of path: String) -> Lock? {
        state.withLock { state in
            expire(&state)
            return state.locks[path]
        }
    }

    /// Takes the lock; returns the other holder's lock instead if someone else has it.
    public func acquire(_ path: String, by holderID: String, name: String) -> Lock? {
        let now = clock()
        return state.withLock { state in
            expire(&state)
            state.lastActivity[holderID] = now
            if let existing = state.locks[path], existing.holderID != holderID { return existing }
            state.locks[path] = state.locks[path] ?? Lock(path: path, holderID: holderID, holderName: name, since: now)
            return nil
        }
    }

    /// Releases `path` if `holderID` holds it (nil holder: whoever holds it). Returns the lock released.
    @discardableResult
    public func release(_ path: String, by holderID: String?) -> Lock? {
        state.withLock { state in
            guard let lock = state.locks[path], holderID == nil || lock.holderID == holderID else { return nil }
            state.locks[path] = nil
            return lock
        }
    }

    /// Releases every lock `holderID` holds on `paths` (when their change is decided).
    public func release(paths: [String], heldBy holderID: String) -> [Lock] {
        paths.compactMap { release($0, by: holderID) }
    }

    /// The locks that lapsed since the last call, for the events that tell their holders.
    public func takeExpired() -> [Lock] {
        state.withLock { state in
            expire(&state)
            defer { state.expired = [] }
            return state.expired.sorted { $0.path < $1.path }
        }
    }

    private func expire(_ state: inout State) {
        let now = clock()
        for (path, lock) in state.locks where now - (state.lastActivity[lock.holderID] ?? lock.since) >= timeout {
            state.locks[path] = nil
            state.expired.append(lock)
        }
    }
}
