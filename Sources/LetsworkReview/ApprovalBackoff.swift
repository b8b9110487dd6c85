/// The pauses between approval attempts while another approval holds the working tree (it does
/// for milliseconds): growing from about 2 ms to 100 ms, with jitter so that two waiting
/// processes do not retry in step, and given up after 10 seconds.
struct ApprovalBackoff {
    private let deadline = ContinuousClock.now + .seconds(10)
    private var pause: Duration = .milliseconds(2)

    /// The next pause.
    /// - Throws: ``ReviewError/busy(_:)`` with `reason` once the 10 seconds are over.
    mutating func next(_ reason: String) throws -> Duration {
        guard ContinuousClock.now < deadline else { throw ReviewError.busy(reason) }
        let current = pause
        pause = min(pause * 2, .milliseconds(100))
        return current + current * Double.random(in: 0..<1)
    }
}

extension Duration {
    /// Whole microseconds, for usleep(3).
    var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
