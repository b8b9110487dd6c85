import Foundation
import LetsworkProtocol
import Testing

/// A service with one tool, `echo`, that answers with its `text` argument.
struct EchoService: MCPService {
    let instructions = "echo instructions"
    let tools = [ToolDescription(name: "echo", description: "Echoes.", inputSchema: ["type": "object"],
                                 outputSchema: ["type": "object"], annotations: ToolAnnotations(title: "Echo", readOnly: true, idempotent: true))]

    func callTool(_ name: String, arguments: [String: JSONValue], client: ClientContext) async throws(RPCError) -> ToolResult {
        guard name == "echo" else { throw .invalidParams("Unknown tool '\(name)'") }
        return ToolResult(text: [arguments["text"]?.stringValue ?? ""], structuredContent: ["client": .string(client.protocolVersion)], isError: false)
    }
}

@Suite("One dispatcher for both eras")
struct DispatcherTests {
    let dispatcher = MCPDispatcher(server: ServerInfo(name: "letswork", title: "letswork", version: "1.2.3"), service: EchoService())
    let modern = ClientContext(protocolVersion: "2026-07-28")
    let handshake = ClientContext(protocolVersion: "2025-11-25")

    func answer(_ method: String, _ params: [String: JSONValue] = [:], client: ClientContext) async -> JSONValue {
        JSONReader.parse(await dispatcher.respond(to: RPCRequest(id: 5, method: method, params: params), client: client).data) ?? .null
    }

    @Test("server/discover names every version, the capabilities and the instructions")
    func discover() async {
        let result = await answer("server/discover", client: modern)["result"]
        #expect(result?["supportedVersions"] == .array(ProtocolVersion.all.map(JSONValue.string)))
        #expect(result?["capabilities"]?["tools"] != nil)
        #expect(result?["instructions"] == "echo instructions")
        #expect(result?["resultType"] == "complete")
        #expect(result?["_meta"]?[MetaKey.serverInfo]?["version"] == "1.2.3")
    }

    @Test("results are stamped for 2026-07-28 only; earlier clients get them as they knew them")
    func stamping() async {
        let modernList = await answer("tools/list", client: modern)["result"]
        #expect(modernList?["ttlMs"] == 0 && modernList?["cacheScope"] == "private" && modernList?["resultType"] == "complete")
        let oldList = await answer("tools/list", client: handshake)["result"]
        #expect(oldList?["resultType"] == nil && oldList?["_meta"] == nil)
        #expect(oldList?["tools"]?.arrayValue?.first?["outputSchema"] == ["type": "object"])
        let call = await answer("tools/call", ["name": "echo", "arguments": ["text": "hi"]], client: modern)["result"]
        #expect(call?["content"] == [["type": "text", "text": "hi"]])
        #expect(call?["structuredContent"]?["client"] == "2026-07-28")
        #expect(call?["isError"] == false)
    }

    @Test("initialize takes any spec-valid capabilities and offers its newest handshake version for an unknown one")
    func initialize() throws {
        let capabilities: JSONValue = ["experimental": ["claude/channel": [:]], "extensions": ["io.x/y": ["a": 1]],
                                       "elicitation": ["form": [:], "url": [:]], "sampling": ["tools": [:]], "roots": ["listChanged": true],
                                       "somethingNew": [1, 2]]
        let opened = try dispatcher.initialize(RPCRequest(id: 1, method: "initialize", params: [
            "protocolVersion": "2025-06-18", "capabilities": capabilities, "clientInfo": ["name": "c", "version": "1", "icons": []],
            "unknownField": true]))
        #expect(opened.result["protocolVersion"] == "2025-06-18")
        #expect(opened.client.capabilities == capabilities)
        let future = try dispatcher.initialize(RPCRequest(id: 1, method: "initialize", params: ["protocolVersion": "2099-01-01", "capabilities": [:]]))
        #expect(future.result["protocolVersion"] == "2025-11-25")
        #expect(throws: RPCError.self) { try dispatcher.initialize(RPCRequest(id: 1, method: "initialize", params: [:])) }
    }

    @Test("unknown methods and tools, and malformed calls, get JSON-RPC errors that say what exists")
    func errors() async {
        let unknown = await answer("logging/setLevel", client: modern)["error"]
        #expect(unknown?["code"] == -32601)
        #expect(unknown?["message"]?.stringValue?.contains("tools/call") == true)
        #expect(await answer("tools/call", ["name": "nope"], client: handshake)["error"]?["code"] == -32602)
        #expect(await answer("tools/call", ["arguments": [:]], client: handshake)["error"]?["code"] == -32602)
        #expect(await answer("tools/call", ["name": "echo", "arguments": [1]], client: handshake)["error"]?["code"] == -32602)
        #expect(await answer("initialize", ["protocolVersion": "2026-07-28"], client: modern)["error"]?["code"] == -32600)
    }

    @Test("messages that are not one JSON-RPC object are told what is wrong")
    func parsing() {
        func error(_ text: String) -> RPCError? {
            if case .failure(let failure) = RPCMessage.parse(Data(text.utf8)) { return failure.error }
            return nil
        }
        #expect(error("{")?.code == -32700)
        #expect(error("[]")?.message.contains("batches") == true)
        #expect(error(#"{"id":1,"method":"x"}"#)?.message.contains("jsonrpc") == true)
        #expect(error(#"{"jsonrpc":"2.0","id":{},"method":"x"}"#)?.code == -32600)
        #expect(error(#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#)?.code == -32602)
        #expect(error(#"{"jsonrpc":"2.0","id":1,"method":"x"}"#) == nil)
        #expect(error(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
        #expect(error(#"{"jsonrpc":"2.0","id":1,"result":{}}"#) == nil)
    }
}
