import Foundation
import Logging

/// What `letswork proxy` and `letswork-proxy` do once their options are parsed, in one place.
public enum ProxyMain {
    /// Runs the proxy until standard input closes.
    /// - Returns: The exit status: 0 after a clean end, 1 when it could not start (the reason is
    ///   logged to standard error; standard output stays JSON-RPC only).
    /// - Parameters:
    ///   - url: The host's URL; nil when the token file is a session file, which names it.
    ///   - cursorFile: Where to keep the event cursor; by default beside the token file.
    public static func run(url: String?, tokenFile: String?, cursorFile: String? = nil, caCertificateFile: String?,
                           logger: Logger) async -> Int32 {
        // A closed stdout or a dropped socket must end a write with EPIPE, not the process.
        signal(SIGPIPE, SIG_IGN)
        let configuration: ProxyConfiguration
        do {
            let environment = ProcessInfo.processInfo.environment
            let file = TokenSource.file(tokenFile: tokenFile, environment: environment)
            let session = try file.flatMap { try TokenSource.session(file: $0) }
            let token = try session?.token ?? TokenSource.resolve(tokenFile: tokenFile, environment: environment)
            guard let address = url ?? session?.url else {
                throw ProxyError("no host URL: give --url URL (from the host's join command)")
            }
            if let caCertificateFile, !FileManager.default.isReadableFile(atPath: caCertificateFile) {
                throw ProxyError("cannot read the --cacert file \(caCertificateFile); give a PEM file of the certificate authority that signed the host's certificate")
            }
            configuration = ProxyConfiguration(url: try ProxyConfiguration.endpoint(for: address), token: token,
                                               caCertificateFile: caCertificateFile,
                                               cursorFile: cursorFile ?? file.map { $0 + ".cursor" })
        } catch {
            logger.error("letswork proxy: \(error)")
            return 1
        }
        logger.debug("relaying MCP between standard input/output and \(configuration.url)")
        await ProxyRelay(configuration: configuration, logger: logger).run()
        return 0
    }
}
