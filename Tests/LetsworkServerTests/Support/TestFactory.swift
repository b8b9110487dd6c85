import LetsworkServer
import MCP

/// Remembers which principals the factory was asked to serve.
actor PrincipalLog {
    private(set) var principals: [Principal] = []
    func record(_ principal: Principal) { principals.append(principal) }
}

/// A small MCP server per session: `echo` returns its `text` argument, `whoami` reports the
/// principal the factory was given (so a test can see the role comes from the token alone).
struct EchoFactory: MCPSessionFactory {
    let log = PrincipalLog()

    func makeServer(for principal: Principal) async throws -> MCP.Server {
        await log.record(principal)
        let server = MCP.Server(
            name: "letswork-test",
            version: "0.0.1",
            instructions: "test server for \(principal.role)",
            capabilities: .init(tools: .init())
        )
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: [
                Tool(
                    name: "echo",
                    description: "Returns its text argument.",
                    inputSchema: .object([
                        "type": "object",
                        "properties": .object(["text": .object(["type": "string"])]),
                        "required": .array(["text"]),
                    ])
                ),
                Tool(name: "whoami", description: "Says who is calling.", inputSchema: .object(["type": "object"])),
            ])
        }
        await server.withMethodHandler(CallTool.self) { params in
            switch params.name {
            case "echo":
                let text = params.arguments?["text"]?.stringValue ?? ""
                return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
            case "whoami":
                return CallTool.Result(content: [.text(text: "\(principal.id) \(principal.role.rawValue) \(principal.displayName)", annotations: nil, _meta: nil)])
            default:
                return CallTool.Result(content: [.text(text: "unknown tool \(params.name)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        return server
    }
}

/// A factory that always fails, to check that no session is left behind.
struct FailingFactory: MCPSessionFactory {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the tools are unavailable" }
    }

    func makeServer(for principal: Principal) async throws -> MCP.Server {
        throw Failure()
    }
}

/// ``EchoFactory`` plus a direct `tools/call` handler whose results say `"path": "direct"` and
/// mirror their arguments, so a test can tell which path answered and what arrived.
struct DirectEchoFactory: MCPSessionFactory {
    let echo = EchoFactory()

    func makeServer(for principal: Principal) async throws -> MCP.Server {
        try await echo.makeServer(for: principal)
    }

    func makeToolCallHandler(for principal: Principal) async -> ToolCallHandler? {
        { name, arguments in
            switch name {
            case "echo":
                return CallTool.Result(content: [.text(text: arguments?["text"]?.stringValue ?? "", annotations: nil, _meta: nil)],
                                       structuredContent: ["path": "direct", "arguments": .object(arguments ?? [:])])
            case "fails":
                return CallTool.Result(content: [.text(text: "it failed", annotations: nil, _meta: nil)], isError: true)
            default:
                throw MCPError.invalidParams("Unknown tool '\(name)'")
            }
        }
    }
}
