import LetsworkTestSupport

/// The setup most end-to-end proxy tests share: a real repository holding `files`, `letswork
/// start` on it, a TLS tunnel in front (nginx with a CA made for the test), and a guest's
/// `letswork proxy` reaching the host through the tunnel with the guest token. Everything is
/// stopped and removed when `body` returns or throws.
func withGuestBehindTunnel(files: [String: String],
                           _ body: (TemporaryRepository, Host, TLSTunnel, StdioClient) async throws -> Void) async throws {
    try await TemporaryRepository.withAsync(files: files) { repository in
        let host = try await Host(in: repository.path)
        defer { host.stop() }
        let tunnel = try TLSTunnel(upstreamPort: host.port)
        defer { tunnel.stop() }
        let client = try StdioClient(["proxy", "--url", tunnel.url, "--cacert", tunnel.caCertificate],
                                     environment: ["LETSWORK_TOKEN": host.guestToken])
        defer { client.kill() }
        try await body(repository, host, tunnel, client)
    }
}
