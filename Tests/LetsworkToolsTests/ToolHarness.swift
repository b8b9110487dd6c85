import Foundation
import LetsworkReview
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Synchronization
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let now = Mutex<Int64>(1_800_000_000)
    var read: @Sendable () -> Int64 { { [self] in now.withLock { $0 } } }
    func advance(minutes: Int64) { now.withLock { $0 += minutes * 60 } }
}

let hostCaller = Caller(id: "host", role: .host)
let guestCaller = Caller(id: "guest", role: .guest, initialName: "guest")
let readerCaller = Caller(id: "reader", role: .readOnlyGuest)

/// A collaboration over a fresh temporary repository.
struct ToolHarness {
    let repo: TemporaryRepository
    let collaboration: Collaboration
    let clock: TestClock

    static func with(files: [String: String] = ["README.md": "hello\n"],
                     _ body: (ToolHarness) async throws -> Void) async throws {
        try await TemporaryRepository.withAsync(files: files) { repo in
            let clock = TestClock()
            let store = try ChangeStore.open(containing: repo.path, clock: clock.read)
            try await body(ToolHarness(repo: repo, collaboration: Collaboration(store: store, clock: clock.read), clock: clock))
        }
    }

    /// Calls `tool` as `caller`; returns the text and whether it is an error.
    @discardableResult
    func call(_ tool: String, _ arguments: [String: JSONValue] = [:], as caller: Caller) async throws -> (text: String, isError: Bool, structured: JSONValue?) {
        let result = try await collaboration.call(tool, arguments: arguments, as: caller)
        return (result.text.joined(), result.isError, result.structuredContent)
    }

    func expectError(_ tool: String, _ arguments: [String: JSONValue] = [:], as caller: Caller, containing fragment: String,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await call(tool, arguments, as: caller)
        #expect(result.isError, "\(tool) \(arguments) should fail", sourceLocation: sourceLocation)
        #expect(result.text.contains(fragment), "\(result.text)", sourceLocation: sourceLocation)
    }
}
