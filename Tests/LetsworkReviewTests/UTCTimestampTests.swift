import Foundation
@testable import LetsworkReview
import Testing

@Suite("Dates in the audit trail, written without Foundation's formatter")
struct UTCTimestampTests {
    @Test("Prints what Date.ISO8601Format() prints, around every month's end and over four centuries")
    func matchesFoundation() {
        var samples: [Int64] = [0, 1, 59, 60, 3599, 3600, 86_399, 86_400, -1, -86_400, -86_401,
                                951_782_400, 951_868_799, 951_868_800,  // 2000-02-29 and the day after
                                4_107_542_399, 4_107_542_400,  // 2100-02-28 23:59:59, 2100-03-01 (no leap day)
                                253_402_300_799]  // 9999-12-31 23:59:59
        // Every 3 days and 7,919 seconds for four centuries from 1900: every month's end, leap
        // years and the century rules, at times of day that wander through the clock.
        var time: Int64 = -2_208_988_800
        while time < 10_413_792_000 {
            samples.append(time)
            time += 3 * 86_400 + 7_919
        }
        for seconds in samples {
            let expected = Date(timeIntervalSince1970: TimeInterval(seconds)).ISO8601Format()
            #expect(UTCTimestamp.iso8601(seconds) == expected, "at \(seconds) s")
        }
        #expect(samples.count > 40_000)
    }
}
