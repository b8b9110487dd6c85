import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Fixtures/bin` of this package: the fake `claude` and `cloudflared`.
let fakesFolder: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // LetsworkStartTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // the package
    .appendingPathComponent("Fixtures/bin").path

/// The test process's PATH without any folder that holds a real `claude` or `cloudflared`, so a
/// test never reaches the real tools (or the network).
let plainPath: String = {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    return path.split(separator: ":").map(String.init).filter { folder in
        !["claude", "cloudflared"].contains { FileManager.default.isExecutableFile(atPath: folder + "/" + $0) }
    }.joined(separator: ":")
}()

/// Which external tools a `letswork` process finds on its PATH.
enum Fakes {
    /// Fixtures/bin first: the fake `claude` and `cloudflared`.
    case installed
    /// Neither tool anywhere on PATH.
    case none
}

/// A temporary folder that holds one test's outputs (stdout, stderr, the fakes' log), outside
/// the repository under test so that nothing of the test shows up in its listing or `git status`.
final class Scratch: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("letswork-start-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    var fakeLog: String { path + "/fakes.log" }

    /// The fakes' log, one entry per line, each split at tabs: `["claude", "mcp", "add", …]`.
    var fakeCalls: [[String]] {
        let text = (try? String(contentsOfFile: fakeLog, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The pids the fake cloudflared recorded.
    var cloudflaredPIDs: [pid_t] {
        fakeCalls.filter { $0.first == "cloudflared:pid" }.compactMap { $0.count > 1 ? pid_t($0[1]) : nil }
    }
}

/// A `letswork` process started as a user would, with its output going to files (so the test
/// can read it while the process runs) and a bounded wait for everything.
final class LetsworkProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is configured before `run()` and afterwards only read
    // through Foundation's thread-safe accessors; the other fields are immutable.
    let process = Process()
    let scratch: Scratch
    let folder: String
    private let name: String

    /// Starts `letswork arguments…` in `folder`.
    /// - Parameter environment: added to (or, with an empty value, removed from) the inherited one.
    init(_ arguments: [String], in folder: String, fakes: Fakes = .installed, scratch: Scratch,
         environment: [String: String] = [:]) throws {
        self.scratch = scratch
        self.folder = folder
        name = UUID().uuidString.prefix(6).lowercased()
        var env = ProcessInfo.processInfo.environment
        // No desktop: Claude Code must never open a window from a test.
        env["DISPLAY"] = nil
        env["WAYLAND_DISPLAY"] = nil
        env["NO_COLOR"] = "1"
        env["PATH"] = fakes == .installed ? fakesFolder + ":" + plainPath : plainPath
        env["LETSWORK_FAKE_LOG"] = scratch.fakeLog
        for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
        process.environment = env
        process.executableURL = URL(fileURLWithPath: letsworkExecutable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
        defer {
            // The child has its own copies once started.
            try? output.close()
            try? errors.close()
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    private var outputPath: String { scratch.path + "/\(name).out" }
    private var errorsPath: String { scratch.path + "/\(name).err" }

    /// Everything the process printed so far.
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? "" }

    /// Waits up to `timeout` for the process to end; its exit status, or nil if it still runs.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32? {
        let ended = try await eventually(timeout: timeout) { !self.process.isRunning }
        guard ended else { return nil }
        // A death by signal is never a clean exit, whatever its number.
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    /// Sends `signal` to this process only (not its children).
    func send(_ signal: Int32) { kill(pid, signal) }

    /// Ends the process if it still runs, and any fake cloudflared it left behind. Safe to call
    /// more than once; every test calls it in a `defer`.
    func killIfRunning() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
        for child in scratch.cloudflaredPIDs where kill(child, 0) == 0 {
            kill(child, SIGKILL)
        }
    }
}

/// The outcome of a `letswork` command that ran to completion.
struct Finished {
    let status: Int32
    let output: String
    let errors: String
}

/// Runs `letswork arguments…` in `folder` to completion (killed after `timeout`).
func letswork(_ arguments: [String], in folder: String, fakes: Fakes = .installed, scratch: Scratch,
              environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Finished {
    let running = try LetsworkProcess(arguments, in: folder, fakes: fakes, scratch: scratch, environment: environment)
    defer { running.killIfRunning() }
    let status = try await running.waitForExit(timeout: timeout)
    try #require(status != nil, "letswork \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    return Finished(status: status!, output: running.output, errors: running.errors)
}

/// Polls `condition` every 50 ms until it holds or `timeout` passes; whether it held.
func eventually(timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// Whether a process with this pid exists (a zombie counts as gone once reaped).
func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

/// A plain folder (no git repository) in the temporary directory, removed when `body` ends.
func withPlainFolder(files: [String: String] = [:], _ body: (String) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("letswork-plain-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, content) in files {
        try Data(content.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
    }
    try await body(folder)
}
