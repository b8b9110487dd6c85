import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LetsworkServer
import Testing

/// MCP 2026-07-28 over raw HTTP: no initialize, no session; every request carries its version,
/// client facts and capabilities in `params._meta`, mirrored in headers. And the refusals both
/// eras share, answered as JSON-RPC errors.
@Suite("MCP 2026-07-28 beside 2025-11-25")
struct ModernEraTests {
    static let version = "2026-07-28"

    static func body(_ method: String, id: Int = 1, params: String = "", version: String = version) -> String {
        let meta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"\#(version)","io.modelcontextprotocol/clientCapabilities":{"experimental":{"claude/channel":{}}},"io.modelcontextprotocol/clientInfo":{"name":"raw-modern","version":"1"}}"#
        return #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{\#(params.isEmpty ? "" : params + ",")\#(meta)}}"#
    }

    static func mirror(_ method: String, name: String? = nil, version: String = version) -> [(String, String)] {
        [("MCP-Protocol-Version", version), ("Mcp-Method", method)] + (name.map { [("Mcp-Name", $0)] } ?? [])
    }

    static func error(_ response: TestClient.Response) -> (code: Int?, message: String, data: [String: Any]?) {
        let error = response.json["error"] as? [String: Any]
        return (error?["code"] as? Int, error?["message"] as? String ?? "", error?["data"] as? [String: Any])
    }

    @Test("server/discover, tools/list and tools/call answer without a session, with each role's instructions")
    func stateless() async throws {
        try await withLiveServer { live in
            for (token, role) in [(live.guest.token.secret, "guest"), (live.host.token.secret, "host")] {
                let discover = try await live.client.send(.post, token: token, json: Self.body("server/discover"), headers: Self.mirror("server/discover"))
                #expect(discover.status == .ok)
                #expect(discover.headers[HTTPField.Name("Mcp-Session-Id")!] == nil)
                let result = try #require(discover.json["result"] as? [String: Any])
                #expect((result["supportedVersions"] as? [String])?.contains(Self.version) == true)
                #expect((result["supportedVersions"] as? [String])?.contains("2025-11-25") == true)
                #expect(result["instructions"] as? String == "test server for \(role)")
                #expect((result["capabilities"] as? [String: Any])?["tools"] != nil)
                #expect(((result["_meta"] as? [String: Any])?["io.modelcontextprotocol/serverInfo"] as? [String: Any])?["name"] as? String == "letswork-test")
            }
            let token = live.guest.token.secret
            let list = try await live.client.send(.post, token: token, json: Self.body("tools/list", id: 2), headers: Self.mirror("tools/list"))
            #expect(((list.json["result"] as? [String: Any])?["tools"] as? [Any])?.count == 3)
            let call = try await live.client.send(.post, token: token, json: Self.body("tools/call", id: 3, params: #""name":"echo","arguments":{"text":"hi"}"#),
                                                  headers: Self.mirror("tools/call", name: "echo"))
            #expect(call.status == .ok && call.toolText == "hi")
            #expect((call.json["result"] as? [String: Any])?["resultType"] as? String == "complete")
            let whoami = try await live.client.send(.post, token: token, json: Self.body("tools/call", id: 4, params: #""name":"whoami""#),
                                                    headers: Self.mirror("tools/call", name: "whoami"))
            #expect(whoami.toolText?.contains(" guest ") == true, "\(whoami.bodyText)")
            // A notification is acknowledged and dropped.
            let note = try await live.client.send(.post, token: token, json: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#,
                                                  headers: Self.mirror("notifications/cancelled"))
            #expect(note.status == .accepted)
            #expect(await live.server.openSessions().isEmpty)
        }
    }

    @Test("every refusal of the stateless era is a JSON-RPC error with the spec's code and a sentence saying what to do")
    func refusals() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let call = Self.body("tools/call", params: #""name":"echo","arguments":{"text":"x"}"#)
            let cases: [(String, String, [(String, String)], HTTPResponse.Status, Int, String)] = [
                ("Mcp-Method differs from the body", call, Self.mirror("tools/list"), .badRequest, -32020, "Mcp-Method"),
                ("Mcp-Name differs from the body", call, Self.mirror("tools/call", name: "whoami"), .badRequest, -32020, "Mcp-Name"),
                ("the version header is missing", call, [("Mcp-Method", "tools/call"), ("Mcp-Name", "echo")], .badRequest, -32020, "MCP-Protocol-Version"),
                ("the version header differs from _meta", Self.body("tools/list"), [("MCP-Protocol-Version", "2025-11-25"), ("Mcp-Method", "tools/list")], .badRequest, -32600, "Mcp-Session-Id"),
                ("a version letswork does not speak", Self.body("tools/list", version: "2027-01-01"), Self.mirror("tools/list", version: "2027-01-01"), .badRequest, -32022, "letswork speaks"),
                ("_meta without its capabilities", #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#, Self.mirror("tools/list"), .badRequest, -32602, "clientCapabilities"),
                ("a method letswork does not offer", Self.body("resources/list"), Self.mirror("resources/list"), .notFound, -32601, "tools/call"),
                ("an unknown tool", Self.body("tools/call", params: #""name":"nope""#), Self.mirror("tools/call", name: "nope"), .badRequest, -32602, "Unknown tool"),
            ]
            for (what, json, headers, status, code, fragment) in cases {
                let response = try await live.client.send(.post, token: token, json: json, headers: headers)
                let error = Self.error(response)
                #expect(response.status == status, "\(what): \(response.status)")
                #expect(error.code == code, "\(what): \(response.bodyText)")
                #expect(error.message.contains(fragment), "\(what): \(error.message)")
                #expect(response.json["id"] as? Int == 1, "\(what): the error names the request")
            }
            let unsupported = try await live.client.send(.post, token: token, json: Self.body("tools/list", version: "2027-01-01"),
                                                         headers: Self.mirror("tools/list", version: "2027-01-01"))
            #expect((Self.error(unsupported).data?["supported"] as? [String])?.contains(Self.version) == true)
            #expect(Self.error(unsupported).data?["requested"] as? String == "2027-01-01")
        }
    }

    @Test("the same gates stand before either era: token, revocation, Host/Origin, body size")
    func sameSecurity() async throws {
        try await withLiveServer(.init(port: 0, maxRequestBodyBytes: 4096)) { live in
            let json = Self.body("server/discover"), headers = Self.mirror("server/discover")
            let noToken = try await live.client.send(.post, token: nil, json: json, headers: headers)
            #expect(noToken.status == .unauthorized && Self.error(noToken).message.contains("needs a token"))
            let foreign = try await live.client.send(.post, token: live.guest.token.secret, json: json, origin: "https://evil.example", headers: headers)
            #expect(foreign.status == .forbidden && Self.error(foreign).code != nil)
            let large = Self.body("tools/call", params: #""name":"echo","arguments":{"text":"\#(String(repeating: "x", count: 5000))"}"#)
            let tooLarge = try await live.client.send(.post, token: live.guest.token.secret, json: large, headers: Self.mirror("tools/call", name: "echo"))
            #expect(tooLarge.status == .contentTooLarge && Self.error(tooLarge).message.contains("limited to 4096 bytes"))
            _ = await live.tokens.revoke(named: "guest")
            let revoked = try await live.client.send(.post, token: live.guest.token.secret, json: json, headers: headers)
            #expect(revoked.status == .unauthorized && Self.error(revoked).message.contains("revoked"))
        }
    }

    @Test("2025-11-25: a request without a session is told both ways in; any spec-valid initialize opens one")
    func handshakeEra() async throws {
        try await withLiveServer { live in
            let token = live.guest.token.secret
            let bare = try await live.client.send(.post, token: token, json: #"{"jsonrpc":"2.0","id":9,"method":"tools/list"}"#)
            #expect(bare.status == .badRequest && bare.json["id"] as? Int == 9)
            #expect(Self.error(bare).message.contains("Mcp-Session-Id") && Self.error(bare).message.contains("2026-07-28"))
            let variants = [
                #"{"experimental":{"claude/channel":{}}}"#,
                #"{"extensions":{"io.modelcontextprotocol/ui":{"mimeTypes":["text/html"]}}}"#,
                #"{"elicitation":{"form":{},"url":{}},"sampling":{"context":{},"tools":{}},"roots":{"listChanged":true}}"#,
                #"{"tasks":{"list":{},"cancel":{},"requests":{"sampling":{"createMessage":{}}}},"futureCapability":[1,2,3]}"#,
            ]
            for capabilities in variants {
                let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":\#(capabilities),"clientInfo":{"name":"c","version":"1","title":"C","icons":[{"src":"https://x/i.png"}]},"unknown":true}}"#
                let response = try await live.client.send(.post, token: token, json: initialize)
                #expect(response.status == .ok, "\(capabilities): \(response.bodyText)")
                #expect(((response.json["result"] as? [String: Any])?["protocolVersion"] as? String) == "2025-11-25")
                #expect(response.headers[HTTPField.Name("Mcp-Session-Id")!] != nil)
            }
        }
    }
}
