import LetsworkProtocol
import LetsworkServer

/// Remembers which principals the factory was asked to serve.
actor PrincipalLog {
    private(set) var principals: [Principal] = []
    func record(_ principal: Principal) { principals.append(principal) }
}

/// A small MCP service per principal: `echo` returns its `text` argument (and its arguments as
/// structured content, so a test can see what arrived), `whoami` reports the principal the
/// factory was given (so a test can see the role comes from the token alone), `fails` refuses.
struct EchoFactory: ParticipantFactory {
    let log = PrincipalLog()

    func dispatcher(for principal: Principal) async throws -> MCPDispatcher {
        await log.record(principal)
        return MCPDispatcher(server: ServerInfo(name: "letswork-test", title: "letswork test", version: "0.0.1"),
                             service: EchoService(principal: principal))
    }
}

struct EchoService: MCPService {
    let principal: Principal
    var instructions: String { "test server for \(principal.role)" }
    let tools: [ToolDescription] = [
        ToolDescription(name: "echo", description: "Returns its text argument.",
                        inputSchema: ["type": "object", "properties": ["text": ["type": "string"]], "required": ["text"]],
                        outputSchema: ["type": "object"], annotations: ToolAnnotations(title: "Echo", readOnly: true, idempotent: true)),
        ToolDescription(name: "whoami", description: "Says who is calling.", inputSchema: ["type": "object"],
                        outputSchema: ["type": "object"], annotations: ToolAnnotations(title: "Who am I", readOnly: true, idempotent: true)),
        ToolDescription(name: "fails", description: "Always refuses.", inputSchema: ["type": "object"],
                        outputSchema: ["type": "object"], annotations: ToolAnnotations(title: "Fails", readOnly: true, idempotent: true)),
    ]

    func callTool(_ name: String, arguments: [String: JSONValue], client: ClientContext) async throws(RPCError) -> ToolResult {
        switch name {
        case "echo":
            return ToolResult(text: [arguments["text"]?.stringValue ?? ""], structuredContent: ["arguments": .object(arguments)], isError: false)
        case "whoami":
            return ToolResult(text: ["\(principal.id) \(principal.role.rawValue) \(principal.displayName)"], structuredContent: [:], isError: false)
        case "fails":
            return ToolResult(text: ["it failed"], structuredContent: ["error": "it failed"], isError: true)
        default:
            throw .invalidParams("Unknown tool '\(name)'")
        }
    }
}

/// A factory that always fails, to check that no session is left behind.
struct FailingFactory: ParticipantFactory {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the tools are unavailable" }
    }

    func dispatcher(for principal: Principal) async throws -> MCPDispatcher {
        throw Failure()
    }
}
