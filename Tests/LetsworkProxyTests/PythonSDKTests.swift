import Foundation
import LetsworkTestSupport
import Testing

/// The official MCP Python SDK as a guest's agent would use it, in each of its three modes and
/// over each way a guest reaches the host: the flow in Tests/Python/mcp_flow.py (list tools with
/// their output schemas, read, propose, the host approves, a conflict, a guest's refusal, every
/// tool called and its structured content validated by the SDK).
@Suite("The official MCP Python SDK, every mode, every transport", .serialized)
struct PythonSDKTests {
    enum Transport: String, CaseIterable, Sendable {
        /// Streamable HTTP straight to the host on loopback.
        case http
        /// `letswork proxy` over stdio, on loopback.
        case proxy
        /// Streamable HTTP through the TLS tunnel stand-in, as the proxy-less join does.
        case tunnelHTTP
        /// `letswork proxy` through the TLS tunnel stand-in, as a guest joins.
        case tunnelProxy
    }

    static let cases: [(String, Transport)] = ["2026-07-28", "auto", "legacy"].flatMap { mode in
        Transport.allCases.map { (mode, $0) }
    }

    @Test("lists, reads, proposes, gets approved, hits a conflict and a refusal", arguments: cases)
    func flow(mode: String, transport: Transport) async throws {
        let python = try TestPython.interpreter()
        try await TemporaryRepository.withAsync(files: ["a.txt": "hello\n", "b.txt": "one\ntwo\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let tunnel = transport == .tunnelHTTP || transport == .tunnelProxy ? try TLSTunnel(upstreamPort: host.port) : nil
            defer { tunnel?.stop() }
            let guestURL = tunnel.map { $0.url + "/mcp" } ?? host.url
            var arguments = [TestPython.script("mcp_flow.py"), "--mode", mode,
                             "--transport", transport == .proxy || transport == .tunnelProxy ? "stdio" : "http",
                             "--url", guestURL, "--host-url", host.url, "--guest-token", host.guestToken,
                             "--host-token", host.hostToken, "--repo", repository.path, "--letswork", letsworkExecutable]
            if let tunnel { arguments += ["--cacert", tunnel.caCertificate] }
            let run = try runProcess(python, arguments, environment: testEnvironment())
            let expected = mode == "legacy" ? "2025-11-25" : "2026-07-28"
            #expect(run.status == 0 && run.output.contains("flow ok \(expected) 19"),
                    "\(mode) over \(transport):\n\(run.output)\n\(run.errors.suffix(3000))")
        }
    }
}
