import Foundation
@testable import LetsworkProxy
import Synchronization
import Testing

@Suite("Transfer threads")
struct TransferThreadsTests {
    @Test("a burst of blocking jobs runs on at most the pool's limit of threads, and every job runs")
    func bounded() async throws {
        let pool = TransferThreads(limit: 4)
        let running = Mutex((now: 0, most: 0, done: 0))
        let jobs = 40
        for _ in 0..<jobs {
            pool.run {
                running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                usleep(5_000)  // a blocking transfer
                running.withLock { $0.now -= 1; $0.done += 1 }
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while running.withLock({ $0.done }) < jobs && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(running.withLock { $0.done } == jobs, "every queued job runs")
        #expect(pool.threadCount == 4)
        #expect(running.withLock { $0.most } == 4, "never more jobs at once than threads")
    }
}
