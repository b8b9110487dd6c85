import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The host dies and comes back: the agent gets a clear error for every request meanwhile, and
/// carries on afterwards without initializing again.
@Suite("The proxy when the host goes away", .serialized)
struct ResilienceTests {
    @Test("host killed: outstanding and new requests get the bounded error; host resumed: the proxy recovers on its own")
    func hostKilledAndResumed() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let client = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(host.port)", "--debug"],
                                         environment: ["LETSWORK_TOKEN": host.guestToken])
            defer { client.kill() }
            try await client.initialize()
            #expect(try await client.tool(1, "read_file", ["path": "README.md"])["isError"] as? Bool == false)

            // Outstanding: the host is frozen while the request reaches it, then killed.
            #expect(try await host.freeze(), "the host did not stop on SIGSTOP")
            try client.send(json: ["jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                   "params": ["name": "read_file", "arguments": ["path": "README.md"]]])
            try await Task.sleep(for: .milliseconds(300))
            host.crash()
            // New: sent while nothing listens.
            try client.send(json: ["jsonrpc": "2.0", "id": 3, "method": "ping"])
            for id in [2, 3] {
                let answer = try StdioClient.decode(try await client.line(forID: id, timeout: .seconds(15)))
                let error = try #require(answer["error"] as? [String: Any], "request \(id): \(answer)")
                let message = try #require(error["message"] as? String)
                #expect(message.contains("host unreachable at http://127.0.0.1:\(host.port)/mcp"), "\(message)")
                #expect(message.contains("ask the host whether the session is still running"), "\(message)")
            }

            // The host restarts on the same port with the same tokens; the agent does not
            // initialize again: the proxy opens a new session with the agent's initialize.
            let resumed = try await Host(in: repository.path, port: host.port, extra: ["--resume"])
            defer { resumed.stop() }
            #expect(resumed.guestToken == host.guestToken)
            let read = try await client.tool(4, "read_file", ["path": "README.md"])
            #expect(read["isError"] as? Bool == false, "\(read)")
            #expect(client.allLines.filter { StdioClient.id(of: $0) == 0 }.count == 1,
                    "the replayed initialize's answer is not shown to the agent")
        }
    }

    @Test("through the TLS tunnel: the tunnel's 502 becomes the bounded error; the resumed host is reached again")
    func hostKilledBehindTunnel() async throws {
        try await withGuestBehindTunnel(files: ["README.md": "hello\n"]) { repository, host, tunnel, client in
            try await client.initialize()
            #expect(try await client.tool(1, "read_file", ["path": "README.md"])["isError"] as? Bool == false)

            host.crash()
            // A ping is safe to repeat (retried while the tunnel answers 502); a tool call is not.
            try client.send(json: ["jsonrpc": "2.0", "id": 2, "method": "ping"])
            try client.send(json: ["jsonrpc": "2.0", "id": 3, "method": "tools/call",
                                   "params": ["name": "read_file", "arguments": ["path": "README.md"]]])
            for id in [2, 3] {
                let answer = try StdioClient.decode(try await client.line(forID: id, timeout: .seconds(15)))
                let message = try #require((answer["error"] as? [String: Any])?["message"] as? String, "request \(id): \(answer)")
                #expect(message.hasPrefix("host unreachable at \(tunnel.url)/mcp"), "\(message)")
                #expect(message.contains("ask the host whether the session is still running"))
            }

            let resumed = try await Host(in: repository.path, port: host.port, extra: ["--resume"])
            defer { resumed.stop() }
            let read = try await client.tool(4, "read_file", ["path": "README.md"])
            #expect(read["isError"] as? Bool == false, "\(read)")
        }
    }

    @Test("a wrong token gets a clear error for the request, not a hang")
    func wrongToken() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let client = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(host.port)"],
                                         environment: ["LETSWORK_TOKEN": "not-the-token-" + String(repeating: "x", count: 40)])
            defer { client.kill() }
            let answer = try await client.call(0, "initialize", ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
                                                                 "clientInfo": ["name": "t", "version": "1"]])
            let message = try #require((answer["error"] as? [String: Any])?["message"] as? String, "\(answer)")
            #expect(message.contains("refused the token"))
        }
    }

    @Test("nothing listening at all: the error comes within seconds")
    func nothingListening() async throws {
        let port = try freeLoopbackPort()
        let client = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(port)"], environment: ["LETSWORK_TOKEN": "abc"])
        defer { client.kill() }
        let answer = try await client.call(0, "initialize", [:], timeout: .seconds(15))
        let message = try #require((answer["error"] as? [String: Any])?["message"] as? String, "\(answer)")
        #expect(message.hasPrefix("host unreachable at http://127.0.0.1:\(port)/mcp"))
    }
}
