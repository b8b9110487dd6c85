import Foundation
import Logging

/// What `letswork proxy` and `letswork-proxy` do once their options are parsed, in one place.
public enum ProxyMain {
    /// Runs the proxy until standard input closes.
    /// - Returns: The exit status: 0 after a clean end, 1 when it could not start (the reason is
    ///   logged to standard error; standard output stays JSON-RPC only).
    public static func run(url: String, tokenFile: String?, caCertificateFile: String?, logger: Logger) async -> Int32 {
        // A closed stdout or a dropped socket must end a write with EPIPE, not the process.
        signal(SIGPIPE, SIG_IGN)
        let configuration: ProxyConfiguration
        do {
            let token = try TokenSource.resolve(tokenFile: tokenFile, environment: ProcessInfo.processInfo.environment)
            if let caCertificateFile, !FileManager.default.isReadableFile(atPath: caCertificateFile) {
                throw ProxyError("cannot read the --cacert file \(caCertificateFile); give a PEM file of the certificate authority that signed the host's certificate")
            }
            configuration = ProxyConfiguration(url: try ProxyConfiguration.endpoint(for: url), token: token,
                                               caCertificateFile: caCertificateFile)
        } catch {
            logger.error("letswork proxy: \(error)")
            return 1
        }
        logger.debug("relaying MCP between standard input/output and \(configuration.url)")
        await ProxyRelay(configuration: configuration, logger: logger).run()
        return 0
    }
}
