import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LetsworkServer
import Testing

@Suite("Bearer tokens on every request")
struct AuthenticationTests {
    @Test("no token, a wrong token, a malformed header, a revoked token: 401 with a challenge, and no session is made")
    func unauthorized() async throws {
        let factory = EchoFactory()
        try await withLiveServer(factory: factory) { live in
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#

            let missing = try await live.client.send(.post, token: nil, json: initialize)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(missing.headers[.contentType] == "application/json")
            #expect(missing.errorMessage.contains("Authorization: Bearer <token>"))
            #expect(missing.headers[.mcpSessionID] == nil)

            let wrong = try await live.client.send(.post, token: AccessToken.generate().secret, json: initialize)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
            #expect(wrong.errorMessage.contains("Ask the host"))

            let almost = String(live.host.token.secret.dropLast()) + (live.host.token.secret.hasSuffix("A") ? "B" : "A")
            #expect(try await live.client.send(.post, token: almost, json: initialize).status == .unauthorized)

            var headers: HTTPFields = [.contentType: "application/json", .accept: RawClient.accept]
            headers[.authorization] = "Basic \(live.host.token.secret)"
            let basicRequest = TestClient.Request("/mcp", method: .post, authority: "127.0.0.1:\(live.port)", headers: headers, body: ByteBuffer(string: initialize))
            let basic = try await TestClient.withClient(host: "127.0.0.1", port: live.port) { client in
                try await client.execute(basicRequest)
            }
            #expect(basic.status == .unauthorized)

            let revoked = try await live.tokens.addGuest(named: "mallory")
            #expect(try await live.client.initialize(token: revoked.token.secret).response.status == .ok)
            await live.tokens.revoke(named: "mallory")
            #expect(try await live.client.send(.post, token: revoked.token.secret, json: initialize).status == .unauthorized)

            // Only the one session opened while mallory's token was valid exists.
            #expect(await factory.log.principals.map(\.id) == ["guest-2"])
            #expect(await live.server.openSessions().map(\.principal.id) == ["guest-2"])
        }
    }

    @Test("a revoked token is refused on its open session at the next request; endSessions closes it")
    func revokedMidSession() async throws {
        try await withLiveServer { live in
            let guest = try await live.tokens.addGuest(named: "carol")
            let session = try await live.client.openSession(token: guest.token.secret)
            #expect(try await live.client.callTool("echo", arguments: #"{"text":"a"}"#, token: guest.token.secret, sessionID: session).status == .ok)

            await live.tokens.revoke(named: "carol")
            let after = try await live.client.callTool("echo", arguments: #"{"text":"b"}"#, token: guest.token.secret, sessionID: session)
            #expect(after.status == .unauthorized)

            await live.server.endSessions(of: guest.principal.id)
            #expect(await live.server.openSessions().isEmpty)
        }
    }

    @Test("401 comes before any MCP processing: also for GET, DELETE and unknown sessions")
    func beforeEverything() async throws {
        try await withLiveServer { (live: LiveServer) async throws in
            #expect(try await live.client.send(.get, token: nil).status == .unauthorized)
            #expect(try await live.client.send(.delete, token: nil, sessionID: "whatever").status == .unauthorized)
            #expect(try await live.client.send(.post, token: "x", sessionID: "whatever", json: "{}").status == .unauthorized)
        }
    }
}

@Suite("Sessions belong to the principal that opened them")
struct SessionOwnershipTests {
    @Test("the guest's token on the host's session is refused with 403; the host's session is untouched")
    func guestOnHostSession() async throws {
        try await withLiveServer { live in
            let hostSession = try await live.client.openSession(token: live.host.token.secret)

            let hijack = try await live.client.callTool("whoami", token: live.guest.token.secret, sessionID: hostSession)
            #expect(hijack.status == .forbidden)
            #expect(hijack.errorMessage.contains("belongs to another participant"))
            #expect(hijack.toolText == nil)

            let delete = try await live.client.send(.delete, token: live.guest.token.secret, sessionID: hostSession)
            #expect(delete.status == .forbidden)

            let mine = try await live.client.callTool("whoami", token: live.host.token.secret, sessionID: hostSession)
            #expect(mine.toolText == "host host host")
        }
    }

