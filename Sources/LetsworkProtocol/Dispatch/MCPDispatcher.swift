import Foundation

/// The one place every MCP request is answered, whichever era framed it: the HTTP layer (and any
/// other transport) reads the message, settles the era and the client's context, and hands the
/// request here; the response comes back as bytes.
///
/// Methods: `initialize` (handshake era), `server/discover`, `ping`, `tools/list`, `tools/call`,
/// `prompts/list`, `prompts/get` when the service has prompts, and `resources/list`, `…/read`,
/// `…/subscribe`, `…/unsubscribe` when it has resources. `subscriptions/listen` is a stream, so
/// the transport answers it (with ``Subscription``). Anything else is "method not found".
public struct MCPDispatcher: Sendable {
    public let server: ServerInfo
    public let service: any MCPService

    public init(server: ServerInfo, service: any MCPService) {
        self.server = server
        self.service = service
    }

    /// What letswork declares it can do, in both eras.
    public var capabilities: JSONValue {
        var capabilities: [String: JSONValue] = ["tools": ["listChanged": false]]
        if !service.prompts.isEmpty { capabilities["prompts"] = ["listChanged": false] }
        if !service.resources.isEmpty {
            capabilities["resources"] = ["subscribe": .bool(service.resources.contains(where: \.subscribable)), "listChanged": false]
        }
        return .object(capabilities)
    }

    /// The JSON-RPC response to `request`.
    public func respond(to request: RPCRequest, client: ClientContext) async -> (data: Data, error: RPCError?) {
        do {
            let result = try await result(for: request, client: client)
            return (RPCResponse.success(id: request.id, result: result), nil)
        } catch {
            return (RPCResponse.failure(id: request.id, error: error), error)
        }
    }

    func result(for request: RPCRequest, client: ClientContext) async throws(RPCError) -> JSONValue {
        let result: [String: JSONValue]
        switch request.method {
        case "initialize":
            guard !client.isModern else {
                throw .invalidRequest("Invalid request: 2026-07-28 has no initialize; send server/discover, or any request with params._meta.")
            }
            result = try initialize(request).result
        case "server/discover":
            result = discover()
        case "ping":
            result = [:]
        case "tools/list":
            result = ["tools": .array(service.tools.map(\.json))]
        case "tools/call":
            result = try await callTool(request, client: client)
        case "prompts/list" where !service.prompts.isEmpty:
            result = ["prompts": .array(service.prompts.map(\.json))]
        case "prompts/get" where !service.prompts.isEmpty:
            result = try await prompt(request)
        case "resources/list" where !service.resources.isEmpty:
            result = ["resources": .array(service.resources.map(\.json))]
        case "resources/templates/list" where !service.resources.isEmpty:
            result = ["resourceTemplates": []]
        case "resources/read" where !service.resources.isEmpty:
            let uri = try resourceURI(request, followable: false)
            result = ["contents": .array(try await service.readResource(uri).map(\.json))]
        case "resources/subscribe" where !client.isModern, "resources/unsubscribe" where !client.isModern:
            // The session's GET stream sends the updates; the HTTP layer records the subscription.
            _ = try resourceURI(request, followable: true)
            result = [:]
        default:
            throw .methodNotFound("Method not found: letswork does not offer \(request.method). It answers "
                + "server/discover, initialize, ping, tools/list, tools/call, prompts/list, prompts/get, resources/list, resources/read, "
                + (client.isModern ? "and subscriptions/listen." : "resources/subscribe and resources/unsubscribe."))
        }
        return .object(client.isModern ? stamped(result, method: request.method) : result)
    }

    /// The `initialize` result and the client it describes. An offered version letswork does not
    /// speak is answered with the newest handshake version, as the handshake prescribes; the
    /// client's capabilities are kept as sent, whatever they hold.
    public func initialize(_ request: RPCRequest) throws(RPCError) -> (result: [String: JSONValue], client: ClientContext) {
        guard case .string(let offered)? = request.params["protocolVersion"] else {
            throw .invalidParams("Invalid params: initialize needs \"protocolVersion\" (a string such as \"\(ProtocolVersion.latestHandshake)\").")
        }
        let version = ProtocolVersion.handshake.contains(offered) ? offered : ProtocolVersion.latestHandshake
        let info = ClientContext.info(request.params["clientInfo"])
        let client = ClientContext(protocolVersion: version, clientName: info.name, clientVersion: info.version,
                                   capabilities: request.params["capabilities"] ?? [:])
        let result: [String: JSONValue] = [
            "protocolVersion": .string(version), "capabilities": capabilities,
            "serverInfo": server.json, "instructions": .string(service.instructions),
        ]
        return (result, client)
    }

    private func discover() -> [String: JSONValue] {
        ["supportedVersions": .array(ProtocolVersion.all.map(JSONValue.string)), "capabilities": capabilities,
         "instructions": .string(service.instructions)]
    }

    private func callTool(_ request: RPCRequest, client: ClientContext) async throws(RPCError) -> [String: JSONValue] {
        guard case .string(let name)? = request.params["name"] else {
            throw .invalidParams("Invalid params: tools/call needs \"name\", the tool to call (tools/list names them).")
        }
        let arguments: [String: JSONValue]
        switch request.params["arguments"] {
        case nil, .null?: arguments = [:]
        case .object(let members)?: arguments = members
        default: throw .invalidParams("Invalid params: tools/call's \"arguments\" must be an object of the tool's arguments.")
        }
        return try await service.callTool(name, arguments: arguments, client: client).json.objectValue ?? [:]
    }

    /// The `uri` of a resources request, checked against the service's resources.
    public func resourceURI(_ request: RPCRequest, followable: Bool) throws(RPCError) -> String {
        guard case .string(let uri)? = request.params["uri"] else {
            throw .invalidParams("Invalid params: \(request.method) needs \"uri\", a resource URI as resources/list gives it.")
        }
        guard let resource = service.resources.first(where: { $0.matches(uri) }) else { throw .resourceNotFound(uri) }
        if followable && (!resource.subscribable || resource.uri != uri) {
            throw .invalidParams("Invalid params: \(uri) cannot be subscribed to; subscribe to \(resource.uri) itself.")
        }
        return uri
    }

    private func prompt(_ request: RPCRequest) async throws(RPCError) -> [String: JSONValue] {
        guard case .string(let name)? = request.params["name"] else {
            throw .invalidParams("Invalid params: prompts/get needs \"name\", the prompt to render (prompts/list names them).")
        }
        var arguments: [String: String] = [:]
        for (key, value) in request.params["arguments"]?.objectValue ?? [:] {
            guard case .string(let text) = value else { throw .invalidParams("Invalid params: prompt arguments are strings; '\(key)' is not.") }
            arguments[key] = text
        }
        return try await service.prompt(name, arguments: arguments).json.objectValue ?? [:]
    }

    /// 2026-07-28 results say they are complete, who answered, and (for the listings a client may
    /// cache) for how long: not at all, since tools and instructions can change with the session.
    private func stamped(_ result: [String: JSONValue], method: String) -> [String: JSONValue] {
        var result = result
        result["resultType"] = "complete"
        var meta = result["_meta"]?.objectValue ?? [:]
        meta[MetaKey.serverInfo] = server.json
        result["_meta"] = .object(meta)
        if ["tools/list", "server/discover", "prompts/list", "resources/list"].contains(method) {
            result["ttlMs"] = 0
            result["cacheScope"] = "private"
        }
        return result
    }
}
