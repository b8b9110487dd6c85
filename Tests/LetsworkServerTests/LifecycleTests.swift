import Foundation
import HTTPTypes
import HummingbirdTesting
import LetsworkServer
import ServiceLifecycle
import Testing

@Suite("Listening")
struct ListeningTests {
    @Test("port 0 picks a real free port, readable after start, and the server answers there")
    func ephemeralPort() async throws {
        try await withLiveServer { (live: LiveServer) async throws in
            #expect(live.port > 0)
            #expect(live.port != 8000)
            #expect(try await live.server.localURL == "http://127.0.0.1:\(live.port)/mcp")
            #expect(try await live.client.initialize(token: live.host.token.secret).response.status == .ok)
        }
    }

    @Test("a busy port fails run() with an error that suggests --port")
    func busyPort() async throws {
        try await withLiveServer { (live: LiveServer) async throws in
            let second = SessionHTTPServer(
                configuration: .init(port: live.port),
                tokens: TokenRegistry(),
                factory: EchoFactory(),
                logger: testLogger
            )
            let error = await #expect(throws: SessionServerError.self) { try await second.run() }
            #expect(error?.code == .cannotListen)
            #expect(error?.message.contains("--port") == true)
            #expect(error?.message.contains("\(live.port)") == true)
            await #expect(throws: SessionServerError.notRunning) { try await second.port }

            // Inside a ServiceGroup (as `letswork start` runs it) the same error comes out.
            let third = SessionHTTPServer(
                configuration: .init(port: live.port),
                tokens: TokenRegistry(),
                factory: EchoFactory(),
                logger: testLogger
            )
            let group = ServiceGroup(services: [third], logger: testLogger)
            let groupError = await #expect(throws: SessionServerError.self) { try await group.run() }
            #expect(groupError?.code == .cannotListen)
            // The first server is unaffected.
            #expect(try await live.client.initialize(token: live.host.token.secret).response.status == .ok)
        }
    }

    @Test("stop() ends run(), closes the sessions and finishes the event stream; stop before run returns at once")
    func gracefulStop() async throws {
        let tokens = TokenRegistry()
        let host = try await tokens.issueHostToken()
        let server = SessionHTTPServer(configuration: .init(port: 0), tokens: tokens, factory: EchoFactory(), logger: testLogger)
        async let running: Void = server.run()
        let port = try await server.port
        _ = try await RawClient(port: port).openSession(token: host.token.secret)
        await server.stop()
        try await running

        var events: [ConnectionEvent] = []
        for await event in server.events { events.append(event) }
        guard case .connected(let summary) = events.first, case .disconnected(_, let reason) = events.last else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(summary.principal.id == "host")
        #expect(reason == .serverStopped)
        await #expect(throws: SessionServerError.notRunning) { try await server.port }
        await #expect(throws: (any Error).self) { try await RawClient(port: port).send(.get, token: nil) }
        await #expect(throws: SessionServerError.alreadyStarted) { try await server.run() }

        let neverStarted = SessionHTTPServer(configuration: .init(port: 0), tokens: tokens, factory: EchoFactory(), logger: testLogger)
        await neverStarted.stop()
        try await neverStarted.run()
    }

    @Test("the server runs as a Service in a ServiceGroup and stops on the group's graceful shutdown")
    func asService() async throws {
        let tokens = TokenRegistry()
        let server = SessionHTTPServer(configuration: .init(port: 0), tokens: tokens, factory: EchoFactory(), logger: testLogger)
        let group = ServiceGroup(services: [server], logger: testLogger)
        async let running: Void = group.run()
        #expect(try await server.port > 0)
        await group.triggerGracefulShutdown()
        try await running
        await #expect(throws: SessionServerError.notRunning) { try await server.port }
    }
}

