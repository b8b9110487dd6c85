/// Who is asking, as the client said it in this request (2026-07-28) or in its session's
/// `initialize` (earlier revisions). Self-reported: for logs, display and result shaping, never
/// for access decisions — those come from the bearer token alone.
public struct ClientContext: Sendable, Equatable {
    public var protocolVersion: String
    public var clientName: String?
    public var clientVersion: String?
    public var capabilities: JSONValue

    public init(protocolVersion: String, clientName: String? = nil, clientVersion: String? = nil, capabilities: JSONValue = [:]) {
        self.protocolVersion = protocolVersion
        self.clientName = clientName
        self.clientVersion = clientVersion
        self.capabilities = capabilities
    }

    public var isModern: Bool { ProtocolVersion.isModern(protocolVersion) }

    /// Reads `clientInfo` leniently: a client whose info is missing or odd is still served.
    static func info(_ value: JSONValue?) -> (name: String?, version: String?) {
        (value?["name"]?.stringValue.map { String($0.prefix(100)) }, value?["version"]?.stringValue.map { String($0.prefix(50)) })
    }
}

/// Server facts every era reports: `serverInfo` in `initialize`, `_meta` in 2026-07-28 results.
public struct ServerInfo: Sendable {
    public var name: String
    public var title: String
    public var version: String

    public init(name: String, title: String, version: String) {
        self.name = name
        self.title = title
        self.version = version
    }

    public var json: JSONValue { ["name": .string(name), "title": .string(title), "version": .string(version)] }
}
