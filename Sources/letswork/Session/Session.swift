import ArgumentParser
import Foundation
import LetsworkProtocol
import LetsworkProxy
import LetsworkReview
import LetsworkReviewPage
import LetsworkServer
import LetsworkTools
import Logging
import ServiceLifecycle

/// One running `letswork start`: the composition root where the engine, the tools and the
/// HTTP server meet (none of them knows the others), plus the tunnel and Claude Code.
struct Session {
    let store: ChangeStore
    let command: StartCommand
    let cloudflared: String?
    let logger: Logger
    /// The stale state of the session `--resume` continues: its tokens are kept.
    var resumed: SessionState? = nil

    func run() async throws {
        let registry = TokenRegistry()
        let host = try await registry.issueHostToken(displayName: store.host.name,
                                                     reusing: resumed.flatMap { AccessToken(secret: $0.hostToken) })
        let guest = try await registry.addGuest(named: "guest", reusing: resumed.flatMap { AccessToken(secret: $0.guestToken) })
        let serverSlot = ServerSlot()
        let debug = command.debug
        // Events continue their numbering across `--resume`, so agents' cursors stay valid.
        // What each agent was told goes to the feed in the order it was posted.
        let (told, telling) = AsyncStream.makeStream(of: [String: SessionEvent].self)
        let feed = Task {
            for await posted in told { await HostTerminal.told(posted, names: registry, debug: debug) }
        }
        defer { feed.cancel() }
        let events: EventLog
        let reviewBell = QueueBell()
        do {
            events = try EventLog.open(journalAt: store.gitDirectory + "letswork/events.jsonl", resume: resumed != nil,
                                       observer: { posted in
                                           telling.yield(posted)
                                           if ReviewBell.rings(for: posted) { reviewBell.ring() }
                                       })
        } catch {
            Terminal.error("\(error)")
            throw ExitCode.failure
        }
        let collaboration = Collaboration(
            store: store, lockTimeout: Int64(command.lockTimeout) * 60,
            hooks: .init(
                participants: { await serverSlot.participants(registry: registry) },
                renamed: { id, name in _ = try? await registry.rename(principalID: id, to: name) },
                feed: { HostTerminal.feed($0, debug: debug) }),
            events: events, memoryReturn: Tuning.server.memoryReturn, logger: logger)
        collaboration.startWatching()
        defer {
            collaboration.stopWatching()
            events.closeDoorbells()
        }
        let caller: @Sendable (Principal) -> Caller = { principal in
            Caller(id: principal.id, role: Self.role(principal.role), initialName: principal.displayName)
        }
        let presentation = ToolPresentation(confirmDecisions: !command.noConfirm)
        let factory = ClosureParticipantFactory { principal in
            MCPDispatcher(server: Letswork.serverInfo, service: collaboration.service(for: caller(principal), presentation: presentation))
        }
        let publicHost = command.publicURL.flatMap { URL(string: $0)?.host }
        // The review page under /review of the same server; it refuses the tunnel and tokens itself.
        let reviewPage = ReviewPage(store: store, bell: reviewBell, logger: logger)
        let reviewSecret = await reviewPage.access.issueLoginSecret()
        var configuration = SessionHTTPServer.Configuration(port: command.port, publicHostnames: publicHost.map { [$0] } ?? [])
        configuration.mounts = [PathMount(prefix: ReviewPage.prefix) { try await reviewPage.respond(to: $0, context: $1) }]
        let server = SessionHTTPServer(configuration: configuration, tokens: registry, factory: factory, logger: logger)
        await serverSlot.set(server)
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port: Int
            do {
                port = try await server.port
            } catch {
                // The group's own error says why (a busy port suggests --port).
                do { try await tasks.next() } catch let failure as SessionServerError {
                    Terminal.error(failure.message)
                    throw ExitCode.failure
                }
                Terminal.error("The server did not start: \(error)")
                throw ExitCode.failure
            }
            let localURL = try await server.localURL
            let connections = Task {
                for await event in server.events {
                    // A proxy's own event reader is not an agent arriving.
                    if case .statelessClient(_, EventPump.clientName?, _) = event { continue }
                    HostTerminal.connection(event, debug: debug)
                    Self.tellHost(event, collaboration)
                }
            }
            defer { connections.cancel() }

            // The state file first, so `status`, `stop` and a second `start` see the session at
            // once, even while the tunnel takes its time to open.
            var state = SessionState(pid: getpid(), port: port, localURL: localURL, publicURL: nil,
                                     hostToken: host.token.secret, guestToken: guest.token.secret, startedAt: Date())
            try state.write(gitDirectory: store.gitDirectory)
            defer { SessionState.remove(gitDirectory: store.gitDirectory) }
            let (shareURL, sharing, tunnel) = await openTunnel(port: port, server: server, guestToken: guest.token.secret)
            if shareURL != nil {
                state.publicURL = shareURL
                try state.write(gitDirectory: store.gitDirectory)
            }
            let claude = ClaudeCode.installed(in: store.root)
            let agent = register(claude, sessionFile: SessionState.path(gitDirectory: store.gitDirectory))
            defer { claude?.unregisterHost() }
            HostTerminal.box(project: store.displayName, join: JoinInstructions(url: shareURL ?? localURL, token: guest.token.secret),
                             sharing: sharing, localURL: localURL, agent: agent.summary, agentCommand: agent.command,
                             reviewURL: ReviewPage.loginURL(port: port, secret: reviewSecret))
            if let tunnel {
                tunnel.onRestart = { [state] url in
                    Task {
                        if let host = URL(string: url)?.host { await server.setPublicHostnames([host]) }
                        var updated = state
                        updated.publicURL = url
                        try? updated.write(gitDirectory: store.gitDirectory)
                        let join = JoinInstructions(url: url, token: guest.token.secret)
                        HostTerminal.line("🔁 The tunnel restarted with a new address. New join command:\n    \(join.letsworkJoin)\n  or, with Claude Code alone:\n    \(join.claudeMcpAdd)")
                    }
                }
            }
            do {
                try await tasks.next()
            } catch {
                await tunnel?.stop()
                throw error
            }
            await tunnel?.stop()
            HostTerminal.line("Session stopped. Pending changes stay in git: letswork pending")
        }
    }

    /// Opens the tunnel the options ask for; returns the URL to share, a sentence about it, and
    /// the tunnel to stop at the end.
    private func openTunnel(port: Int, server: SessionHTTPServer, guestToken: String) async -> (String?, String, CloudflaredTunnel?) {
        if let publicURL = command.publicURL {
            return (publicURL, "Shared through your tunnel at \(publicURL).", nil)
        }
        guard let cloudflared else {
            if command.tunnel == .none { return (nil, "Loopback only (--tunnel none): the join command works on this machine.", nil) }
            return (nil, "No public URL: cloudflared is not installed. \(CloudflaredTunnel.installHint)", nil)
        }
        let tunnel = CloudflaredTunnel(executable: cloudflared, port: port)
        do {
            HostTerminal.line("Opening a cloudflared quick tunnel…")
            let url = try await tunnel.start()
            if let host = URL(string: url)?.host { await server.setPublicHostnames([host]) }
            return (url, "Shared through a cloudflared quick tunnel.", tunnel)
        } catch {
            await tunnel.stop()
            return (nil, "The tunnel did not open (\(error)); the session runs on loopback only.", nil)
        }
    }

    /// What the box says of the host's own agent, and the command that starts it when the host
    /// must run it (printed under the box, to copy whole).
    private func register(_ claude: ClaudeCode?, sessionFile: String) -> (summary: String, command: String?) {
        guard let claude else {
            return ("Claude Code not found; other MCP clients: see .git/letswork/session.json.", nil)
        }
        // This very binary: the entry lives only as long as this session (removed at its end), and
        // its proxy must speak as this host does.
        do {
            try claude.registerHost(proxy: [StableExecutable.currentExecutable, "proxy"], sessionFile: sessionFile)
        } catch {
            return ("could not register with Claude Code: \(error)", nil)
        }
        let channels = command.channels ? ClaudeCode.channelArguments(server: ClaudeCode.hostServerName) : []
        let how = command.channels ? " with channels (events arrive in the session)" : ""
        if !command.noLaunch && claude.launchInNewTerminal(arguments: channels) {
            return ("Claude Code opened in a new window\(how) (MCP server \(ClaudeCode.hostServerName)).", nil)
        }
        return ("registered with Claude Code as \(ClaudeCode.hostServerName); start it as below.",
                (["claude"] + channels).joined(separator: " "))
    }

    /// A guest's arrival or departure, as the host's agent hears of it.
    static func tellHost(_ event: ConnectionEvent, _ collaboration: Collaboration) {
        switch event {
        case .connected(let session) where !session.principal.role.isHost:
            collaboration.tellHost(guest: session.principal.displayName, id: session.principal.id, joined: true)
        case .disconnected(let session, _) where !session.principal.role.isHost:
            collaboration.tellHost(guest: session.principal.displayName, id: session.principal.id, joined: false)
        case .statelessClient(let principal, _, _) where !principal.role.isHost:
            collaboration.tellHost(guest: principal.displayName, id: principal.id, joined: true)
        default:
            break
        }
    }

    static func role(_ role: Role) -> Caller.Role {
        switch role {
        case .host: .host
        case .guest: .guest
        case .readOnlyGuest: .readOnlyGuest
        }
    }
}

/// Lets the tools' hooks reach the server, which is created after them.
actor ServerSlot {
    private var server: SessionHTTPServer?

    func set(_ server: SessionHTTPServer) { self.server = server }

    func participants(registry: TokenRegistry) async -> [Collaboration.Participant] {
        let presence = await server?.presence() ?? []
        let now = Date()
        return await registry.principals.map { principal in
            let seen = presence.first { $0.principal.id == principal.id }
            let ago = seen.map { Int64(now.timeIntervalSince($0.lastSeen)) }
            return Collaboration.Participant(id: principal.id, name: principal.displayName, role: principal.role.description,
                                             lastSeenSecondsAgo: ago, connected: (ago ?? .max) < 60)
        }
    }
}
