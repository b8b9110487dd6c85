import Foundation
import LetsworkProtocol
import LetsworkReview
import LetsworkServer
import LetsworkTestSupport
import LetsworkTools
import Logging

/// The parts of `letswork start` — review engine, tools, HTTP server — wired together in this
/// process as `Session.run()` wires them, serving real HTTP on 127.0.0.1:0, but with a server
/// configuration the test chooses (session cap, rate limit). Used where the test needs limits
/// other than the shipped defaults; everything else runs `letswork start` as a subprocess.
struct InProcessSession {
    let server: SessionHTTPServer
    let tokens: TokenRegistry
    let port: Int
    let hostToken: String
    let guestToken: String

    var url: URL { URL(string: "http://127.0.0.1:\(port)/mcp")! }

    /// Serves `repository` with `configuration` (its port is replaced by 0) while `body` runs.
    static func with<T: Sendable>(_ repository: TemporaryRepository, configuration: SessionHTTPServer.Configuration,
                                  _ body: @Sendable (InProcessSession) async throws -> T) async throws -> T {
        var logger = Logger(label: "letswork.hardening")
        logger.logLevel = .critical
        let store = try ChangeStore.open(containing: repository.path, logger: logger)
        let tokens = TokenRegistry()
        let host = try await tokens.issueHostToken(displayName: store.host.name)
        let guest = try await tokens.addGuest(named: "guest")
        let collaboration = Collaboration(store: store, logger: logger)
        let caller: @Sendable (Principal) -> Caller = { principal in
            let role: Caller.Role = switch principal.role {
            case .host: .host
            case .guest: .guest
            case .readOnlyGuest: .readOnlyGuest
            }
            return Caller(id: principal.id, role: role, initialName: principal.displayName)
        }
        let factory = ClosureParticipantFactory { principal in
            MCPDispatcher(server: ServerInfo(name: "letswork", title: "letswork", version: "test"),
                          service: collaboration.service(for: caller(principal)))
        }
        var configuration = configuration
        configuration.port = 0
        let server = SessionHTTPServer(configuration: configuration, tokens: tokens, factory: factory, logger: logger)
        let running = Task { try await server.run() }
        do {
            let session = InProcessSession(server: server, tokens: tokens, port: try await server.port,
                                           hostToken: host.token.secret, guestToken: guest.token.secret)
            let result = try await body(session)
            await server.stop()
            _ = await running.result
            return result
        } catch {
            await server.stop()
            _ = await running.result
            throw error
        }
    }
}