    @Test("the role the factory receives comes from the token alone, whatever the client calls itself")
    func roleFromToken() async throws {
        let factory = EchoFactory()
        try await withLiveServer(factory: factory) { live in
            let reader = try await live.tokens.addGuest(named: "reader", role: .readOnlyGuest)
            let (guestInit, guestSession) = try await live.client.initialize(token: live.guest.token.secret, clientName: "host")
            #expect(guestInit.status == .ok)
            let (_, readerSession) = try await live.client.initialize(token: reader.token.secret, clientName: "host")
            let (_, hostSession) = try await live.client.initialize(token: live.host.token.secret, clientName: "guest")

            let whoGuest = try await live.client.callTool("whoami", token: live.guest.token.secret, sessionID: try #require(guestSession))
            let whoReader = try await live.client.callTool("whoami", token: reader.token.secret, sessionID: try #require(readerSession))
            let whoHost = try await live.client.callTool("whoami", token: live.host.token.secret, sessionID: try #require(hostSession))
            #expect(whoGuest.toolText == "guest-1 guest guest")
            #expect(whoReader.toolText == "guest-2 readOnlyGuest reader")
            #expect(whoHost.toolText == "host host host")
            #expect(await factory.log.principals.map(\.role) == [.guest, .readOnlyGuest, .host])
        }
    }
}

@Suite("DNS rebinding: Host and Origin")
struct RebindingTests {
    @Test("a foreign Host is refused with 403 even with a valid token")
    func badHost() async throws {
        try await withLiveServer { live in
            let response = try await live.client.send(
                .post, token: live.host.token.secret,
                json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                host: "evil.example:\(live.port)"
            )
            #expect(response.status == .forbidden)
            #expect(response.errorMessage.contains("does not answer to the Host"))
            #expect(await live.server.openSessions().isEmpty)
        }
    }

    @Test("a foreign Origin is refused with 403; a loopback Origin and no Origin are fine")
    func badOrigin() async throws {
        try await withLiveServer { live in
            let plain = try await live.client.initialize(token: live.host.token.secret)  // no Origin
            #expect(plain.response.status == .ok)
            let refused = try await live.client.send(
                .post, token: live.host.token.secret,
                json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                origin: "https://evil.example"
            )
            #expect(refused.status == .forbidden)
            #expect(refused.errorMessage.contains("web origin"))
            let local = try await live.client.send(
                .post, token: live.host.token.secret, sessionID: plain.sessionID,
                json: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
                origin: "http://localhost:\(live.port)"
            )
            #expect(local.status == .ok)
        }
    }

    @Test("the tunnel's hostname is admitted once configured, and can be replaced while running")
    func publicHostname() async throws {
        try await withLiveServer(.init(publicHostnames: ["first.trycloudflare.com"])) { live in
            let first = try await live.client.initialize(token: live.guest.token.secret)
            #expect(first.response.status == .ok)
            let viaTunnel = try await live.client.send(
                .post, token: live.guest.token.secret, sessionID: first.sessionID,
                json: #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#, host: "first.trycloudflare.com"
            )
            #expect(viaTunnel.status == .ok)

            await live.server.setPublicHostnames(["https://second.trycloudflare.com"])
            let old = try await live.client.send(
                .post, token: live.guest.token.secret, sessionID: first.sessionID,
                json: #"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, host: "first.trycloudflare.com"
            )
            #expect(old.status == .forbidden)
            let new = try await live.client.send(
                .post, token: live.guest.token.secret, sessionID: first.sessionID,
                json: #"{"jsonrpc":"2.0","id":4,"method":"ping"}"#, host: "second.trycloudflare.com"
            )
            #expect(new.status == .ok)
        }
    }
}

@Suite("Request limits")
struct LimitTests {
    @Test("a body over the limit gets 413 with a clear message, and no session")
    func oversized() async throws {
        try await withLiveServer(.init(maxRequestBodyBytes: 64 * 1024)) { live in
            let text = String(repeating: "x", count: 64 * 1024)
            let big = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"pad":"\#(text)"}}"#
            let response = try await live.client.send(.post, token: live.host.token.secret, json: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorMessage.contains("limited to 65536 bytes"))
            #expect(await live.server.openSessions().isEmpty)

            let session = try await live.client.openSession(token: live.host.token.secret)
            let fits = String(repeating: "y", count: 60 * 1024)
            let ok = try await live.client.callTool("echo", arguments: #"{"text":"\#(fits)"}"#, token: live.host.token.secret, sessionID: session)
            #expect(ok.status == .ok)
            #expect(ok.toolText?.count == fits.count)
        }
    }

    @Test("unknown paths get 404 and other methods 405")
    func pathsAndMethods() async throws {
        try await withLiveServer { (live: LiveServer) async throws in
            #expect(try await live.client.send(.get, token: live.host.token.secret, path: "/").status == .notFound)
            #expect(try await live.client.send(.put, token: live.host.token.secret, json: "{}").status == .methodNotAllowed)
        }
    }

    @Test("an Accept header that admits neither JSON nor SSE gets 406")
    func notAcceptable() async throws {
        try await withLiveServer { live in
            let response = try await live.client.send(
                .post, token: live.host.token.secret,
                json: #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#,
                accept: "text/html"
            )
            #expect(response.status == .notAcceptable)
            #expect(await live.server.openSessions().isEmpty)
        }
    }
}
