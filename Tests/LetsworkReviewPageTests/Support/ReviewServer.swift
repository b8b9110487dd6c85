import Foundation
import LetsworkTestSupport
import Testing

/// A real `letswork review --no-open` subprocess on an ephemeral loopback port, its output in a
/// file the test reads while it runs; stopped (SIGTERM, then waited for) when the test ends.
final class ReviewServer: @unchecked Sendable {
    // @unchecked Sendable: `process` is configured before `run()`, afterwards only signalled and
    // read through Foundation's thread-safe accessors; the other fields are immutable.
    let process: Process
    let outputPath: String
    let port: Int
    let loginURL: String
    /// The one-time secret, the part of the link after "#".
    let secret: String
    let firstLine: String

    private init(process: Process, outputPath: String, firstLine: String) throws {
        self.process = process
        self.outputPath = outputPath
        self.firstLine = firstLine
        loginURL = String(firstLine.dropFirst("Review: ".count))
        let parts = loginURL.split(separator: "#", maxSplits: 1)
        secret = parts.count == 2 ? String(parts[1]) : ""
        let authority = loginURL.split(separator: "/")[1]
        port = Int(authority.split(separator: ":").last ?? "") ?? 0
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Runs `body` with a review server of `repository`, stopped afterwards even when `body` throws.
    static func with<T>(_ repository: TemporaryRepository, _ body: (ReviewServer) async throws -> T) async throws -> T {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-review-\(UUID().uuidString.prefix(8)).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try launchProcess(letsworkExecutable, ["review", "--no-open", "--repo", repository.path],
                                        environment: ["DISPLAY": nil], outputPath: outputPath)
        defer {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(60)
        var text = ""
        while ContinuousClock.now < deadline {
            text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if text.contains("\n") || !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let firstLine = try #require(text.split(separator: "\n").first.map(String.init), "letswork review printed nothing: \(text)")
        let server = try ReviewServer(process: process, outputPath: outputPath, firstLine: firstLine)
        return try await body(server)
    }
}
