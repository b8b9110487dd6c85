/// A path inside the repository, relative to its root, in git's form (`src/app.swift`).
///
/// Construction is the first line of the sandbox: absolute paths, `..`, empty or `.` parts,
/// NUL and control characters, backslashes, and anything inside `.git` are refused, so a
/// `RepoPath` can be joined to the root without escaping it. (Symbolic links are checked where
/// the disk is touched, in ``WorkingTree``.)
public struct RepoPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The normalised, slash-separated path.
    public let value: String

    /// The longest path accepted, in bytes (git and most filesystems cope with far less anyway).
    public static let maximumLength = 1024

    /// - Throws: ``ReviewError/invalidPath(_:reason:)`` saying why `raw` is refused.
    public init(_ raw: String) throws {
        guard !raw.isEmpty else { throw ReviewError.invalidPath(raw, reason: "the path is empty") }
        guard raw.utf8.count <= Self.maximumLength else {
            throw ReviewError.invalidPath(String(raw.prefix(80)) + "…", reason: "the path is longer than \(Self.maximumLength) bytes")
        }
        // Every check below works on Unicode scalars, never on Characters: a combining mark after
        // "/" makes one Character "/\u{301}", which `hasPrefix("/")` and `split(separator: "/")`
        // do not see, while the file system still reads the "/" byte (found by scripts/fuzz).
        let scalars = raw.unicodeScalars
        guard scalars.first != "/" else {
            throw ReviewError.invalidPath(raw, reason: "absolute paths are not accepted; give a path relative to the repository root")
        }
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ReviewError.invalidPath(raw.debugDescription, reason: "the path contains a NUL or control character")
        }
        guard !scalars.contains("\\") else {
            throw ReviewError.invalidPath(raw, reason: "use '/' to separate folders; backslashes are not accepted")
        }
        var parts: [String] = []
        for scalarPart in scalars.split(separator: "/", omittingEmptySubsequences: true) {
            let part = String(String.UnicodeScalarView(scalarPart))
            if part == "." { continue }
            if part == ".." {
                throw ReviewError.invalidPath(raw, reason: "'..' is not accepted; paths must stay inside the repository")
            }
            if part.lowercased() == ".git" {
                throw ReviewError.invalidPath(raw, reason: "files inside .git are off limits")
            }
            parts.append(part)
        }
        guard !parts.isEmpty else { throw ReviewError.invalidPath(raw, reason: "the path names the repository root, not a file") }
        value = parts.joined(separator: "/")
    }

    /// The last component: `app.swift` for `src/app.swift`.
    public var fileName: String { components.last ?? value }

    /// The folders above this path, outermost first: `["src", "src/ui"]` for `src/ui/a.swift`.
    public var parentFolders: [String] {
        let parts = components.dropLast()
        return parts.indices.map { parts[parts.startIndex...$0].joined(separator: "/") }
    }

    /// The parts between "/" bytes (split on scalars, for the reason given in `init`).
    private var components: [String] {
        value.unicodeScalars.split(separator: "/").map { String(String.UnicodeScalarView($0)) }
    }

    public var description: String { value }
    public static func < (lhs: RepoPath, rhs: RepoPath) -> Bool { lhs.value < rhs.value }
}
