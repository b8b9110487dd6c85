import Foundation
import GitKit
import LetsworkReview

/// Output helpers: colour only on a terminal (and never with NO_COLOR), errors on stderr.
enum Terminal {
    static let colorful: Bool = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func paint(_ text: String, _ code: String) -> String {
        colorful ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    static func bold(_ text: String) -> String { paint(text, "1") }
    static func green(_ text: String) -> String { paint(text, "32") }
    static func red(_ text: String) -> String { paint(text, "31") }
    static func yellow(_ text: String) -> String { paint(text, "33") }
    static func cyan(_ text: String) -> String { paint(text, "36") }
    static func dim(_ text: String) -> String { paint(text, "2") }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("letswork: \(message)\n".utf8))
    }

    /// "5s", "3m", "2h", "4d" ago.
    static func age(since time: Int64, now: Int64 = Int64(Date().timeIntervalSince1970)) -> String {
        ShortAge.text(since: time, now: now)
    }

    /// A unified diff with git's colours: headers bold, hunk headers cyan, - red, + green.
    static func colorDiff(_ patch: String) -> String {
        guard colorful else { return patch }
        return patch.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = String(line)
            if text.hasPrefix("diff --git") || text.hasPrefix("index ") || text.hasPrefix("--- ") || text.hasPrefix("+++ ") { return bold(text) }
            if text.hasPrefix("@@") { return cyan(text) }
            if text.hasPrefix("+") { return green(text) }
            if text.hasPrefix("-") { return red(text) }
            return text
        }.joined(separator: "\n")
    }

    static func describe(_ status: ApplyStatus?) -> String {
        switch status {
        case .clean?: return green("applies cleanly")
        case .needsMerge(let paths)?: return yellow("needs a merge (\(paths.joined(separator: ", ")))")
        case .conflicts(let conflicts)?: return red("conflicts (\(conflicts.map(\.path).joined(separator: ", ")))")
        case nil: return ""
        }
    }

    static func describe(_ conflicts: [FileConflict]) -> String {
        conflicts.map { conflict in
            var text = "  \(conflict.path): \(conflict.reason)"
            for hunk in conflict.hunks.prefix(5) {
                text += "\n    at line \(hunk.line):"
                text += hunk.host.prefix(6).map { "\n      host:     \($0)" }.joined()
                text += hunk.proposed.prefix(6).map { "\n      proposed: \($0)" }.joined()
            }
            return text
        }.joined(separator: "\n")
    }
}
