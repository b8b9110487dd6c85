import Foundation

/// Registers the host's own Claude Code with the session: a stdio server running letswork's
/// proxy, which reads the host token and the loopback URL from the session's 0600 state file
/// (`.git/letswork/session.json`, in the entry's environment — never an argument, and never a
/// token copied into Claude Code's config). Through the proxy the host's agent gets the events
/// as channel messages, and the host's traffic never crosses the public tunnel. Claude Code keys
/// `--scope local` entries by folder: run from the repository root.
struct ClaudeCode {
    static let hostServerName = "letswork-host"
    let executable: String
    let folder: String

    static func installed(in folder: String) -> ClaudeCode? {
        ExternalTool.find("claude").map { ClaudeCode(executable: $0, folder: folder) }
    }

    /// The flags that let Claude Code take channel messages from MCP server `server` (a research
    /// preview of Claude Code ≥ 2.1.80).
    static func channelArguments(server: String) -> [String] {
        ["--dangerously-load-development-channels", "server:\(server)"]
    }

    /// `claude mcp add --scope local letswork-host --env LETSWORK_TOKEN_FILE=STATE -- EXE proxy`,
    /// replacing a stale entry of that name first.
    func registerHost(proxy: [String], sessionFile: String) throws {
        _ = try? ExternalTool.run(executable, ["mcp", "remove", Self.hostServerName, "--scope", "local"])
        let result = try ExternalTool.run(executable, [
            "mcp", "add", "--scope", "local", Self.hostServerName, "--env", "LETSWORK_TOKEN_FILE=\(sessionFile)", "--",
        ] + proxy)
        guard result.status == 0 else {
            throw ValidationErrorMessage("claude mcp add failed (exit \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    func unregisterHost() {
        _ = try? ExternalTool.run(executable, ["mcp", "remove", Self.hostServerName, "--scope", "local"])
    }

    /// Opens Claude Code (with `arguments`) in a new terminal window when this desktop has one;
    /// otherwise returns false and the caller prints the command to run.
    func launchInNewTerminal(arguments: [String] = []) -> Bool {
        #if os(macOS)
        return launchInMacTerminal(arguments: arguments)
        #else
        return launchInLinuxTerminal(arguments: arguments)
        #endif
    }

    /// macOS: Terminal opens a `.command` file as a new window running it. The file lives in
    /// `.git/letswork/` (never in the working tree) and quotes the folder for the shell.
    private func launchInMacTerminal(arguments: [String]) -> Bool {
        let script = folder + "/.git/letswork/claude.command"
        let quoted = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let body = "#!/bin/sh\ncd \(quoted(folder)) && exec \(([executable] + arguments).map(quoted).joined(separator: " "))\n"
        guard FileManager.default.createFile(atPath: script, contents: Data(body.utf8), attributes: [.posixPermissions: 0o700]),
              let open = ExternalTool.find("open") else { return false }
        return (try? ChildProcess.spawn(open, ["-a", "Terminal", script], captureOutput: false)) != nil
    }

    private func launchInLinuxTerminal(arguments extra: [String]) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return false }
        for terminal in ["x-terminal-emulator", "gnome-terminal", "konsole", "xfce4-terminal", "xterm"] {
            guard let path = ExternalTool.find(terminal) else { continue }
            let arguments = (terminal == "gnome-terminal" ? ["--", executable] : ["-e", executable]) + extra
            if (try? ChildProcess.spawn(path, arguments, captureOutput: false)) != nil { return true }
        }
        return false
    }
}
