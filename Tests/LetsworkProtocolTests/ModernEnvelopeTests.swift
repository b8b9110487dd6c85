import Foundation
import LetsworkProtocol
import Testing

@Suite("2026-07-28 requests: the envelope, the mirrored headers, the version")
struct ModernEnvelopeTests {
    static func request(method: String = "tools/call", version: JSONValue = "2026-07-28", name: String? = "read_file",
                        meta: Bool = true) -> RPCRequest {
        var params: [String: JSONValue] = [:]
        if let name { params["name"] = .string(name) }
        if meta {
            params["_meta"] = [MetaKey.protocolVersion: version, MetaKey.clientCapabilities: ["experimental": ["claude/channel": [:]]],
                               MetaKey.clientInfo: ["name": "probe", "version": "9"]]
        }
        return RPCRequest(id: 1, method: method, params: params)
    }

    static func headers(_ fields: [String: [String]]) -> [String: [String]] { fields }

    static func lookup(_ fields: [String: [String]]) -> (String) -> [String] {
        { name in fields.first { $0.key.lowercased() == name.lowercased() }?.value ?? [] }
    }

    static let matching = headers(["MCP-Protocol-Version": ["2026-07-28"], "Mcp-Method": ["tools/call"], "Mcp-Name": ["read_file"]])

    @Test("a complete request gives the client's context, its capabilities as sent")
    func accepted() throws {
        let context = try ModernEnvelope.read(Self.request(), header: Self.lookup(Self.matching)).get()
        #expect(context.protocolVersion == "2026-07-28")
        #expect(context.clientName == "probe" && context.clientVersion == "9")
        #expect(context.capabilities["experimental"]?["claude/channel"] == [:])
        // Without headers (stdio), only the body is checked.
        #expect(try ModernEnvelope.read(Self.request(), header: nil).get().isModern)
    }

    @Test("each failure gets its own code and says what to send", arguments: [
        (request(meta: false), matching, -32602, "params._meta"),
        (request(version: 20260728), matching, -32020, "MCP-Protocol-Version"),
        (request(), headers(["Mcp-Method": ["tools/call"], "Mcp-Name": ["read_file"]]), -32020, "MCP-Protocol-Version"),
        (request(), headers(["MCP-Protocol-Version": ["2026-07-28"], "Mcp-Method": ["tools/list"], "Mcp-Name": ["read_file"]]), -32020, "Mcp-Method"),
        (request(), headers(["MCP-Protocol-Version": ["2026-07-28"], "Mcp-Method": ["tools/call"], "Mcp-Name": ["write_file"]]), -32020, "Mcp-Name"),
        (request(), headers(["MCP-Protocol-Version": ["2026-07-28", "2026-07-28"], "Mcp-Method": ["tools/call"], "Mcp-Name": ["read_file"]]), -32020, "once"),
        (request(version: "2027-01-01"), headers(["MCP-Protocol-Version": ["2027-01-01"], "Mcp-Method": ["tools/call"], "Mcp-Name": ["read_file"]]), -32022, "letswork speaks"),
        (request(version: "2025-11-25"), headers(["MCP-Protocol-Version": ["2025-11-25"], "Mcp-Method": ["tools/call"], "Mcp-Name": ["read_file"]]), -32022, "2026-07-28"),
    ] as [(RPCRequest, [String: [String]], Int, String)])
    func refused(request: RPCRequest, header: [String: [String]], code: Int, fragment: String) throws {
        guard case .failure(let error) = ModernEnvelope.read(request, header: Self.lookup(header)) else {
            Issue.record("accepted \(request.params)")
            return
        }
        #expect(error.code == code)
        #expect(error.message.contains(fragment), "\(error.message)")
        if code == -32022 {
            #expect(error.data?["supported"]?.arrayValue?.contains("2026-07-28") == true)
            #expect(error.data?["supported"]?.arrayValue?.contains("2025-11-25") == true)
            #expect(error.httpStatus == 400)
        }
    }

    @Test("header values that are not plain ASCII travel base64-wrapped, and back")
    func headerValues() {
        for value in ["plain", "é 🚀", " edge ", "=?base64?abc?=", "tab\there", ""] {
            #expect(HeaderValue.decode(HeaderValue.encode(value)) == value, "\(value)")
        }
        #expect(HeaderValue.encode("read_file") == "read_file")
        #expect(HeaderValue.decode("=?base64?!!!!?=") == nil)
        #expect(HeaderValue.decode("=?base64?w6k=?=") == "é")
    }
}
