import Foundation
import LetsworkTestSupport
import Testing

/// The review page in a real browser: headless Chromium driven by Selenium
/// (Tests/Python/review_page_browser.py) against a real `letswork review --no-open`.
@Suite("Review page in a real browser")
struct BrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let xssName = "<img src=x onerror=alert(1)>.txt"

    @Test("log in, read diffs and revisions, approve, reject, see the history, watch the queue update")
    func wholeReview() async throws {
        let python = try TestPython.interpreter()
        let screenshots = Self.packageRoot.appendingPathComponent(".build/review-screenshots").path
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        try await TemporaryRepository.withAsync(files: ["greeting.txt": "hello old world\nsecond line\n", "notes.txt": "notes\n"]) { repo in
            var ids: [String: String] = [:]
            ids["revised"] = try repo.propose("greeting.txt", "hello first world\nsecond line\n", by: "alice")
            _ = try repo.propose("greeting.txt", "hello second world\nsecond line\n", by: "alice")
            _ = try repo.propose("greeting.txt", "hello third world\nsecond line\nand one more\n", by: "alice")
            ids["approve"] = try repo.propose("approved.txt", "written by the browser test\n", by: "bob")
            ids["reject"] = try repo.propose("notes.txt", "rewritten notes\n", by: "carol")
            ids["xss"] = try repo.propose(Self.xssName, "<script>alert(2)</script>\n", by: "mallory")

            try await ReviewServer.with(repo) { server in
                let script = TestPython.script("review_page_browser.py")
                let arguments = [script, server.loginURL, screenshots, String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)]
                // Selenium takes a while: run it on a thread of its own, not on the cooperative pool.
                let (output, status, errors, fresh) = try await onThread { () throws -> (String, Int32, String, String?) in
                    let run = try PythonRun(python, arguments)
                    var fresh: String?
                    let output = try run.lines(timeout: .seconds(180)) { line in
                        guard line == "live?" else { return nil }
                        fresh = try repo.propose("live.txt", "proposed while the page was open\n", by: "dora")
                        return fresh
                    }
                    return (output, run.status, run.errors, fresh)
                }
                print("Review page screenshots: \(screenshots)")
                #expect(status == 0, "the browser script failed:\n\(output)\n\(errors)")
                #expect(output.contains("done"), "\(output)\n\(errors)")
                #expect(fresh != nil)
            }
            // Checked with git itself: the approval wrote the file, the rejection and its reason are recorded.
            #expect(repo.read("approved.txt") == "written by the browser test\n")
            let rejected = try repo.git("log", "refs/letswork/rejected", "--format=%B")
            #expect(rejected.contains("Reason: Please keep the <b>old</b> wording"))
            #expect(rejected.contains("Change-Id: \(ids["reject"]!)"))
            #expect(try repo.log("refs/letswork/approved", format: "%(trailers:key=Change-Id,valueonly)").joined().contains(ids["approve"]!))
            #expect(FileManager.default.fileExists(atPath: screenshots + "/change-side-by-side.png"))
        }
    }
}

/// Runs blocking work on a thread of its own and waits for it.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// A Python subprocess whose output is read line by line while it runs, and which can be
/// answered on its standard input.
final class PythonRun {
    private let process = Process()
    private let input = Pipe(), output = Pipe(), errorPipe = Pipe()
    private(set) var errors = ""

    init(_ python: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errorPipe
        try process.run()
    }

    var status: Int32 { process.terminationStatus }

    /// Reads lines until the script ends (or `timeout`, then kills it); `answer` may reply to a line.
    func lines(timeout: Duration, answer: (String) throws -> String?) throws -> String {
        let killer = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(timeout.components.seconds)), execute: killer)
        defer { killer.cancel() }
        let errorData = ErrorBox()
        let errorReader = Thread { [errorPipe] in errorData.data = errorPipe.fileHandleForReading.readDataToEndOfFile(); errorData.done.signal() }
        errorReader.start()
        var all = "", pending = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending += chunk
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[pending.index(after: newline)...])
                all += line + "\n"
                if let reply = try answer(line) { input.fileHandleForWriting.write(Data((reply + "\n").utf8)) }
            }
        }
        errorData.done.wait()
        errors = String(decoding: errorData.data, as: UTF8.self)
        process.waitUntilExit()
        return all
    }
}

/// Standard error, handed from its reading thread to the waiting one.
private final class ErrorBox: @unchecked Sendable {
    // @unchecked Sendable: `data` is written once before `done` is signalled, read after waiting.
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
