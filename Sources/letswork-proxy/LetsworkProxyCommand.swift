import ArgumentParser

/// `letswork-proxy`: the original letswork's command name for the guest's stdio proxy; the same
/// options and behaviour as `letswork proxy` (ProxyOptions.swift is shared with that executable).
@main
struct LetsworkProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letswork-proxy",
        abstract: "Relay MCP between a local agent (stdio) and a letswork host (Streamable HTTP).",
        discussion: ProxyOptions.discussion
    )

    @OptionGroup var options: ProxyOptions

    func run() async throws { await options.run() }
}
