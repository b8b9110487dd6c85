import Foundation

/// One line of `letswork doctor`: ok, or what is wrong and what to do.
struct Finding {
    enum Level: String {
        /// Fine as it is.
        case ok
        /// A session starts, but something is missing or old (no tunnel, no channels).
        case warning
        /// A session cannot start until this is fixed.
        case error
    }

    let level: Level
    let text: String

    static func ok(_ text: String) -> Finding { Finding(level: .ok, text: text) }
    static func warning(_ text: String) -> Finding { Finding(level: .warning, text: text) }
    static func error(_ text: String) -> Finding { Finding(level: .error, text: text) }

    /// `ok       libgit2 1.7.2`, the level padded so the texts line up.
    var line: String {
        let tag = level.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
        switch level {
        case .ok: return Terminal.green(tag) + " " + text
        case .warning: return Terminal.yellow(tag) + " " + text
        case .error: return Terminal.red(tag) + " " + text
        }
    }
}
