// Shared by two executables: `letswork proxy` and `letswork-proxy` (the original's command name;
// Sources/letswork-proxy/ProxyOptions.swift is a link to this file). Everything the proxy does
// is in LetsworkProxy; this file is only its options and how they start it.
import ArgumentParser
import Foundation
import LetsworkProxy
import Logging

struct ProxyOptions: ParsableArguments {
    static let discussion = """
        Claude Code runs this for you once `letswork join` has registered it. The token comes from --token-file (mode 0600), LETSWORK_TOKEN_FILE or LETSWORK_TOKEN — never from the command line. Standard output carries JSON-RPC only; logs go to standard error.

        Example:
          LETSWORK_TOKEN_FILE=~/.config/letswork/tokens/example.trycloudflare.com \\
            letswork proxy --url https://example.trycloudflare.com/mcp
        """

    @Option(help: ArgumentHelp("The host's URL, with or without /mcp (not needed when --token-file is the host's session.json).", valueName: "url"))
    var url: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file (mode 0600) holding the guest token, or the host's .git/letswork/session.json.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("cursor-file"), help: ArgumentHelp("Where to keep the id of the last event delivered (default: beside the token file).", valueName: "file"))
    var cursorFile: String?

    @Option(help: ArgumentHelp("PEM certificate authorities to trust besides the system's.", valueName: "file"))
    var cacert: String?

    @Flag(help: "Log each message's method and timing to standard error.")
    var debug = false

    /// Relays until standard input closes, then exits.
    func run() async -> Never {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = debug ? .debug : .warning
            return handler
        }
        let status = await ProxyMain.run(url: url, tokenFile: tokenFile, cursorFile: cursorFile, caCertificateFile: cacert,
                                         logger: Logger(label: "letswork-proxy"))
        // exit() rather than returning: a transfer stuck past the drain timeout must not keep
        // the process alive after the agent has gone.
        Foundation.exit(status)
    }
}
