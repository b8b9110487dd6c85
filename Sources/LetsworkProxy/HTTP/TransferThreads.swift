import Foundation

/// Threads for blocking libcurl transfers, kept for reuse: starting a thread per request cost
/// more than the rest of the proxy's work on a call. A job goes to a waiting thread when there is
/// one, otherwise to a new thread up to ``limit``, so concurrent transfers do not queue behind
/// each other; past the limit they wait for a thread to come free.
///
/// Why a limit: an agent that fires many calls at once (or a host that stalls) would otherwise
/// get one thread per call in flight, each with its stack, kept for the proxy's whole life.
/// The proxy holds one long transfer (the server's event stream) and a few calls at a time;
/// sixteen leaves room for bursts far beyond that.
final class TransferThreads: @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `waiting` and `started` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var waiting = 0
    private var started = 0
    /// The most threads this pool starts.
    let limit: Int

    static let shared = TransferThreads(limit: 16)

    init(limit: Int) {
        precondition(limit > 0, "a pool of transfer threads needs at least one")
        self.limit = limit
    }

    /// Threads started so far (never more than ``limit``).
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return started
    }

    func run(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        if waiting > 0 {
            // Counted off here, not by the thread that wakes, so a second job arriving before
            // that thread runs starts a thread of its own instead of waiting for the first.
            waiting -= 1
            condition.signal()
            condition.unlock()
        } else if started < limit {
            started += 1
            condition.unlock()
            let thread = Thread { [self] in work() }
            thread.start()
        } else {
            // Every thread is busy: the first to finish its transfer takes this job.
            condition.unlock()
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
