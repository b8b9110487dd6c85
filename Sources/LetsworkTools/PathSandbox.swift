import Foundation
import LetsworkReview

/// Decides which paths a tool may touch. On top of ``RepoPath`` (relative, no `..`, no `.git`,
/// no control characters), it refuses secret files — `.env`, `.env.*`, `*.pem`, `*.key`,
/// `id_rsa*`, anything under `.ssh/`, plus the patterns of a `.letsworkignore` at the root — and
/// anything whose real location (symbolic links resolved) is outside the repository.
public struct PathSandbox: Sendable {
    /// The repository root, as given and with links resolved (both end with "/").
    let root: String
    let realRoot: String
    let extraPatterns: [String]

    public init(root: String) {
        self.root = root.hasSuffix("/") ? root : root + "/"
        let resolved = URL(fileURLWithPath: self.root).resolvingSymlinksInPath().path
        realRoot = resolved.hasSuffix("/") ? resolved : resolved + "/"
        let ignoreFile = self.root + ".letsworkignore"
        extraPatterns = ((try? String(contentsOfFile: ignoreFile, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The validated path for `raw`, or an error saying why it is refused.
    /// - Throws: ``ToolFailure`` for invalid, secret or escaping paths.
    public func check(_ raw: String) throws -> RepoPath {
        let path: RepoPath
        do { path = try RepoPath(raw) } catch let error as ReviewError { throw ToolFailure(error.description) }
        if isSecret(path) {
            throw ToolFailure("Path \(path) is refused: it looks like a secret (.env, keys, .ssh) or matches .letsworkignore; letswork never shares those.")
        }
        // The deepest existing ancestor, links resolved, must stay inside the root.
        var candidate = root + path.value
        while !FileManager.default.fileExists(atPath: candidate) && candidate.count > root.count {
            candidate = (candidate as NSString).deletingLastPathComponent
        }
        let real = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        if real + "/" != realRoot && !real.hasPrefix(realRoot) {
            throw ToolFailure("Path \(path) is refused: it leads outside the repository through a symbolic link.")
        }
        return path
    }

    /// Whether a listing should leave `path` out (secrets and `.git`).
    public func isHidden(_ path: String) -> Bool {
        guard let repoPath = try? RepoPath(path) else { return true }
        return isSecret(repoPath)
    }

    func isSecret(_ path: RepoPath) -> Bool { isSecret(path: path.value) }

    /// The secret-file rules on an already valid path (a scan's output needs no `RepoPath`
    /// checks; search and find ask this of every file, so it avoids splitting the path).
    func isSecret(path: String) -> Bool {
        let utf8 = path.utf8
        let slash = utf8.lastIndex(of: UInt8(ascii: "/"))
        let name = slash.map { path[path.index(after: $0)...] } ?? path[...]
        // A folder named .ssh anywhere above (checked on bytes: this runs for every file searched).
        if let slash, utf8.contains(UInt8(ascii: ".")) {
            var start = utf8.startIndex
            while start < slash {
                let end = utf8[start..<slash].firstIndex(of: UInt8(ascii: "/")) ?? slash
                if utf8[start..<end].elementsEqual(".ssh".utf8) { return true }
                start = utf8.index(after: end)
            }
        }
        // Byte comparisons: Substring's hasPrefix/hasSuffix walk Characters, ten times slower.
        let bytes = name.utf8
        func starts(_ prefix: StaticString) -> Bool {
            bytes.starts(with: UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        }
        func ends(_ suffix: StaticString) -> Bool {
            bytes.reversed().starts(with: UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount).reversed())
        }
        if bytes.elementsEqual(".env".utf8) || starts(".env.") || ends(".pem") || ends(".key") || starts("id_rsa")
            || starts("id_ed25519") || starts("id_ecdsa") || bytes.elementsEqual(".ssh".utf8) {
            return true
        }
        guard !extraPatterns.isEmpty else { return false }
        let folders = path.split(separator: "/").dropLast().map(String.init)
        return extraPatterns.contains { pattern in
            let trimmed = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
            if trimmed.hasSuffix("/") {
                let folder = String(trimmed.dropLast())
                return folders.contains { fnmatch(folder, $0, 0) == 0 } || path.hasPrefix(folder + "/")
            }
            return fnmatch(trimmed, trimmed.contains("/") ? path : String(name), 0) == 0
        }
    }
}
