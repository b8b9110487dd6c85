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
        let resolved = Self.realPath(self.root) ?? self.root
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
        var real = Self.realPath(candidate)
        while real == nil && candidate.utf8.count > root.utf8.count {
            candidate = (candidate as NSString).deletingLastPathComponent
            real = Self.realPath(candidate)
        }
        guard let real, real + "/" == realRoot || real.hasPrefix(realRoot) else {
            throw ToolFailure("Path \(path) is refused: it leads outside the repository through a symbolic link.")
        }
        return path
    }

    /// `path` with every symbolic link resolved (realpath(3): one call, where Foundation's
    /// `resolvingSymlinksInPath` stats each component from Swift), or nil when it does not exist
    /// or cannot be resolved (a dangling or looping link).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether a listing should leave `path` out (secrets and `.git`).
    public func isHidden(_ path: String) -> Bool {
        guard let repoPath = try? RepoPath(path) else { return true }
        return isSecret(repoPath)
    }

    func isSecret(_ path: RepoPath) -> Bool { isSecret(path: path.value) }

    /// The secret-file rules on an already valid path (a scan's output needs no `RepoPath`
    /// checks). Search and find ask this of every file, so the built-in rules run in one pass
    /// over the path's bytes, without allocating.
    func isSecret(path: String) -> Bool {
        var path = path
        let builtIn = path.withUTF8 { bytes -> Bool in
            var nameStart = 0
            for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "/") {
                // A folder named .ssh anywhere above.
                if index - nameStart == 4 && Self.equal(bytes, nameStart, ".ssh") { return true }
                nameStart = index + 1
            }
            let length = bytes.count - nameStart
            func starts(_ prefix: StaticString) -> Bool { length >= prefix.utf8CodeUnitCount && Self.equal(bytes, nameStart, prefix) }
            func ends(_ suffix: StaticString) -> Bool {
                length >= suffix.utf8CodeUnitCount && Self.equal(bytes, bytes.count - suffix.utf8CodeUnitCount, suffix)
            }
            return (length == 4 && (starts(".env") || starts(".ssh"))) || starts(".env.") || ends(".pem") || ends(".key")
                || starts("id_rsa") || starts("id_ed25519") || starts("id_ecdsa")
        }
        if builtIn { return true }
        guard !extraPatterns.isEmpty else { return false }
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
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

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ text: StaticString) -> Bool {
        memcmp(bytes.baseAddress! + offset, text.utf8Start, text.utf8CodeUnitCount) == 0
    }
}
