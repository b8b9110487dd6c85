import Foundation

/// A cloudflared quick tunnel to the session's loopback port: `cloudflared tunnel --url …`,
/// whose public `https://….trycloudflare.com` address is read from its output. If cloudflared
/// exits while the session runs, it is started again; a quick tunnel's hostname changes then,
/// so `onNewURL` hears the new one (to print a new join command).
final class CloudflaredTunnel: @unchecked Sendable {
    // @unchecked Sendable: the mutable fields are only touched while `lock` is held.
    private let lock = NSLock()
    private var process: Process?
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
    func start(onNewURL: @escaping @Sendable (String) -> Void = { _ in }) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["tunnel", "--no-autoupdate", "--url", "http://127.0.0.1:\(port)"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let found = Once<String>()
        let buffer = LockedText()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { handle.readabilityHandler = nil; return }
            if let url = Self.publicURL(in: buffer.append(String(decoding: data, as: UTF8.self))) {
                found.resolve(.success(url))
            }
        }
        process.terminationHandler = { [weak self] finished in
            found.resolve(.failure(ValidationErrorMessage("cloudflared exited (status \(finished.terminationStatus)) before opening a tunnel: \(buffer.text.suffix(300))")))
            self?.exited(onNewURL: onNewURL)
        }
        lock.withLock { self.process = process }
        try process.run()
        let timeout = self.timeout
        let timer = Task {
            try? await Task.sleep(for: timeout)
            found.resolve(.failure(ValidationErrorMessage("cloudflared printed no tunnel URL within \(timeout); check your network, or use --public-url or --tunnel none.")))
        }
        defer { timer.cancel() }
        do {
            return try await found.value()
        } catch {
            process.terminate()
            throw error
        }
    }

    /// Stops cloudflared for good.
    func stop() {
        let process = lock.withLock { () -> Process? in
            stopping = true
            return self.process
        }
        if let process, process.isRunning { process.terminate() }
    }

    private func exited(onNewURL: @escaping @Sendable (String) -> Void) {
        let again = lock.withLock { () -> Bool in
            guard !stopping, restarts < 20 else { return false }
            restarts += 1
            return true
        }
        guard again else { return }
        Task {
            try? await Task.sleep(for: .seconds(2))
            if let url = try? await start(onNewURL: onNewURL) { onNewURL(url) }
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
    func append(_ more: String) -> String { lock.withLock { storage += more; return storage } }
    var text: String { lock.withLock { storage } }
}
