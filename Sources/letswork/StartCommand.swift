import ArgumentParser
import Foundation
import LetsworkReview
import LetsworkServer
import LetsworkTools
import Logging
import ServiceLifecycle

struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a session: share this repository with your collaborator's agent.",
        discussion: """
            Serves MCP on 127.0.0.1, opens a cloudflared quick tunnel when cloudflared is installed,
            and prints the command your collaborator runs to join. Their edits arrive as pending
            changes in git (refs/letswork/pending) for you to approve or reject.

            Examples:
              letswork start                          # tunnel if cloudflared is installed
              letswork start --tunnel none --port 0   # loopback only, any free port
              letswork start --public-url https://dev.example.com   # your own tunnel
            """
    )

    enum TunnelMode: String, ExpressibleByArgument, CaseIterable {
        case auto, cloudflared, none
    }

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port = 8000

    @Option(help: "auto: cloudflared when installed; cloudflared: required; none: loopback only.")
    var tunnel: TunnelMode = .auto

    @Option(name: .customLong("public-url"), help: ArgumentHelp("The public URL of a tunnel you run yourself (ssh -R, tailscale, ngrok).", valueName: "url"))
    var publicURL: String?

    @Flag(name: .customLong("no-launch"), help: "Do not open Claude Code; only register the host's MCP connection.")
    var noLaunch = false

    @Flag(help: "Open Claude Code with --dangerously-load-development-channels server:letswork-host, so guests' proposals arrive in its session as they happen (a Claude Code research preview; everything works without it).")
    var channels = false

    @Flag(name: .customLong("init"), help: "Create a git repository with a first commit of this folder's files if there is none.")
    var initialize = false

    @Option(name: .customLong("lock-timeout"), help: "Minutes without activity after which a file lock lapses.")
    var lockTimeout = 30

    @Flag(help: "Show every tool call and refused request in the feed.")
    var debug = false

    @Flag(name: .customLong("no-confirm"), help: "Do not ask your agent to have you confirm each approve, reject and force unlock before it calls them.")
    var noConfirm = false

    @Flag(help: "Keep the tokens of this repository's last session (after a crash or restart), so the guest's registration keeps working.")
    var resume = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535.") }
        guard lockTimeout > 0 else { throw ValidationError("--lock-timeout takes a positive number of minutes.") }
        if let publicURL {
            guard let url = URL(string: publicURL), ["https", "http"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--public-url takes a URL such as https://dev.example.com.")
            }
            if tunnel == .cloudflared { throw ValidationError("Give --public-url or --tunnel cloudflared, not both.") }
        }
    }

    func run() async throws {
        Tuning.server.apply()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .warning
            return handler
        }
        let logger = Logger(label: "letswork")
        let folder = repository.folder ?? FileManager.default.currentDirectoryPath
        let store: ChangeStore
        do {
            store = initialize && (try? ChangeStore.open(containing: folder, logger: logger)) == nil
                ? try ChangeStore.initializeRepository(at: folder, logger: logger)
                : try ChangeStore.open(containing: folder, logger: logger)
        } catch let error as ReviewError {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        var resumed: SessionState?
        if let running = SessionState.read(gitDirectory: store.gitDirectory) {
            if running.isRunning {
                Terminal.error("A session is already running for this repository (pid \(running.pid), \(running.localURL)). Stop it with `letswork stop`, or see it with `letswork status`.")
                throw ExitCode.failure
            }
            if resume { resumed = running }
            SessionState.remove(gitDirectory: store.gitDirectory)
        }
        if resume && resumed == nil {
            Terminal.error("Nothing to resume: no earlier session of this repository left its state file. Starting with new tokens.")
        }
        var cloudflared: String?
        if publicURL == nil && tunnel != .none {
            cloudflared = ExternalTool.find("cloudflared")
            if cloudflared == nil && tunnel == .cloudflared {
                Terminal.error("cloudflared is not installed. " + CloudflaredTunnel.installHint)
                throw ExitCode.failure
            }
        }
        // Children (claude, cloudflared, a terminal) run in the repository's root.
        guard FileManager.default.changeCurrentDirectoryPath(store.root) else {
            Terminal.error("cannot enter the repository's folder \(store.root); check that it still exists and that you may enter it.")
            throw ExitCode.failure
        }
        try await Session(store: store, command: self, cloudflared: cloudflared, logger: logger, resumed: resumed).run()
    }
}
