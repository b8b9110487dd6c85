import Foundation

/// Registers the host's own MCP connection with Claude Code, pointing at the loopback URL with
/// the host token in a header, so the host's traffic never crosses the public tunnel. Claude
/// Code keys `--scope local` entries by folder: run from the repository root.
struct ClaudeCode {
    static let hostServerName = "letswork-host"
    let executable: String
    let folder: String

    static func installed(in folder: String) -> ClaudeCode? {
        ExternalTool.find("claude").map { ClaudeCode(executable: $0, folder: folder) }
    }

    /// `claude mcp add --transport http letswork-host URL --header "Authorization: Bearer …"`,
    /// replacing a stale entry of that name first.
    func registerHost(url: String, token: String) throws {
        _ = try? ExternalTool.run(executable, ["mcp", "remove", Self.hostServerName, "--scope", "local"])
        let result = try ExternalTool.run(executable, [
            "mcp", "add", "--transport", "http", "--scope", "local", Self.hostServerName, url,
            "--header", "Authorization: Bearer \(token)",
        ])
        guard result.status == 0 else {
            throw ValidationErrorMessage("claude mcp add failed (exit \(result.status)): \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    func unregisterHost() {
        _ = try? ExternalTool.run(executable, ["mcp", "remove", Self.hostServerName, "--scope", "local"])
    }

    /// Opens Claude Code in a new terminal window when this desktop has one; otherwise returns
    /// false and the caller prints the command to run.
    func launchInNewTerminal() -> Bool {
        #if os(macOS)
        return launchInMacTerminal()
        #else
        return launchInLinuxTerminal()
        #endif
    }

    /// macOS: Terminal opens a `.command` file as a new window running it. The file lives in
    /// `.git/letswork/` (never in the working tree) and quotes the folder for the shell.
    private func launchInMacTerminal() -> Bool {
        let script = folder + "/.git/letswork/claude.command"
        let quoted = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let body = "#!/bin/sh\ncd \(quoted(folder)) && exec \(quoted(executable))\n"
        guard FileManager.default.createFile(atPath: script, contents: Data(body.utf8), attributes: [.posixPermissions: 0o700]),
              let open = ExternalTool.find("open") else { return false }
        return (try? ChildProcess.spawn(open, ["-a", "Terminal", script], captureOutput: false)) != nil
    }

    private func launchInLinuxTerminal() -> Bool {
        let environment = ProcessInfo.processInfo.environment
        guard environment["DISPLAY"] != nil || environment["WAYLAND_DISPLAY"] != nil else { return false }
        for terminal in ["x-terminal-emulator", "gnome-terminal", "konsole", "xfce4-terminal", "xterm"] {
            guard let path = ExternalTool.find(terminal) else { continue }
            let arguments = terminal == "gnome-terminal" ? ["--", executable] : ["-e", executable]
            if (try? ChildProcess.spawn(path, arguments, captureOutput: false)) != nil { return true }
        }
        return false
    }
}
