import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The test process's PATH without any folder holding a real `claude` or `cloudflared`, so a
/// host started here never opens a tunnel or registers with Claude Code.
let pathWithoutAgents: String = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map(String.init).filter { folder in
        !["claude", "cloudflared"].contains { FileManager.default.isExecutableFile(atPath: folder + "/" + $0) }
    }.joined(separator: ":")
}()

/// `letswork start --tunnel none --port P --no-launch` running in a repository as a real
/// subprocess, with its port and tokens read back from `.git/letswork/session.json` (parsed with
/// JSONSerialization, not the product's own type). Its output goes to files in `logs`, outside
/// the repository, so nothing of the test shows in `git status`.
final class HostProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is configured before `run()` and afterwards only read through
    // Foundation's thread-safe accessors; everything else is immutable.
    let process: Process
    let port: Int
    let hostToken: String
    let guestToken: String
    let outputPath: String

    var url: URL { URL(string: "http://127.0.0.1:\(port)/mcp")! }
    var pid: pid_t { process.processIdentifier }
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    static func statePath(in repository: String) -> String { repository + "/.git/letswork/session.json" }

    /// Starts the host and waits (bounded) until its state file names this process and its
    /// session box is printed.
    /// - Parameter port: 0 for any free port.
    init(in repository: String, logs: String, port requested: Int = 0, timeout: Duration = .seconds(60)) async throws {
        let name = UUID().uuidString.prefix(6).lowercased()
        outputPath = logs + "/host-\(name).out"
        let errorsPath = logs + "/host-\(name).err"
        process = try launchProcess(letsworkExecutable, ["start", "--tunnel", "none", "--port", "\(requested)", "--no-launch"],
                                    in: repository,
                                    environment: ["DISPLAY": nil, "WAYLAND_DISPLAY": nil, "NO_COLOR": "1", "PATH": pathWithoutAgents],
                                    outputPath: outputPath, errorsPath: errorsPath)

        let deadline = ContinuousClock.now + timeout
        var state: [String: Any]?
        while ContinuousClock.now < deadline, process.isRunning {
            if let data = FileManager.default.contents(atPath: Self.statePath(in: repository)),
               let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               json["pid"] as? Int == Int(process.processIdentifier),
               ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").contains("letswork join") {
                state = json
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard let state, let port = state["port"] as? Int, let host = state["hostToken"] as? String,
              let guest = state["guestToken"] as? String else {
            let stderr = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            // Lock files a killed process may have left are the usual suspects: name them.
            let locks = (FileManager.default.enumerator(atPath: repository + "/.git")?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".lock") }
            Issue.record("letswork start did not come up within \(timeout). Lock files in .git: \(locks). stderr:\n\(stderr)")
            throw HostDidNotStart()
        }
        self.port = port
        hostToken = host
        guestToken = guest
    }

    /// Kills the host with SIGKILL (no chance to clean up) and reaps it.
    func killHard() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Asks the host to stop (SIGTERM) and waits up to `timeout`, then kills it if it still runs.
    /// Returns its exit status when it stopped by itself.
    @discardableResult
    func stop(timeout: Duration = .seconds(20)) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            killHard()
            return nil
        }
        return process.terminationStatus
    }
}

struct HostDidNotStart: Error {}

/// A folder for one test's logs and outside files, removed at the end.
func withScratchFolder<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-hard-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try await body(folder)
}
