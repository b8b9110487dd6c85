import LetsworkReview
import Testing

@Suite("Short ages")
struct ShortAgeTests {
    @Test("each unit starts where the one below ends, rounded down")
    func boundaries() {
        let now: Int64 = 1_800_000_000
        let cases: [(Int64, String)] = [
            (0, "0s"), (59, "59s"), (60, "1m"), (119, "1m"), (3599, "59m"), (3600, "1h"),
            (86_399, "23h"), (86_400, "1d"), (400 * 86_400 + 5, "400d"),
        ]
        for (ago, expected) in cases {
            #expect(ShortAge.text(since: now - ago, now: now) == expected, "\(ago) s ago")
        }
    }

    @Test("a time ahead of the clock reads 0s, not a negative age")
    func future() {
        #expect(ShortAge.text(since: 1_000_100, now: 1_000_000) == "0s")
    }
}
