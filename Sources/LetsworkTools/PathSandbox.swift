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

    func isSecret(_ path: RepoPath) -> Bool {
        let parts = path.value.split(separator: "/").map(String.init)
        if parts.dropLast().contains(".ssh") { return true }
        let name = parts.last!
        if name == ".env" || name.hasPrefix(".env.") || name.hasSuffix(".pem") || name.hasSuffix(".key")
            || name.hasPrefix("id_rsa") || name.hasPrefix("id_ed25519") || name.hasPrefix("id_ecdsa") || name == ".ssh" {
            return true
        }
        return extraPatterns.contains { pattern in
            let trimmed = pattern.hasPrefix("/") ? String(pattern.dropFirst()) : pattern
            if trimmed.hasSuffix("/") {
                let folder = String(trimmed.dropLast())
                return parts.dropLast().contains { fnmatch(folder, $0, 0) == 0 } || path.value.hasPrefix(folder + "/")
            }
            return fnmatch(trimmed, trimmed.contains("/") ? path.value : name, 0) == 0
        }
    }
}
