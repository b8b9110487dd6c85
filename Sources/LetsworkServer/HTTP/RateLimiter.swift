import Synchronization

/// How many requests a guest may send: a token bucket that holds `burst` requests and refills
/// at `requestsPerSecond`. An agent working normally sends a few requests a second, in bursts
/// of tens; the defaults leave it far from the limit and stop a runaway loop or a flood.
public struct RateLimit: Sendable, Equatable {
    /// The sustained rate, in requests per second.
    public var requestsPerSecond: Double
    /// How many requests may come at once after a quiet spell.
    public var burst: Int

    /// Creates a limit.
    /// - Parameters:
    ///   - requestsPerSecond: The sustained rate (greater than 0).
    ///   - burst: The bucket's size (at least 1).
    public init(requestsPerSecond: Double, burst: Int) {
        self.requestsPerSecond = max(requestsPerSecond, 0.001)
        self.burst = max(burst, 1)
    }

    /// 50 requests a second, bursts of 200.
    public static let guestDefault = RateLimit(requestsPerSecond: 50, burst: 200)
}

/// One token bucket per principal, for every authenticated request that is not the host's.
///
/// Keyed by the principal's id (from the token), not by address: every guest request arrives
/// from the tunnel on 127.0.0.1, so an address says nothing about who sent it. The host is never
/// limited: their own agent on loopback must never be slowed by what a guest does. Buckets are
/// bounded by the number of tokens the session issued.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let buckets = Mutex<[String: Bucket]>([:])

    /// Takes one request from `principalID`'s bucket. Returns nil when the request may go on,
    /// otherwise how long until the next one would be admitted.
    func admit(_ principalID: String, under limit: RateLimit, at now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            var bucket = buckets[principalID] ?? Bucket(tokens: Double(limit.burst), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(limit.burst), bucket.tokens + max(seconds, 0) * limit.requestsPerSecond)
            bucket.updated = now
            defer { buckets[principalID] = bucket }
            guard bucket.tokens >= 1 else {
                return .seconds((1 - bucket.tokens) / limit.requestsPerSecond)
            }
            bucket.tokens -= 1
            return nil
        }
    }

    /// The `Retry-After` value for a wait: whole seconds, at least 1 (RFC 9110 §10.2.3).
    static func retryAfterSeconds(_ wait: Duration) -> Int {
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        return max(1, Int(seconds.rounded(.up)))
    }
}
