import Foundation

/// Threads for blocking libcurl transfers, kept for reuse: starting a thread per request cost
/// more than the rest of the proxy's work on a call. A job goes to a waiting thread when there is
/// one, otherwise to a new thread, so concurrent transfers never queue behind each other.
final class TransferThreads: @unchecked Sendable {
    // @unchecked Sendable: `jobs` and `waiting` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var waiting = 0

    static let shared = TransferThreads()

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if waiting > 0 {
            // Counted off here, not by the thread that wakes, so a second job arriving before
            // that thread runs starts a thread of its own instead of waiting for the first.
            waiting -= 1
            condition.signal()
            condition.unlock()
        } else {
            condition.unlock()
            let thread = Thread { [self] in work() }
            thread.start()
        }
    }

    private func work() {
        condition.lock()
        while true {
            if !jobs.isEmpty {
                let job = jobs.removeFirst()
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            waiting += 1
            condition.wait()
        }
    }
}
