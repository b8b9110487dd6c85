import ArgumentParser

/// `letswork proxy`: the guest's stdio proxy (also installed as `letswork-proxy`).
struct ProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proxy",
        abstract: "Relay MCP between a local agent (stdio) and a letswork host (Streamable HTTP).",
        discussion: ProxyOptions.discussion
    )

    @OptionGroup var options: ProxyOptions

    func run() async throws { await options.run() }
}
