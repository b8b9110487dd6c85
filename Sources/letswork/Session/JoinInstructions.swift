import Foundation
import LetsworkProxy

/// The ways a guest can join a session, as the host's terminal prints them: through letswork's
/// own proxy, or with nothing but Claude Code's HTTP transport (or any MCP client's `.mcp.json`).
///
/// The proxy-less forms put the token in the client's configuration and lose the proxy's
/// retries and session replay; the host's terminal says so, and the README explains the trade-off.
struct JoinInstructions {
    /// The host's URL as the guest reaches it (the tunnel's, or the loopback one), with or without `/mcp`.
    let url: String
    let token: String

    /// The MCP endpoint, always ending in `/mcp` (what Claude Code's HTTP transport needs).
    var endpoint: String { (try? ProxyConfiguration.endpoint(for: url)) ?? url }

    /// `letswork join URL --token TOKEN`: retries, session replay, the token kept in a 0600 file.
    var letsworkJoin: String { "letswork join \(url) --token \(token)" }

    /// Claude Code alone. Tokens are URL-safe base64 and URLs carry no quote, so the double
    /// quotes around the header are the only quoting a shell needs.
    var claudeMcpAdd: String {
        "claude mcp add --transport http letswork \(endpoint) --header \"Authorization: Bearer \(token)\""
    }

    /// The same server as one `.mcp.json` entry, on one line so it can be copied whole.
    var mcpJSON: String {
        let entry: [String: Any] = ["mcpServers": ["letswork": [
            "type": "http", "url": endpoint, "headers": ["Authorization": "Bearer \(token)"],
        ]]]
        let data = (try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// What `start` prints under its box (and `invite` prints): the proxy first, then the proxy-less forms.
    var lines: [String] {
        [
            "Send your collaborator one of these.",
            "With letswork (retries; the token stays out of config files):",
            "  \(letsworkJoin)",
            "With nothing but Claude Code (the token is stored in its config; no retries):",
            "  \(claudeMcpAdd)",
            "Or in a project's .mcp.json:",
            "  \(mcpJSON)",
        ]
    }
}
