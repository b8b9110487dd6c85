/// A piece of a line, marked when it is what changed between a removed line and the added line
/// that replaced it.
struct Segment: Equatable {
    let text: String
    let changed: Bool
}

/// Marks the changed words inside a pair of lines (a removed line and its replacement), with a
/// longest-common-subsequence over words, spaces and punctuation, as `git diff --word-diff` does.
enum WordDiff {
    /// Lines whose tokens multiply past this are marked whole: the table would cost more than
    /// the marking is worth for minified or generated text.
    static let maximumCells = 40_000

    static func mark(_ old: String, _ new: String) -> (old: [Segment], new: [Segment]) {
        let a = tokens(old), b = tokens(new)
        guard a.count * b.count <= maximumCells else {
            return ([Segment(text: old, changed: true)], [Segment(text: new, changed: true)])
        }
        // lengths[i][j]: LCS length of a[i...] and b[j...].
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var left: [Segment] = [], right: [Segment] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                append(a[i], false, to: &left); append(b[j], false, to: &right)
                i += 1; j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                append(b[j], true, to: &right); j += 1
            } else {
                append(a[i], true, to: &left); i += 1
            }
        }
        return (left, right)
    }

    /// Runs of letters and digits, runs of spaces, and single other characters.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentClass = 0
        for character in text {
            let kind = character.isLetter || character.isNumber || character == "_" ? 1 : character.isWhitespace ? 2 : 3
            if kind == currentClass && kind != 3 {
                current.append(character)
            } else {
                if !current.isEmpty { tokens.append(current) }
                current = String(character)
                currentClass = kind
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func append(_ text: String, _ changed: Bool, to segments: inout [Segment]) {
        if let last = segments.last, last.changed == changed {
            segments[segments.count - 1] = Segment(text: last.text + text, changed: changed)
        } else {
            segments.append(Segment(text: text, changed: changed))
        }
    }
}
