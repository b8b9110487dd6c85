import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import LetsworkServer
import MCP
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("MCP over Streamable HTTP")
struct RoundTripTests {
    @Test("initialize, tools/list and tools/call round trip on the returned Mcp-Session-Id, as JSON")
    func rawRoundTrip() async throws {
        try await withLiveServer { live in
            let client = live.client
            let (initialize, sessionID) = try await client.initialize(token: live.host.token.secret)
            #expect(initialize.status == .ok)
            #expect(initialize.headers[.contentType] == "application/json")
            let session = try #require(sessionID)
            #expect(session.utf8.allSatisfy { (0x21...0x7E).contains($0) })
            let result = try #require(initialize.json["result"] as? [String: Any])
            #expect(result["protocolVersion"] as? String == "2025-06-18")
            #expect((result["serverInfo"] as? [String: Any])?["name"] as? String == "letswork-test")

            let initialized = try await client.send(
                .post, token: live.host.token.secret, sessionID: session,
                json: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
            )
            #expect(initialized.status == .accepted)

            let list = try await client.send(
                .post, token: live.host.token.secret, sessionID: session,
                json: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#
            )
            #expect(list.status == .ok)
            #expect(list.headers[.mcpSessionID] == session)
            let tools = try #require((list.json["result"] as? [String: Any])?["tools"] as? [[String: Any]])
            #expect(tools.compactMap { $0["name"] as? String } == ["echo", "whoami", "fails"])

            let call = try await client.callTool("echo", arguments: #"{"text":"héllo"}"#, token: live.host.token.secret, sessionID: session)
            #expect(call.status == .ok)
            #expect(call.headers[.contentType] == "application/json")
            #expect(call.json["id"] as? Int == 7)
            #expect(call.toolText == "héllo")

            let ping = try await client.send(
                .post, token: live.host.token.secret, sessionID: session,
                json: #"{"jsonrpc":"2.0","id":"p-1","method":"ping"}"#
            )
            #expect(ping.status == .ok)
            #expect(ping.json["id"] as? String == "p-1")
            #expect(ping.json["result"] is [String: Any])
        }
    }

    @Test("concurrent calls on one session each get their own reply")
    func concurrentCalls() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let session = try await live.client.openSession(token: token)
            let client = live.client
            let replies = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for id in 100..<124 {
                    group.addTask {
                        let reply = try await client.callTool("echo", arguments: #"{"text":"call \#(id)"}"#, token: token, sessionID: session, id: id)
                        return (reply.json["id"] as? Int ?? -1, reply.toolText)
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            #expect(replies.count == 24)
            for (id, text) in replies {
                #expect(text == "call \(id)")
            }
        }
    }

    @Test("concurrent requests reusing one id on a session each get an answer: a reply or 409, never a hang")
    func duplicateIDs() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let session = try await live.client.openSession(token: token)
            let client = live.client
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<32 {
                    group.addTask {
                        let reply = try await client.callTool("echo", arguments: #"{"text":"call \#(n)"}"#, token: token, sessionID: session, id: 7)
                        return Int(reply.status.code)
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 32)
            #expect(statuses.allSatisfy { $0 == 200 || $0 == 409 }, "\(statuses)")
            #expect(statuses.contains(200))
            // The session still works, and the id is free again.
            let after = try await client.callTool("echo", arguments: #"{"text":"after"}"#, token: token, sessionID: session, id: 7)
            #expect(after.toolText == "after")
        }
    }

    @Test("tools/call answers with arguments intact, isError kept, protocol errors as errors")
    func toolCalls() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let session = try await live.client.openSession(token: token)
            let arguments = #"{"text":"data:text/plain;base64,aGk=","n":3,"x":1.5,"flag":true,"none":null,"list":[1,"a",{"k":false}]}"#
            let reply = try await live.client.callTool("echo", arguments: arguments, token: token, sessionID: session, id: 41)
            #expect(reply.json["id"] as? Int == 41)
            #expect(reply.toolText == "data:text/plain;base64,aGk=")
            let structured = try #require((reply.json["result"] as? [String: Any])?["structuredContent"] as? [String: Any])
            let echoed = try #require(structured["arguments"] as? [String: Any])
            #expect(echoed["n"] as? Int == 3 && echoed["x"] as? Double == 1.5 && echoed["flag"] as? Bool == true)
            #expect(echoed["text"] as? String == "data:text/plain;base64,aGk=")
            #expect(echoed["none"] is NSNull)
            #expect(((echoed["list"] as? [Any])?[2] as? [String: Any])?["k"] as? Bool == false)
            let failed = try await live.client.callTool("fails", arguments: "{}", token: token, sessionID: session, id: 42)
            #expect((failed.json["result"] as? [String: Any])?["isError"] as? Bool == true)
            let unknown = try await live.client.callTool("nope", arguments: "{}", token: token, sessionID: session, id: 43)
            #expect(unknown.json["id"] as? Int == 43)
            #expect((unknown.json["error"] as? [String: Any])?["code"] as? Int == -32602)
            let tools = try await live.client.send(.post, token: token, sessionID: session, json: #"{"jsonrpc":"2.0","id":44,"method":"tools/list"}"#)
            #expect(((tools.json["result"] as? [String: Any])?["tools"] as? [Any])?.count == 3)
        }
    }

    @Test("every protocol version from 2025-03-26 to 2025-11-25 initializes and calls a tool", arguments: [
        "2025-03-26", "2025-06-18", "2025-11-25",
    ])
    func protocolVersions(version: String) async throws {
        try await withLiveServer { live in
            let client = live.client
            let (initialize, sessionID) = try await client.initialize(token: live.guest.token.secret, protocolVersion: version)
            #expect(initialize.status == .ok)
            #expect((initialize.json["result"] as? [String: Any])?["protocolVersion"] as? String == version)
            let session = try #require(sessionID)
            let call = try await client.send(
                .post, token: live.guest.token.secret, sessionID: session,
                json: #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"v"}}}"#
            )
            #expect(call.status == .ok)
            #expect(call.toolText == "v")
        }
    }

    @Test("an unsupported MCP-Protocol-Version header is refused with 400")
    func unsupportedVersionHeader() async throws {
        try await withLiveServer { live in
            let session = try await live.client.openSession(token: live.host.token.secret)
            var headers: HTTPFields = [.accept: RawClient.accept, .contentType: "application/json"]
            headers[.authorization] = "Bearer \(live.host.token.secret)"
            headers[.mcpSessionID] = session
            headers[HTTPField.Name("MCP-Protocol-Version")!] = "1999-01-01"
            let request = TestClient.Request(
                "/mcp", method: .post, authority: "127.0.0.1:\(live.port)", headers: headers,
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            )
            let response = try await TestClient.withClient(host: "127.0.0.1", port: live.port) { client in
                try await client.execute(request)
            }
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("Unsupported protocol version"))
        }
    }

    @Test("with replyFormat .sse, a client that accepts SSE gets one message event on the POST itself")
    func sseReplies() async throws {
        try await withLiveServer(.init(replyFormat: .sse)) { live in
            let client = live.client
            let session = try await client.openSession(token: live.host.token.secret)
            let call = try await client.callTool("echo", arguments: #"{"text":"sse"}"#, token: live.host.token.secret, sessionID: session)
            #expect(call.status == .ok)
            #expect(call.headers[.contentType] == "text/event-stream")
            let lines = call.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "event: message")
            let data = try #require(lines.first { $0.hasPrefix("data: ") }?.dropFirst(6))
            let message = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            #expect(message["id"] as? Int == 7)
            #expect(call.bodyText.hasSuffix("\n\n"))

            let jsonOnly = try await client.send(
                .post, token: live.host.token.secret, sessionID: session,
                json: #"{"jsonrpc":"2.0","id":8,"method":"ping"}"#, accept: "application/json"
            )
            #expect(jsonOnly.headers[.contentType] == "application/json")
        }
    }

    @Test("GET offers no stream (405) when the service has nothing to follow, so no reply can depend on one")
    func getIsNotAStream() async throws {
        try await withLiveServer { live in
            let session = try await live.client.openSession(token: live.host.token.secret)
            let get = try await live.client.send(.get, token: live.host.token.secret, sessionID: session, accept: "text/event-stream")
            #expect(get.status == .methodNotAllowed)
            #expect(get.headers[.allow] == "POST, DELETE")
            let call = try await live.client.callTool("echo", arguments: #"{"text":"still"}"#, token: live.host.token.secret, sessionID: session)
            #expect(call.toolText == "still")
        }
    }

    @Test("malformed messages: a batch, non-JSON, and a request without a session")
    func malformed() async throws {
        try await withLiveServer { live in
            let token = live.host.token.secret
            let batch = try await live.client.send(.post, token: token, json: #"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#)
            #expect(batch.status == .badRequest)
            #expect(batch.errorMessage.contains("batches"))
            let garbage = try await live.client.send(.post, token: token, json: "hello")
            #expect(garbage.status == .badRequest)
            #expect((garbage.json["error"] as? [String: Any])?["code"] as? Int == -32700)
            let noSession = try await live.client.send(.post, token: token, json: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            #expect(noSession.status == .badRequest)
            #expect(noSession.errorMessage.contains("Mcp-Session-Id"))
            #expect(await live.server.openSessions().isEmpty)

            let session = try await live.client.openSession(token: token)
            let broken = try await live.client.send(.post, token: token, sessionID: session, json: #"{"jsonrpc":"2.0","id":1,"#)
            #expect(broken.status == .badRequest)
            #expect((broken.json["error"] as? [String: Any])?["code"] as? Int == -32700)
        }
    }

    @Test("the MCP Swift SDK's own HTTP client connects, lists tools, calls one and pings")
    func sdkClient() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let transport = HTTPClientTransport(
                endpoint: try #require(URL(string: "http://127.0.0.1:\(live.port)/mcp")),
                streaming: false,
                requestModifier: { request in
                    var request = request
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                    return request
                }
            )
            let client = MCP.Client(name: "sdk-test-client", version: "1.0")
            let initialize = try await client.connect(transport: transport)
            #expect(initialize.serverInfo.name == "letswork-test")
            #expect(initialize.instructions == "test server for guest")

            let (tools, _) = try await client.listTools()
            #expect(tools.map(\.name) == ["echo", "whoami", "fails"])
            let (content, isError) = try await client.callTool(name: "whoami")
            #expect(isError != true)
            guard case .text(let text, _, _) = try #require(content.first) else {
                Issue.record("expected text content")
                return
            }
            #expect(text == "guest-1 guest guest")
            try await client.ping()

            let sessions = await live.server.openSessions()
            #expect(sessions.count == 1)
            #expect(sessions.first?.clientName == "sdk-test-client")
            await client.disconnect()
        }
    }
}
