import Foundation

/// The guest's MCP entry in Claude Code (user scope, named `letswork`): a stdio server running
/// the installed letswork's `proxy`, with the token's *file* in the entry's environment — the token is
/// never in an argument, where `ps` or a shell history would show it.
struct ClaudeRegistration {
    static let name = "letswork"
    let claude: String

    /// `claude mcp add --scope user letswork --env LETSWORK_TOKEN_FILE=FILE -- EXE proxy --url URL`,
    /// after removing a stale `letswork` entry ("not found" is fine).
    /// - Throws: ``ValidationErrorMessage`` with claude's own output when it refuses.
    func register(proxy: [String], tokenFile: String) throws {
        unregister()
        let result = try ExternalTool.run(claude, ["mcp", "add", "--scope", "user", Self.name,
                                                   "--env", "LETSWORK_TOKEN_FILE=\(tokenFile)", "--"] + proxy)
        guard result.status == 0 else {
            throw ValidationErrorMessage("claude mcp add failed (exit \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    func unregister() {
        _ = try? ExternalTool.run(claude, ["mcp", "remove", "--scope", "user", Self.name])
    }

    /// The proxy's command line: `executable` (see ``StableExecutable``) with `proxy --url URL`.
    static func proxyCommand(executable: String, endpoint: String, caCertificateFile: String?) -> [String] {
        var command = [executable, "proxy", "--url", endpoint]
        if let caCertificateFile {
            command += ["--cacert", URL(fileURLWithPath: caCertificateFile).standardizedFileURL.path]
        }
        return command
    }

    /// What to do by hand when Claude Code is not installed: the command, and `.mcp.json`.
    static func manualSteps(proxy: [String], tokenFile: String) -> String {
        let entry: [String: Any] = ["mcpServers": [name: [
            "command": proxy[0], "args": Array(proxy.dropFirst()), "env": ["LETSWORK_TOKEN_FILE": tokenFile],
        ]]]
        let json = (try? JSONSerialization.data(withJSONObject: entry, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? ""
        return """
            Claude Code (`claude`) is not installed. Install it (https://docs.claude.com/en/docs/claude-code), then run
            this `letswork join` again — or register letswork yourself:

              claude mcp add --scope user \(name) --env LETSWORK_TOKEN_FILE=\(tokenFile) -- \(proxy.joined(separator: " "))

            Any other MCP client: add this to its .mcp.json (the token stays in the file, mode 0600):

            \(json)
            """
    }
}
