import ArgumentParser
import Foundation
import LetsworkProxy

struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a host's session: check the host, register letswork with Claude Code, open it.",
        discussion: """
            Run the command the host sent you. letswork checks that the host answers and accepts the token, stores the token in a file only you can read (~/.config/letswork/tokens/), registers the installed letswork's stdio proxy with Claude Code (user scope, the token's file in its environment, never in its arguments; run from a build folder, it warns that the registration breaks when that folder is cleaned) and opens Claude Code in a session folder (~/.local/share/letswork/sessions/HOST/).

            Examples:
              letswork join https://random-words.trycloudflare.com --token Xb6UBEwT34FL…
              LETSWORK_TOKEN=… letswork join https://x.trycloudflare.com --no-launch
              letswork join --leave       # remove the registration and the stored token
            """
    )

    @Argument(help: ArgumentHelp("The host's URL from the join command (with or without /mcp).", valueName: "url"))
    var url: String?

    // `.unconditional`: the word after --token is the token even when it starts with a dash, as a
    // token from before letswork stopped generating those can.
    @Option(parsing: .unconditional,
            help: ArgumentHelp("The guest token from the join command (or LETSWORK_TOKEN, or typed at a prompt).", valueName: "token"))
    var token: String?

    @Option(help: ArgumentHelp("PEM certificate authorities to trust besides the system's.", valueName: "file"))
    var cacert: String?

    @Flag(name: .customLong("no-launch"), help: "Register with Claude Code but do not open it.")
    var noLaunch = false

    @Flag(help: "Open Claude Code with --dangerously-load-development-channels server:letswork, so the host's decisions arrive in its session as they happen (a Claude Code research preview; everything works without it).")
    var channels = false

    @Flag(help: "Remove the letswork registration from Claude Code and the stored token.")
    var leave = false

    func validate() throws {
        if !leave && url == nil { throw ValidationError("Give the host's URL: letswork join URL --token TOKEN (the host's join command).") }
        if leave && (token != nil || noLaunch || channels) { throw ValidationError("--leave takes no --token, --no-launch or --channels.") }
    }

    func run() async throws {
        if leave { return try leaveSession() }
        let endpoint: String
        let secret: String
        do {
            endpoint = try ProxyConfiguration.endpoint(for: url ?? "")
            secret = try readToken()
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
        let answer: HostProbe.Answer
        do {
            answer = try await HostProbe.check(url: endpoint, token: secret, caCertificateFile: cacert)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
        print("✓ \(endpoint) answers (\(answer.serverName) \(answer.serverVersion), MCP \(answer.protocolVersion ?? "of an unknown version")) and accepts your token.")

        let files = GuestFiles(endpoint: endpoint)
        let executable = StableExecutable.resolve()
        if let warning = executable.warning { Terminal.error("warning: " + warning) }
        if let note = executable.note { print(note) }
        let proxy = ClaudeRegistration.proxyCommand(executable: executable.path, endpoint: endpoint, caCertificateFile: cacert)
        do {
            try files.storeToken(secret)
            try files.prepareSessionFolder(hostInstructions: answer.instructions)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
        print("Token stored in \(files.tokenFile) (readable by you only).")
        guard let claude = ExternalTool.find("claude") else {
            print(ClaudeRegistration.manualSteps(proxy: proxy, tokenFile: files.tokenFile))
            return
        }
        do {
            try ClaudeRegistration(claude: claude).register(proxy: proxy, tokenFile: files.tokenFile)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
        print("Registered with Claude Code as `letswork` (user scope). Leave with: letswork join --leave")
        let launch = ["claude"] + (channels ? ClaudeCode.channelArguments(server: ClaudeRegistration.name) : [])
        if noLaunch {
            print("Open Claude Code in \(files.sessionFolder) when you are ready: cd \(files.sessionFolder) && \(launch.joined(separator: " "))")
            return
        }
        print("Opening Claude Code in \(files.sessionFolder)…")
        // Claude Code gets the terminal; the token also goes into its environment (never its
        // arguments) for the proxy it starts.
        guard FileManager.default.changeCurrentDirectoryPath(files.sessionFolder) else {
            Terminal.error("could not enter \(files.sessionFolder); run `claude` there yourself")
            throw ExitCode.failure
        }
        let child = try ChildProcess.spawn(claude, Array(launch.dropFirst()), environment: ["LETSWORK_TOKEN": secret],
                                           captureOutput: false, interactive: true)
        let status = await child.waitForExit()
        if status != 0 { throw ExitCode(status) }
    }

    /// `--token`, then `LETSWORK_TOKEN`, then a prompt without echo when a person is at the terminal.
    private func readToken() throws -> String {
        if let token, !token.isEmpty { return token }
        if let token = ProcessInfo.processInfo.environment["LETSWORK_TOKEN"], !token.isEmpty { return token }
        if isatty(0) != 0, let typed = getpass("Guest token (from the host's join command): ") {
            let token = String(cString: typed).trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        throw ValidationErrorMessage("no token: add --token TOKEN from the host's join command (or set LETSWORK_TOKEN)")
    }

    private func leaveSession() throws {
        if let claude = ExternalTool.find("claude") {
            ClaudeRegistration(claude: claude).unregister()
            print("Removed the letswork registration from Claude Code.")
        }
        // Every stored token: a join replaces the single `letswork` entry, so tokens of other
        // hosts are stale anyway; with a URL, only that host's.
        let folder = GuestFiles.tokensFolder
        let files = url.map { [GuestFiles(endpoint: (try? ProxyConfiguration.endpoint(for: $0)) ?? $0).hostKey] }
            ?? ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        for file in files where unlink(folder + "/" + file) == 0 {
            print("Removed the stored token \(folder)/\(file).")
        }
    }
}
