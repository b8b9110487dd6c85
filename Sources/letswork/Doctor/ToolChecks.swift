import Foundation
import GitKit

/// What `letswork doctor` checks outside the repository: the libgit2 loaded, the port, and the
/// programs a session uses (cloudflared for the tunnel, Claude Code for the host's own agent).
enum ToolChecks {
    /// Older libgit2 lacks calls the engine makes (setup-system asks for 1.5 or later).
    static let minimumLibgit2 = Libgit2Version(major: 1, minor: 5, revision: 0)
    /// The first Claude Code release with channels (messages a server sends on its own).
    static let channelsSince = [2, 1, 80]

    static func libgit2() -> Finding {
        let loaded = Libgit2Version.loaded
        if loaded < minimumLibgit2 {
            return .error("libgit2 \(loaded) is older than \(minimumLibgit2): install a newer one (Debian/Ubuntu: apt-get install libgit2-dev; macOS: brew upgrade libgit2), then run scripts/install again")
        }
        return .ok("libgit2 \(loaded)")
    }

    static func port(_ port: Int) -> Finding {
        if port == 0 { return .ok("port: any free one (--port 0)") }
        if LoopbackPort.isFree(port) { return .ok("port \(port) on 127.0.0.1 is free") }
        return .error("port \(port) on 127.0.0.1 is in use: stop what listens there, or start with another port (letswork start --port 8001, or --port 0 for any free one)")
    }

    static func cloudflared() -> Finding {
        guard let path = ExternalTool.find("cloudflared") else {
            return .warning("cloudflared is not installed: a session then runs on this machine only. " + CloudflaredTunnel.installHint)
        }
        guard let version = version(of: path) else {
            return .warning("\(path) did not say its version (cloudflared --version): reinstall cloudflared. " + CloudflaredTunnel.installHint)
        }
        return .ok("cloudflared \(version.joined) (\(path))")
    }

    static func claudeCode() -> Finding {
        guard let path = ExternalTool.find("claude") else {
            return .warning("Claude Code (claude) is not installed: your own agent cannot be registered; install it (https://docs.claude.com/en/docs/claude-code) or use any MCP client with the URL and host token in .git/letswork/session.json")
        }
        guard let version = version(of: path) else {
            return .warning("\(path) did not say its version (claude --version): reinstall Claude Code")
        }
        if version.numbers.lexicographicallyPrecedes(channelsSince) {
            return .warning("Claude Code \(version.joined) (\(path)) has no channels, which need \(channelsSince.map(String.init).joined(separator: ".")) or later: update it with `claude update`; everything else works")
        }
        return .ok("Claude Code \(version.joined) (\(path)), with channels")
    }

    struct Version {
        let numbers: [Int]
        var joined: String { numbers.map(String.init).joined(separator: ".") }
    }

    /// The first dotted number `PROGRAM --version` prints: "2.1.80 (Claude Code)",
    /// "cloudflared version 2025.1.0 (built …)".
    static func version(of program: String) -> Version? {
        guard let result = try? ExternalTool.run(program, ["--version"]), result.status == 0 else { return nil }
        return parseVersion(result.output)
    }

    static func parseVersion(_ text: String) -> Version? {
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            let trimmed = word.hasPrefix("v") ? word.dropFirst() : word[...]
            let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
            let numbers = parts.compactMap { Int($0) }
            if parts.count >= 2 && numbers.count == parts.count { return Version(numbers: numbers) }
        }
        return nil
    }
}
