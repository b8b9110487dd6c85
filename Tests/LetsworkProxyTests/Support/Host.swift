import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `letswork start --tunnel none --no-launch` running as a subprocess in a repository, with its
/// state file read back (JSONSerialization, not the product's type) for the port and tokens.
final class Host: @unchecked Sendable {
    // @unchecked Sendable: `process` is configured before `run()` and afterwards only used
    // through Foundation's thread-safe accessors; the other fields are immutable.
    let process = Process()
    let repository: String
    let port: Int
    let guestToken: String
    let hostToken: String
    let log: String

    /// Starts the host and waits (bounded) for its state file.
    /// - Parameter extra: more options for `start`, such as `--resume`.
    init(in repository: String, port: Int = 0, extra: [String] = []) async throws {
        self.repository = repository
        log = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-host-\(UUID().uuidString.prefix(8)).log").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }
        process.executableURL = URL(fileURLWithPath: letsworkExecutable)
        process.arguments = ["start", "--tunnel", "none", "--no-launch", "--port", String(port)] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        process.environment = testEnvironment()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let statePath = repository + "/.git/letswork/session.json"
        try process.run()
        var state: [String: Any]?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && process.isRunning {
            if let data = FileManager.default.contents(atPath: statePath),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               // A stale state file of a killed host is not this one's.
               (json["pid"] as? Int).map(Int32.init) == process.processIdentifier {
                state = json
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let state, let port = state["port"] as? Int, let guest = state["guestToken"] as? String,
              let host = state["hostToken"] as? String else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw TestFailure("letswork start did not come up:\n" + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
        self.port = port
        guestToken = guest
        hostToken = host
    }

    var url: String { "http://127.0.0.1:\(port)/mcp" }
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Kills the host at once (no clean shutdown: its state file stays, as after a crash).
    func crash() {
        // A stopped (SIGSTOP) child may not count as running for Foundation; it is not reaped,
        // so its pid is still its own.
        guard process.isRunning || isStopped else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Whether the kernel shows every thread of the host stopped ("tid (name) T ..." in each
    /// /proc/PID/task/TID/stat): the main thread can stop before one still running elsewhere.
    var isStopped: Bool {
        let tasks = "/proc/\(process.processIdentifier)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks), !threads.isEmpty else { return false }
        return threads.allSatisfy { thread in
            guard let stat = try? String(contentsOfFile: "\(tasks)/\(thread)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"), stat.distance(from: close, to: stat.endIndex) > 2 else { return false }
            return stat[stat.index(close, offsetBy: 2)] == "T"
        }
    }

    /// Stops the host (SIGSTOP) and waits, bounded, until the kernel shows it stopped, so that
    /// what is sent next cannot be answered. - Returns: whether it was seen stopped.
    func freeze() async throws -> Bool {
        kill(process.processIdentifier, SIGSTOP)
        for _ in 0..<200 {
            if isStopped { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        crash()
    }
}

/// The test process's environment without a real `claude` or `cloudflared` on PATH (a test
/// never reaches the real tools) and without a desktop.
func testEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    environment["PATH"] = path.split(separator: ":").map(String.init).filter { folder in
        !["claude", "cloudflared"].contains { FileManager.default.isExecutableFile(atPath: folder + "/" + $0) }
    }.joined(separator: ":")
    environment["DISPLAY"] = nil
    environment["WAYLAND_DISPLAY"] = nil
    environment["LETSWORK_TOKEN"] = nil
    environment["LETSWORK_TOKEN_FILE"] = nil
    for (key, value) in extra { environment[key] = value.isEmpty ? nil : value }
    return environment
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 20 ms for up to `timeout`; whether it held.
func eventuallyTrue(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(20))
    }
    return true
}
