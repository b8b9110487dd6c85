import Foundation

/// What the proxy knows about its MCP session on the host: the `Mcp-Session-Id` the host gave,
/// the protocol version the `initialize` result named, and the agent's own `initialize` and
/// `notifications/initialized`, kept to open a new session when the host forgets this one.
actor HostSession {
    struct Snapshot: Sendable {
        var sessionID: String?
        var protocolVersion: String?
    }

    private(set) var snapshot = Snapshot()
    private(set) var initializeMessage: Data?
    private(set) var initializedMessage: Data?
    private var recovering: Task<Snapshot, Error>?
    /// While the agent's initialize is on its way, other messages wait: they need its session id.
    private var initializing = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Called in arrival order, before the initialize is sent.
    func beginInitialize() { initializing = true }

    /// The initialize was answered (or failed): let the waiting messages go.
    func endInitialize() {
        initializing = false
        waiting.forEach { $0.resume() }
        waiting.removeAll()
    }

    func waitUntilInitialized() async {
        guard initializing else { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func remember(initialize message: Data) { initializeMessage = message }
    func remember(initialized message: Data) { initializedMessage = message }

    /// After the agent's `initialize` was answered.
    func adopt(_ fresh: Snapshot) { snapshot = fresh }

    /// Opens a new session with `reinitialize` unless another request already did since
    /// `stale` was current: concurrent requests that all got 404 share one re-initialisation.
    /// - Throws: what `reinitialize` throws.
    func recover(from stale: String?, reinitialize: @escaping @Sendable () async throws -> Snapshot) async throws {
        guard snapshot.sessionID == stale else { return }
        let task: Task<Snapshot, Error>
        if let recovering {
            task = recovering
        } else {
            task = Task { try await reinitialize() }
            recovering = task
        }
        defer { if recovering == task { recovering = nil } }
        let fresh = try await task.value
        if snapshot.sessionID == stale { snapshot = fresh }
    }
}
