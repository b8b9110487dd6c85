import Foundation
import Synchronization
import Testing
@testable import LetsworkReviewPage

/// Browser sessions of the review page end: after their idle time, and when too many live.
@Suite("Review page: sessions end")
struct ReviewAccessTests {
    /// A clock the test moves by hand.
    final class HandClock: Sendable {
        private let time = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { time.withLock { $0 } }
        func advance(_ duration: Duration) { time.withLock { $0 += duration } }
    }

    @Test("a session lives while used and ends after its idle time; its cookie then opens nothing")
    func idleSessionsEnd() async throws {
        let clock = HandClock()
        let access = ReviewAccess(idleTimeout: .seconds(60), now: { clock.now })
        let session = try #require(await access.redeem(await access.issueLoginSecret()))
        let csrf = try #require(await access.csrfToken(ofSession: session))
        clock.advance(.seconds(50))
        #expect(await access.csrfToken(ofSession: session) == csrf, "a session in use must stay")
        clock.advance(.seconds(50))
        #expect(await access.csrfToken(ofSession: session) == csrf, "each request renews the idle time")
        clock.advance(.seconds(61))
        #expect(await access.csrfToken(ofSession: session) == nil)
        #expect(await access.liveSessions == 0)
    }

    @Test("a login past the limit ends the least recently used session, not the others")
    func boundedSessions() async throws {
        let clock = HandClock()
        let access = ReviewAccess(maximumSessions: 3, now: { clock.now })
        var sessions: [String] = []
        for _ in 0..<3 {
            sessions.append(try #require(await access.redeem(await access.issueLoginSecret())))
            clock.advance(.seconds(1))
        }
        _ = await access.csrfToken(ofSession: sessions[0]) // the oldest is used again: now sessions[1] is the least recent
        clock.advance(.seconds(1))
        let fourth = try #require(await access.redeem(await access.issueLoginSecret()))
        #expect(await access.liveSessions == 3)
        #expect(await access.csrfToken(ofSession: sessions[1]) == nil)
        for kept in [sessions[0], sessions[2], fourth] { #expect(await access.csrfToken(ofSession: kept) != nil) }
    }

    @Test("two pages have two cookie names, so logging into one leaves the other's login alone")
    func cookiePerPage() {
        let one = ReviewAccess(), two = ReviewAccess()
        #expect(one.cookieName != two.cookieName)
        #expect(one.cookieName.hasPrefix("letswork_review_"))
        let header = one.cookie(for: "abc", path: "/review")
        #expect(header == "\(one.cookieName)=abc; HttpOnly; SameSite=Strict; Path=/review")
    }
}