@Suite("Session lifecycle, presence and events")
struct SessionLifecycleTests {
    @Test("DELETE ends the session: 200, then 404 on that id, and a disconnected event")
    func deleteEndsSession() async throws {
        try await withLiveServer { live in
            let session = try await live.client.openSession(token: live.host.token.secret)
            let delete = try await live.client.send(.delete, token: live.host.token.secret, sessionID: session)
            #expect(delete.status == .ok)
            let after = try await live.client.callTool("echo", arguments: #"{"text":"x"}"#, token: live.host.token.secret, sessionID: session)
            #expect(after.status == .notFound)
            #expect(after.errorMessage.contains("Send initialize"))
            #expect(try await live.client.send(.delete, token: live.host.token.secret, sessionID: session).status == .notFound)
            #expect(await live.server.openSessions().isEmpty)

            var iterator = live.server.events.makeAsyncIterator()
            let first = await iterator.next()
            let second = await iterator.next()
            guard case .connected(let opened) = first, case .disconnected(let closed, let reason) = second else {
                Issue.record("unexpected events \(String(describing: first)), \(String(describing: second))")
                return
            }
            #expect(opened.id == session)
            #expect(opened.clientName == "raw-test")
            #expect(opened.protocolVersion == "2025-06-18")
            #expect(closed.id == session)
            #expect(reason == .clientClosed)
        }
    }

    @Test("presence records each principal's last request and open sessions")
    func presence() async throws {
        try await withLiveServer { live in
            let before = Date()
            _ = try await live.client.openSession(token: live.guest.token.secret)
            let presence = await live.server.presence()
            let guest = try #require(presence.first { $0.principal.id == "guest-1" })
            #expect(guest.openSessions == 1)
            #expect(guest.clientName == "raw-test")
            #expect(guest.lastSeen >= before.addingTimeInterval(-1))
            #expect(!presence.contains { $0.principal.id == "host" })

            _ = try await live.client.send(.get, token: live.host.token.secret)
            let host = try #require(await live.server.presence().first { $0.principal.id == "host" })
            #expect(host.openSessions == 0)
        }
    }

    @Test("refused requests are reported without the token presented")
    func refusedEvents() async throws {
        try await withLiveServer { live in
            let wrong = AccessToken.generate().secret
            _ = try await live.client.send(.post, token: wrong, json: "{}")
            var iterator = live.server.events.makeAsyncIterator()
            guard case .refused(let refusal) = await iterator.next() else {
                Issue.record("expected a refused event")
                return
            }
            #expect(refusal.status == 401)
            #expect(refusal.principal == nil)
            #expect(!refusal.reason.contains(wrong))
        }
    }

    @Test("an idle session is closed after the idle timeout")
    func idleTimeout() async throws {
        // The session is opened with initialize alone: an initialized sent after it could come
        // later than the timeout on CI's crowded start (it did, with 1, 4 and 10 s timeouts),
        // and then find the session gone. The loop waits up to 40 s.
        try await withLiveServer(.init(sessionIdleTimeout: .seconds(3))) { live in
            let (response, opened) = try await live.client.initialize(token: live.host.token.secret)
            #expect(response.status == .ok)
            let session = try #require(opened)
            var closed = false
            for _ in 0..<800 where !closed {
                try await Task.sleep(for: .milliseconds(50))
                closed = await live.server.openSessions().isEmpty
            }
            #expect(closed)
            let after = try await live.client.callTool("echo", arguments: #"{"text":"x"}"#, token: live.host.token.secret, sessionID: session)
            #expect(after.status == .notFound)
        }
    }

    @Test("opening more sessions than allowed closes the principal's least recently used one")
    func sessionCap() async throws {
        try await withLiveServer(.init(maxSessionsPerPrincipal: 2)) { live in
            let token = live.guest.token.secret
            let first = try await live.client.openSession(token: token)
            let second = try await live.client.openSession(token: token)
            _ = try await live.client.callTool("echo", arguments: #"{"text":"keep"}"#, token: token, sessionID: first)
            let hostSession = try await live.client.openSession(token: live.host.token.secret)
            let third = try await live.client.openSession(token: token)

            let open = Set(await live.server.openSessions().map(\.id))
            #expect(open == [first, third, hostSession])
            #expect(try await live.client.callTool("echo", arguments: #"{"text":"x"}"#, token: token, sessionID: second).status == .notFound)
        }
    }

    @Test("a factory that throws gives 500 with its reason, and no session")
    func factoryFailure() async throws {
        try await withLiveServer(factory: FailingFactory()) { live in
            let (response, sessionID) = try await live.client.initialize(token: live.host.token.secret)
            #expect(response.status == .internalServerError)
            #expect(response.errorMessage.contains("the tools are unavailable"))
            #expect(sessionID == nil)
            #expect(await live.server.openSessions().isEmpty)
        }
    }

    @Test("a session id is never sent back for a failed initialize")
    func failedInitialize() async throws {
        try await withLiveServer { live in
            let response = try await live.client.send(
                .post, token: live.host.token.secret,
                json: #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":"not an object"}"#
            )
            #expect(response.json["error"] is [String: Any])
            #expect(response.headers[.mcpSessionID] == nil)
            #expect(await live.server.openSessions().isEmpty)
        }
    }
}
