import Foundation
import LetsworkTestSupport
import Testing

/// As a guest runs it: an MCP client on stdio → `letswork proxy` → a TLS reverse proxy (nginx,
/// standing in for the tunnel) → `letswork start` → a real repository.
@Suite("Guest through the proxy and a TLS tunnel", .serialized)
struct EndToEndTests {
    @Test("lists, reads and proposes; the host approves; results arrive with the server's own bytes")
    func guestFlowThroughTLS() async throws {
        try await withGuestBehindTunnel(files: ["README.md": "hello\n", "src/app.swift": "let answer = 41\n"]) { repository, host, tunnel, client in

            let initialized = try await client.initialize()
            let serverInfo = (initialized["result"] as? [String: Any])?["serverInfo"] as? [String: Any]
            #expect(serverInfo?["name"] as? String == "letswork")

            let listing = try await client.tool(1, "list_files", ["path": "", "recursive": true])
            #expect("\(listing)".contains("src/app.swift"))
            let read = try await client.tool(2, "read_file", ["path": "src/app.swift"])
            #expect("\(read["content"] ?? "")".contains("let answer = 41"))

            let written = try await client.tool(3, "write_file", ["path": "src/app.swift", "content": "let answer = 42\n"])
            #expect(written["isError"] as? Bool != true, "write_file: \(written)")
            let changeID = try #require((written["structuredContent"] as? [String: Any])?["change_id"] as? String, "\(written)")
            #expect(repository.read("src/app.swift") == "let answer = 41\n", "a proposal never touches the host's file")

            let approval = try runProcess(letsworkExecutable, ["approve", changeID], in: repository.path)
            #expect(approval.status == 0, "\(approval.output)\(approval.errors)")
            #expect(repository.read("src/app.swift") == "let answer = 42\n")

            // The same calls straight to the server (Foundation's URLSession, not the proxy's
            // code): the relayed lines are the server's bodies, byte for byte. The server lists a
            // dictionary's keys in Swift's per-instance hash order, so two answers to the same
            // call may order keys differently: compare the same JSON value, spelled with the same
            // bytes (a decode and re-encode would change escapes, spacing or number spelling).
            var direct = DirectClient(url: host.url, token: host.guestToken)
            try await direct.initialize()
            // The approval is news for the guest, and the next result would end with it: read it
            // first, so the two answers below are the same call's.
            _ = try await client.tool(9, "get_notifications")
            for (id, call) in [
                (10, #"{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"missing.txt"}}}"#),
                (11, #"{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"README.md"}}}"#),
            ] {
                try client.send(call)
                let relayed = try await client.line(forID: id)
                let (status, body) = try await direct.post(call)
                #expect(status == 200)
                let expected = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(Array(relayed.utf8).sorted() == Array(expected.utf8).sorted(), "relayed: \(relayed)\nserver: \(expected)")
                let relayedValue = try JSONSerialization.jsonObject(with: Data(relayed.utf8)) as? NSDictionary
                let expectedValue = try JSONSerialization.jsonObject(with: body) as? NSDictionary
                #expect(relayedValue != nil && relayedValue == expectedValue)
            }
            let refused = try StdioClient.decode(try await client.line(forID: 10))
            let result = try #require(refused["result"] as? [String: Any])
            #expect(result["isError"] as? Bool == true)
            #expect(result["structuredContent"] != nil)

            #expect(try await client.closeInput() == 0, "the proxy exits 0 at stdin EOF:\n\(client.errors)")
            #expect(client.allLines.allSatisfy { (try? StdioClient.decode($0)) != nil }, "stdout carries JSON-RPC only")
        }
    }

    @Test("SSE replies (the tunnel asks the server for event streams): the same messages arrive, and the session works")
    func eventStreamReplies() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let tunnel = try TLSTunnel(upstreamPort: host.port, eventStreamReplies: true)
            defer { tunnel.stop() }
            let client = try StdioClient(["proxy", "--url", tunnel.url, "--cacert", tunnel.caCertificate, "--debug"],
                                         environment: ["LETSWORK_TOKEN": host.guestToken])
            defer { client.kill() }
            let initialized = try await client.initialize()
            #expect((initialized["result"] as? [String: Any])?["protocolVersion"] != nil, "\(initialized)")

            var direct = DirectClient(url: host.url, token: host.guestToken)
            try await direct.initialize()
            let call = #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"missing.txt"}}}"#
            try client.send(call)
            let relayed = try await client.line(forID: 5)
            let (_, body) = try await direct.post(call)
            let expected = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Array(relayed.utf8).sorted() == Array(expected.utf8).sorted(), "relayed: \(relayed)\nserver: \(expected)")
            #expect(try await client.tool(6, "read_file", ["path": "README.md"])["isError"] as? Bool == false)
            #expect(try await client.closeInput() == 0)
            #expect(client.allLines.count == 3, "one line per answer, nothing else: \(client.allLines)")
            #expect(client.errors.contains("tools/call #6: HTTP 200 text/event-stream"), "the replies were SSE:\n\(client.errors)")
        }
    }

    @Test("a host that offers a GET stream: its messages reach the agent; requests still work")
    func getStream() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let pushed = #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"pushed on the GET stream"}}"#
            let tunnel = try TLSTunnel(upstreamPort: host.port, getStreamMessage: pushed)
            defer { tunnel.stop() }
            let client = try StdioClient(["proxy", "--url", tunnel.url, "--cacert", tunnel.caCertificate],
                                         environment: ["LETSWORK_TOKEN": host.guestToken])
            defer { client.kill() }
            try await client.initialize()
            let deadline = ContinuousClock.now + .seconds(15)
            while !client.allLines.contains(pushed) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(client.allLines.contains(pushed), "\(client.allLines)")
            #expect(try await client.tool(1, "read_file", ["path": "README.md"])["isError"] as? Bool == false)
            #expect(try await client.closeInput() == 0, "the open stream does not hold the proxy at EOF")
        }
    }

    @Test("concurrent requests are all answered, each by its own id")
    func concurrentRequests() async throws {
        try await TemporaryRepository.withAsync(files: ["README.md": "hello\n"]) { repository in
            let host = try await Host(in: repository.path)
            defer { host.stop() }
            let client = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(host.port)"],
                                         environment: ["LETSWORK_TOKEN": host.guestToken])
            defer { client.kill() }
            try await client.initialize()
            for id in 1...20 {
                try client.send(json: ["jsonrpc": "2.0", "id": id, "method": id % 2 == 0 ? "ping" : "tools/call",
                                       "params": id % 2 == 0 ? [:] : ["name": "read_file", "arguments": ["path": "README.md"]]])
            }
            for id in 1...20 {
                let answer = try StdioClient.decode(try await client.line(forID: id))
                #expect(answer["result"] != nil, "\(answer)")
            }
        }
    }
}
