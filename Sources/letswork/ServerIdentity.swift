import LetsworkProtocol

extension Letswork {
    /// How the MCP server names itself to every client, in `initialize` and in 2026-07-28 results.
    static let serverInfo = ServerInfo(name: "letswork", title: "letswork", version: configuration.version)
}
