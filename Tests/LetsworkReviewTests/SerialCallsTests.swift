import Dispatch
import Foundation
import Testing
import LetsworkTestSupport
@testable import LetsworkReview

/// What happened, in order, across the test and the store's queue.
private final class Trace: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("The store's calls for async code")
struct SerialCallsTests {
    @Test("a follow-up runs after its caller has the result, and before anything queued after the operation")
    func followUpAfterTheAnswer() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "one\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let trace = Trace()
            let release = DispatchSemaphore(value: 0)
            // The follow-up waits for the caller to say it has its result: run before the
            // answer, it would time out, and the trace would say so. The wait is long (a
            // regression costs five minutes rather than making a flaky run) because the caller
            // resumes on the cooperative pool, which the other suites, running at once on a
            // 2-core machine, kept busy for tens of seconds in CI.
            let result = try await store.serial.submit([write("a.txt", "two\n")], by: alice) { _ in
                trace.add(release.wait(timeout: .now() + 300) == .success ? "follow-up ended" : "follow-up timed out")
            }
            trace.add("caller has \(result.changeID)")
            async let next: Void = store.serial.run { _ in trace.add("next operation") }
            release.signal()
            try await next
            #expect(trace.all == ["caller has \(result.changeID)", "follow-up ended", "next operation"])
        }
    }

    @Test("an operation that fails runs no follow-up; a rejection runs it once")
    func followUpOnlyOnSuccess() async throws {
        try await TemporaryRepository.withAsync(files: ["a.txt": "one\n"]) { repo in
            let store = try ChangeStore.open(containing: repo.path)
            let trace = Trace()
            let binary = FileOperation.write(try RepoPath("x.bin"), content: [0x00, 0x01])
            await #expect(throws: ReviewError.self) {
                _ = try await store.serial.submit([binary], by: alice) { _ in trace.add("follow-up") }
            }
            let change = try await store.serial.submit([write("a.txt", "two\n")], by: alice)
            try await store.serial.reject(change.changeID, reason: "not now") { _ in trace.add("follow-up") }
            await #expect(throws: ReviewError.self) {
                try await store.serial.reject(change.changeID, reason: "again") { _ in trace.add("follow-up") }
            }
            _ = try await store.serial.run { _ in }  // after whatever the rejection queued
            #expect(trace.all == ["follow-up"])
        }
    }
}
