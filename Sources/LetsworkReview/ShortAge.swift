/// How long ago something happened, as `letswork pending` and the review page print it: "5s",
/// "3m", "2h", "4d", in whole units rounded down. A time ahead of `now` (another machine's
/// clock) reads "0s" rather than a negative age.
public enum ShortAge {
    public static func text(since time: Int64, now: Int64) -> String {
        let seconds = max(0, now - time)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86400)d"
        }
    }
}
