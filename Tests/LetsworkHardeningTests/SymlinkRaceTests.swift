import Foundation
import LetsworkServer
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `renameat2(2)` with `RENAME_EXCHANGE` (Linux 3.15, glibc 2.28), looked up at run time because
/// Swift's Glibc module does not declare it: swaps two names in one atomic step.
private let exchangeNames: (@Sendable (String, String) -> Bool)? = {
    #if os(Linux)
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
    let function = unsafeBitCast(symbol, to: RenameAt2.self)
    return { first, second in function(AT_FDCWD, first, AT_FDCWD, second, 2 /* RENAME_EXCHANGE */) == 0 }
    #else
    return nil
    #endif
}()

/// Swaps a folder of the repository with a symbolic link to a folder outside it, over and over,
/// on its own thread, until stopped: the classic check-then-use race against the sandbox. Each
/// swap is atomic, so the folder's name always exists — as the real folder or as the link.
private final class FolderSwapper: @unchecked Sendable {
    // @unchecked Sendable: `stopped` and `swaps` are only touched while `lock` is held, or after
    // `done` was signalled; the rest is immutable.
    private let lock = NSLock()
    private var stopped = false
    private var swaps = 0
    private let done = DispatchSemaphore(value: 0)

    init(folder: String, outside: String, exchange: @escaping @Sendable (String, String) -> Bool) {
        let link = folder + "-link"
        symlink(outside, link)
        Thread.detachNewThread { [self] in
            var count = 0
            // Bounded: at most ten million swaps, whatever happens to the test.
            for _ in 0..<10_000_000 {
                if count % 64 == 0 && isStopped { break }
                if exchange(folder, link) { count += 1 }
            }
            // Leave the real folder under its name, and no link.
            var info = stat()
            if lstat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK { _ = exchange(folder, link) }
            unlink(link)
            lock.lock()
            swaps = count
            lock.unlock()
            done.signal()
        }
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Stops swapping and waits for the folder to be back; returns how many swaps were done.
    func stop() -> Int {
        lock.lock()
        stopped = true
        lock.unlock()
        done.wait()
        lock.lock()
        defer { lock.unlock() }
        return swaps
    }
}

@Suite("A folder swapped for a symbolic link while requests run", .serialized)
struct SymlinkRaceTests {
    static let attempts = 300

    @Test("reads, host writes and approvals under a racing link swap never reach the folder outside",
          .enabled(if: exchangeNames != nil, "needs renameat2(RENAME_EXCHANGE) (Linux)"))
    func swappedDuringRequests() async throws {
        let exchange = try #require(exchangeNames)
        try await withScratchFolder { scratch in
            let outside = scratch + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try "TOP-SECRET-OUTSIDE\n".write(toFile: outside + "/data.txt", atomically: true, encoding: .utf8)
            let repo = try TemporaryRepository.make(files: ["README.md": "hi\n", "race/data.txt": "inside\n"])
            defer { repo.remove() }
            let outcome = try await InProcessSession.with(repo, configuration: .init(guestRateLimit: nil)) { session in
                let guest = try await MCPWire.open(session.url, token: session.guestToken)
                let host = try await MCPWire.open(session.url, token: session.hostToken)
                var proposals: [String] = []
                for index in 0..<Self.attempts / 3 {
                    let reply = try await guest.call("write_file", ["path": "race/p\(index).txt", "content": "proposal \(index)\n"])
                    proposals.append(try #require(reply.changeID, "\(reply.text)"))
                }

                let swapper = FolderSwapper(folder: repo.path + "/race", outside: outside, exchange: exchange)
                var leaks: [String] = []
                var answers = (inside: 0, refused: 0)
                for index in 0..<Self.attempts {
                    let read = try await guest.call("read_file", ["path": "race/data.txt"])
                    if read.text.contains("TOP-SECRET") { leaks.append("read_file returned the outside file") }
                    if read.text == "inside\n" { answers.inside += 1 } else { answers.refused += 1 }
                    _ = try await host.call("write_file", ["path": "race/host\(index).txt", "content": "host \(index)\n"])
                    if index < proposals.count {
                        _ = try await host.call("approve_change", ["change_id": proposals[index]])
                    }
                }
                let swaps = swapper.stop()
                let escaped = (try FileManager.default.contentsOfDirectory(atPath: outside)).filter { $0 != "data.txt" }
                return (leaks, escaped, answers, swaps)
            }
            print("SymlinkRaceTests: \(outcome.3) swaps during \(Self.attempts) reads (\(outcome.2.inside) read inside, \(outcome.2.refused) refused), "
                  + "\(Self.attempts) host writes, \(Self.attempts / 3) approvals; \(outcome.0.count) leaks, \(outcome.1.count) files written outside")
            // WorkingTree opens each folder on the way with openat(O_NOFOLLOW | O_DIRECTORY) and
            // reads, writes and renames relative to it, so there is no second lookup by path for
            // a swapped-in link to redirect. (Before that fix, 9–16 of 300 reads leaked here.)
            #expect(outcome.3 > 0, "the swapper never ran; the test proved nothing")
            #expect(outcome.0.isEmpty, "\(outcome.0.count) reads went through the link: \(outcome.0.prefix(3))")
            #expect(outcome.1.isEmpty, "files written outside the repository through the link: \(outcome.1.prefix(10))")
            #expect(try String(contentsOfFile: outside + "/data.txt", encoding: .utf8) == "TOP-SECRET-OUTSIDE\n")
        }
    }
}
