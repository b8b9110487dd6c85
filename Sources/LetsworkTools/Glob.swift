#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A path glob as agents write them: `**/*.swift`, `src/*.c`, `*.{h,c}`, `Tests/**`.
///
/// `*`, `?` and `[…]` stay within one folder level (`fnmatch` with `FNM_PATHNAME`); `**` spans
/// any number of levels, including none; `{a,b}` is expanded. A pattern without a `/` matches a
/// file's name at any depth (`*.swift` is `**/*.swift`), as `.gitignore` patterns do; one with a
/// `/` is anchored at the repository root (a leading `/` or `./` is dropped).
struct Glob: Sendable {
    let source: String
    private let alternatives: [[String]]

    init(_ pattern: String) throws {
        var trimmed = pattern.trimmingWhitespaceAndSlashes()
        guard !trimmed.isEmpty else { throw ToolFailure("The glob '\(pattern)' is empty; give one such as **/*.swift or src/*.c.") }
        if !trimmed.contains("/") { trimmed = "**/" + trimmed }
        source = pattern
        alternatives = try Self.expandBraces(trimmed).map { expanded in
            expanded.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        }
    }

    /// Whether `path` (slash-separated, relative to the root) matches.
    func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return alternatives.contains { Self.match($0[...], parts[...]) }
    }

    private static func match(_ pattern: ArraySlice<String>, _ parts: ArraySlice<Substring>) -> Bool {
        guard let head = pattern.first else { return parts.isEmpty }
        if head == "**" {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var remaining = parts
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let part = parts.first, fnmatch(head, String(part), FNM_PATHNAME) == 0 else { return false }
        return match(pattern.dropFirst(), parts.dropFirst())
    }

    /// `a{b,c}d` → `abd`, `acd` (nested braces too); unbalanced braces are an error.
    private static func expandBraces(_ pattern: String) throws -> [String] {
        let characters = Array(pattern)
        guard let open = characters.firstIndex(of: "{") else {
            if pattern.contains("}") { throw ToolFailure("The glob '\(pattern)' has a '}' without its '{'.") }
            return [pattern]
        }
        var depth = 0
        var options: [String] = []
        var current = ""
        for index in characters.indices.dropFirst(open + 1) {
            let character = characters[index]
            if character == "{" { depth += 1 }
            if character == "}" {
                if depth == 0 {
                    options.append(current)
                    let prefix = String(characters[..<open]), suffix = String(characters[(index + 1)...])
                    guard options.count <= 64 else { throw ToolFailure("The glob '\(pattern)' has too many {…} alternatives.") }
                    return try options.flatMap { try expandBraces(prefix + $0 + suffix) }
                }
                depth -= 1
            }
            if character == "," && depth == 0 { options.append(current); current = "" } else { current.append(character) }
        }
        throw ToolFailure("The glob '\(pattern)' has a '{' without its '}'.")
    }
}

extension String {
    func trimmingWhitespaceAndSlashes() -> String {
        var text = Substring(self).trimmingWhitespace()
        while text.hasPrefix("./") { text = text.dropFirst(2) }
        while text.hasPrefix("/") { text = text.dropFirst() }
        return String(text)
    }
}
