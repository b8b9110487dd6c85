import Foundation
import LetsworkTestSupport
import Testing

/// The host's event stream read by an independent client, the official MCP Python SDK
/// (Tests/Python/events_flow.py): resources/list, the era's doorbell (resources/subscribe and the
/// GET stream for 2025-11-25, subscriptions/listen for 2026-07-28), then resources/read after a
/// cursor; straight to the host and through the TLS tunnel stand-in.
@Suite("The event resource and its doorbells, through the official MCP Python SDK", .serialized)
struct EventsPythonSDKTests {
    static let cases: [(String, Bool)] = ["legacy", "2026-07-28"].flatMap { mode in [(mode, false), (mode, true)] }

    @Test("lists letswork://events, is told of a guest's proposal, reads it after the cursor", arguments: cases)
    func doorbellThenRead(mode: String, throughTunnel: Bool) async throws {
        let python = try TestPython.interpreter()
        try await TemporaryRepository.withAsync(files: ["a.txt": "hello\n", "b.txt": "one\ntwo\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let tunnel = throughTunnel ? try TLSTunnel(upstreamPort: host.port) : nil
            defer { tunnel?.stop() }
            var arguments = [TestPython.script("events_flow.py"), "--mode", mode, "--url", tunnel.map { $0.url + "/mcp" } ?? host.url,
                             "--host-token", host.hostToken, "--guest-token", host.guestToken]
            if let tunnel { arguments += ["--cacert", tunnel.caCertificate] }
            let run = try runProcess(python, arguments, environment: testEnvironment())
            let expected = mode == "legacy" ? "2025-11-25" : "2026-07-28"
            #expect(run.status == 0 && run.output.contains("events ok \(expected)"),
                    "\(mode)\(throughTunnel ? " through the tunnel" : ""):\n\(run.output)\n\(run.errors.suffix(3000))")
        }
    }
}
