import Foundation
import LetsworkTestSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An MCP client over stdio, as an agent is: spawns `letswork proxy`, writes JSON-RPC lines to
/// its standard input and reads the lines of its standard output.
final class StdioClient: @unchecked Sendable {
    // @unchecked Sendable: `process` and the pipes are set up in init; lines go through a Mutex.
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lines = Mutex<[String]>([])
    let errorLog: String

    /// - Parameters:
    ///   - arguments: after the executable, e.g. `["proxy", "--url", url]`.
    ///   - environment: added to the test environment (`LETSWORK_TOKEN` …).
    init(executable: String = letsworkExecutable, _ arguments: [String], environment: [String: String]) throws {
        errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-proxy-\(UUID().uuidString.prefix(8)).err").path
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorLog))
        defer { try? errors.close() }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = testEnvironment(environment)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let reader = output.fileHandleForReading
        let thread = Thread { [self] in
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    lines.withLock { $0.append(line) }
                    pending = Data(pending[(newline + 1)...])
                }
            }
        }
        thread.start()
    }

    var errors: String { (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "" }
    var allLines: [String] { lines.withLock { $0 } }

    /// Writes one message (one line).
    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    func send(json: [String: Any]) throws {
        try send(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
    }

    /// The raw line of the answer with this id, waiting up to `timeout`.
    func line(forID id: Int, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = allLines.first(where: { Self.id(of: $0) == id }) { return line }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("no answer with id \(id) within \(timeout); stdout so far:\n\(allLines.joined(separator: "\n"))\nstderr:\n\(errors)")
    }

    /// Sends a request and returns its answer, decoded.
    func call(_ id: Int, _ method: String, _ params: [String: Any] = [:], timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        try send(json: ["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        return try Self.decode(try await line(forID: id, timeout: timeout))
    }

    func tool(_ id: Int, _ name: String, _ arguments: [String: Any] = [:]) async throws -> [String: Any] {
        let answer = try await call(id, "tools/call", ["name": name, "arguments": arguments])
        guard let result = answer["result"] as? [String: Any] else { throw TestFailure("\(name) got no result: \(answer)") }
        return result
    }

    /// `initialize` + `notifications/initialized`, as an agent starts.
    @discardableResult
    func initialize(id: Int = 0) async throws -> [String: Any] {
        let answer = try await call(id, "initialize", [
            "protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
            "clientInfo": ["name": "letswork-proxy-tests", "version": "1"],
        ])
        try send(json: ["jsonrpc": "2.0", "method": "notifications/initialized"])
        return answer
    }

    /// Closes standard input (the agent went away) and waits (bounded) for the exit status.
    func closeInput(timeout: Duration = .seconds(15)) async throws -> Int32? {
        try input.fileHandleForWriting.close()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func id(of line: String) -> Int? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return json["id"] as? Int
    }

    static func decode(_ line: String) throws -> [String: Any] {
        guard let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(line)")
        }
        return json
    }
}
