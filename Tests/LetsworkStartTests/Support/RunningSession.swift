import Foundation
import Testing

/// What `.git/letswork/session.json` says about a running session, read with JSONSerialization
/// rather than the product's own type, so a mistake in its encoding cannot hide here.
struct StateFile {
    let pid: Int32
    let port: Int
    let localURL: String
    let publicURL: String?
    let hostToken: String
    let guestToken: String

    static func path(in repository: String) -> String { repository + "/.git/letswork/session.json" }

    /// The state file of `repository`'s session, nil if there is none (or not complete yet).
    static func read(in repository: String) -> StateFile? {
        guard let data = FileManager.default.contents(atPath: path(in: repository)),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let pid = json["pid"] as? Int, let port = json["port"] as? Int,
              let localURL = json["localURL"] as? String,
              let hostToken = json["hostToken"] as? String, let guestToken = json["guestToken"] as? String
        else { return nil }
        return StateFile(pid: Int32(pid), port: port, localURL: localURL, publicURL: json["publicURL"] as? String,
                         hostToken: hostToken, guestToken: guestToken)
    }

    var mcpURL: URL { URL(string: "http://127.0.0.1:\(port)/mcp")! }
}

/// A `letswork start` running as a subprocess in `repository`, with its state file read back.
struct RunningSession {
    let process: LetsworkProcess
    let state: StateFile
    let repository: String

    var scratch: Scratch { process.scratch }

    /// Starts `letswork start --port 0 --no-launch extra…` and waits (bounded) for its state file
    /// and its session box.
    static func start(in repository: String, _ extra: [String] = ["--tunnel", "none"], fakes: Fakes = .installed,
                      scratch: Scratch, environment: [String: String] = [:]) async throws -> RunningSession {
        let process = try LetsworkProcess(["start", "--port", "0", "--no-launch"] + extra, in: repository,
                                          fakes: fakes, scratch: scratch, environment: environment)
        var state: StateFile?
        let ready = try await eventually(timeout: .seconds(60)) {
            state = StateFile.read(in: repository)
            // The box comes after the state file and the Claude Code registration.
            return state != nil && process.output.contains("letswork join") || !process.process.isRunning
        }
        guard ready, let state, process.process.isRunning else {
            process.killIfRunning()
            Issue.record("letswork start did not come up (ready: \(ready)).\nstdout:\n\(process.output)\nstderr:\n\(process.errors)")
            throw StartFailed()
        }
        #expect(state.pid == process.pid)
        return RunningSession(process: process, state: state, repository: repository)
    }

    /// The join command line of the session box.
    var joinLine: String? {
        process.output.split(separator: "\n").first { $0.contains("letswork join") }.map(String.init)
    }
}

struct StartFailed: Error {}
