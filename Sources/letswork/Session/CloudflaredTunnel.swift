import Foundation

/// A cloudflared quick tunnel to the session's loopback port: `cloudflared tunnel --url …`,
/// whose public `https://….trycloudflare.com` address is read from its output. If cloudflared
/// exits while the session runs, it is started again; a quick tunnel's hostname changes then,
/// so `onNewURL` hears the new one (to print a new join command).
final class CloudflaredTunnel: @unchecked Sendable {
    // @unchecked Sendable: the mutable fields are only touched while `lock` is held.
    private let lock = NSLock()
    private var child: ChildProcess?
    private var stopping = false
    private var restarts = 0
    private var restartHandler: (@Sendable (String) -> Void)?

    /// Called with the new URL after cloudflared was restarted.
    var onRestart: (@Sendable (String) -> Void)? {
        get { lock.withLock { restartHandler } }
        set { lock.withLock { restartHandler = newValue } }
    }

    let executable: String
    let port: Int
    let timeout: Duration

    static let installHint = "Install cloudflared (Debian/Ubuntu: see https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/, macOS: brew install cloudflared), or share the session through your own tunnel with --public-url URL (ssh -R, tailscale, ngrok)."

    init(executable: String, port: Int, timeout: Duration = .seconds(30)) {
        self.executable = executable
        self.port = port
        self.timeout = timeout
    }

    /// Starts cloudflared and returns the public URL once it prints it.
    /// - Throws: when cloudflared cannot start, exits first, or prints no URL within `timeout`.
    func start() async throws -> String {
        let child = try ChildProcess.spawn(executable, ["tunnel", "--no-autoupdate", "--url", "http://127.0.0.1:\(port)"],
                                           captureOutput: true)
        lock.withLock { self.child = child }
        let found = Once<String>()
        let buffer = LockedText()
        // Keep reading for as long as cloudflared runs, so it never blocks on a full pipe.
        child.output?.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            if let url = Self.publicURL(in: buffer.append(String(decoding: data, as: UTF8.self))) {
                found.resolve(.success(url))
            }
        }
        Task { [weak self] in
            let status = await child.waitForExit()
            found.resolve(.failure(ValidationErrorMessage("cloudflared exited (status \(status)) before opening a tunnel: \(buffer.text.suffix(300))")))
            self?.exited(child)
        }
        let timeout = self.timeout
        let timer = Task {
            try? await Task.sleep(for: timeout)
            found.resolve(.failure(ValidationErrorMessage("cloudflared printed no tunnel URL within \(timeout); check your network, or use --public-url or --tunnel none.")))
        }
        defer { timer.cancel() }
        do {
            return try await found.value()
        } catch {
            await child.terminate()
            throw error
        }
    }

    /// Stops cloudflared for good (SIGTERM, then SIGKILL after a grace period) and waits for it.
    func stop() async {
        let child = lock.withLock { () -> ChildProcess? in
            stopping = true
            return self.child
        }
        await child?.terminate()
    }

    private func exited(_ child: ChildProcess) {
        let again = lock.withLock { () -> Bool in
            guard !stopping, self.child === child, restarts < 20 else { return false }
            restarts += 1
            return true
        }
        guard again else { return }
        Task {
            try? await Task.sleep(for: .seconds(2))
            if let url = try? await start() { onRestart?(url) }
        }
    }

    /// The quick tunnel's address in cloudflared's output, if it is there yet.
    static func publicURL(in text: String) -> String? {
        guard let range = text.range(of: #"https://[a-z0-9-]+\.trycloudflare\.com"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }
}

/// A value that arrives once, from any thread, awaited by one task.
final class Once<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `result` and `waiter` are only touched while `lock` is held.
    private let lock = NSLock()
    private var result: Result<Value, Error>?
    private var waiter: CheckedContinuation<Value, Error>?

    var isResolved: Bool { lock.withLock { result != nil } }

    /// The value, if it has arrived (nil before, or if it arrived as an error).
    var resolvedValue: Value? { lock.withLock { try? result?.get() } }

    func resolve(_ outcome: Result<Value, Error>) {
        let waiter = lock.withLock { () -> CheckedContinuation<Value, Error>? in
            guard result == nil else { return nil }
            result = outcome
            defer { self.waiter = nil }
            return self.waiter
        }
        waiter?.resume(with: outcome)
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready = lock.withLock { () -> Result<Value, Error>? in
                if result == nil { waiter = continuation }
                return result
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

/// Text accumulated from several threads.
final class LockedText: @unchecked Sendable {
    // @unchecked Sendable: `storage` is only touched while `lock` is held.
    private let lock = NSLock()
    private var storage = ""
    /// Appends and returns the text so far (its last 64 KiB: cloudflared may run for days).
    func append(_ more: String) -> String {
        lock.withLock {
            storage += more
            if storage.utf8.count > 65_536 { storage = String(storage.suffix(32_768)) }
            return storage
        }
    }
    var text: String { lock.withLock { storage } }
}
