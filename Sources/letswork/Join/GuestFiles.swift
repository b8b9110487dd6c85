import Foundation

/// Where a guest's letswork keeps things, per host: the token (config dir, 0600 in a 0700
/// folder) and the folder Claude Code opens in (data dir), never inside a project.
struct GuestFiles {
    /// A file-name-safe key for the host: `random-words.trycloudflare.com`, `127.0.0.1-8443`.
    let hostKey: String

    init(endpoint: String) {
        let components = URLComponents(string: endpoint)
        var key = components?.host ?? "host"
        if let port = components?.port { key += "-\(port)" }
        hostKey = String(key.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "-" })
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var home: String { environment["HOME"] ?? NSHomeDirectory() }

    /// `$XDG_CONFIG_HOME/letswork/tokens` or `~/.config/letswork/tokens`.
    static var tokensFolder: String {
        (environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config") + "/letswork/tokens"
    }

    /// `$XDG_DATA_HOME/letswork/sessions` or `~/.local/share/letswork/sessions`.
    static var sessionsFolder: String {
        (environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share") + "/letswork/sessions"
    }

    var tokenFile: String { Self.tokensFolder + "/" + hostKey }
    var sessionFolder: String { Self.sessionsFolder + "/" + hostKey }

    /// Writes the token, readable by the user only from the moment the file exists.
    /// - Throws: ``ValidationErrorMessage`` saying which folder to fix.
    func storeToken(_ token: String) throws {
        try FileManager.default.createDirectory(atPath: Self.tokensFolder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let temporary = tokenFile + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((token + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]),
              rename(temporary, tokenFile) == 0 else {
            unlink(temporary)
            throw ValidationErrorMessage("could not write the token file \(tokenFile); check that \(Self.tokensFolder) is writable by you")
        }
    }

    /// The folder Claude Code opens in, with a CLAUDE.md telling the agent where the files are.
    /// - Throws: ``ValidationErrorMessage`` when the folder cannot be written.
    /// - Parameter hostInstructions: What the host's server tells agents (its MCP `instructions`).
    func prepareSessionFolder(hostInstructions: String?) throws {
        do {
            try FileManager.default.createDirectory(atPath: sessionFolder, withIntermediateDirectories: true)
            try Self.instructions(host: hostKey, hostInstructions: hostInstructions)
                .write(toFile: sessionFolder + "/CLAUDE.md", atomically: true, encoding: .utf8)
        } catch {
            throw ValidationErrorMessage("could not prepare the session folder \(sessionFolder): \(error.localizedDescription)")
        }
    }

    static func instructions(host: String, hostInstructions: String?) -> String {
        let fromHost = hostInstructions.map { "\nWhat the host's letswork says:\n\n> " + $0.replacingOccurrences(of: "\n", with: "\n> ") + "\n" } ?? ""
        return """
        # letswork session with \(host)

        You are a guest in a letswork session. The host's repository is on the host's machine,
        NOT in this folder: use the `letswork` MCP tools for everything about
        its files (list_files, read_file, write_file), never local file tools or shell commands.

        1. First call `set_display_name` with the name the host should see for you.
        2. `write_file` proposes a change: the host reviews and approves or rejects it; their
           file changes only when they approve. Follow your changes with `my_pending_changes`
           and `get_notifications`.
        3. `lock_file` a file while you work on it, `unlock_file` when done.

        If a tool answers "host unreachable", ask the host whether the session is still running.
        \(fromHost)
        """
    }
}
