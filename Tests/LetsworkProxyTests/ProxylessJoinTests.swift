import Foundation
import LetsworkTestSupport
import Testing

/// The join box's proxy-less lines, taken exactly as printed, used by an independent HTTP MCP
/// client (the official Python SDK) through the TLS tunnel stand-in: what a guest with nothing
/// but Claude Code (or another MCP client's `.mcp.json`) would do.
@Suite("Joining without letswork: the printed claude mcp add line and .mcp.json entry")
struct ProxylessJoinTests {
    /// Connects with the SDK's Streamable HTTP client to URL with one header, trusting the
    /// test CA, lists the tools and calls get_status; prints one JSON line of what it saw.
    static let client = #"""
        import asyncio, json, ssl, sys
        import httpx2
        from mcp import Client
        from mcp.client.streamable_http import streamable_http_client

        url, header, cafile, mode = sys.argv[1:5]
        name, value = header.split(": ", 1)

        async def main():
            context = ssl.create_default_context(cafile=cafile)
            async with httpx2.AsyncClient(headers={name: value}, verify=context, timeout=30) as http:
                async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
                    tools = await client.list_tools()
                    status = await client.call_tool("get_status", {})
                    text = "".join(part.text for part in status.content if getattr(part, "type", "") == "text")
                    print(json.dumps({"tools": sorted(tool.name for tool in tools.tools),
                                      "isError": bool(status.is_error), "status": text,
                                      "protocol": client.protocol_version}))

        asyncio.run(main())
        """#

    @Test("the printed URL and Authorization header work as printed, through TLS, for the command and the .mcp.json entry")
    func printedLinesWork() async throws {
        let python = try TestPython.interpreter()
        try await TemporaryRepository.withAsync { repository in
            let port = try freeLoopbackPort()
            let tunnel = try TLSTunnel(upstreamPort: port)
            defer { tunnel.stop() }
            let host = try await Host(in: repository.path, port: port, extra: ["--public-url", tunnel.url])
            defer { host.stop() }
            #expect(try await eventuallyTrue { host.output.contains(".mcp.json") }, "\(host.output)")
            // Each line as a triple click copies it: only the indentation is trimmed, so a
            // border character beside a command would break it here as in a shell.
            let lines = host.output.split(separator: "\n").map { String($0).trimmingCharacters(in: .whitespaces) }
            #expect(lines.contains("letswork join \(tunnel.url) --token \(host.guestToken)"), "\(lines)")

            // `claude mcp add --transport http letswork URL --header "Authorization: Bearer …"`,
            // split as a shell would.
            let command = try #require(lines.first { $0.hasPrefix("claude mcp add ") }, "\(lines)")
            let words = try Self.shellWords(command)
            try #require(words.count == 9, "\(words)")
            #expect(Array(words[0...5]) == ["claude", "mcp", "add", "--transport", "http", "letswork"])
            #expect(words[6] == tunnel.url + "/mcp")
            let header = try #require(words.last)
            #expect(words[words.count - 2] == "--header")
            #expect(header == "Authorization: Bearer \(host.guestToken)")

            let fromCommand = try Self.connect(python: python, url: words[6], header: header, cafile: tunnel.caCertificate)
            #expect(fromCommand["isError"] as? Bool == false, "\(fromCommand)")
            #expect((fromCommand["tools"] as? [String])?.contains("submit_change") == true, "\(fromCommand)")
            #expect((fromCommand["status"] as? String)?.contains("guest") == true, "the token is the guest's: \(fromCommand)")
            #expect(fromCommand["protocol"] as? String == "2026-07-28", "\(fromCommand)")

            // The .mcp.json entry, parsed as JSON.
            let entryLine = try #require(lines.first { $0.hasPrefix("{\"mcpServers\"") }, "\(lines)")
            let entry = try #require(try JSONSerialization.jsonObject(with: Data(entryLine.utf8)) as? [String: Any])
            let server = try #require((entry["mcpServers"] as? [String: Any])?["letswork"] as? [String: Any])
            #expect(server["type"] as? String == "http")
            let url = try #require(server["url"] as? String)
            let headers = try #require(server["headers"] as? [String: String])
            #expect(Array(headers.keys) == ["Authorization"])
            let fromJSON = try Self.connect(python: python, url: url, header: "Authorization: " + headers["Authorization"]!, cafile: tunnel.caCertificate)
            #expect(fromJSON["isError"] as? Bool == false, "\(fromJSON)")
        }
    }

    /// Runs the SDK client in its default mode, which picks the newest revision both sides
    /// speak (2026-07-28 with this server): no fallback, so a failure of that path fails here.
    static func connect(python: String, url: String, header: String, cafile: String) throws -> [String: Any] {
        let result = try runProcess(python, ["-c", client, url, header, cafile, "auto"])
        if result.status == 0, let line = result.output.split(separator: "\n").last,
           let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            return json
        }
        throw TestFailure("the MCP Python SDK could not use the printed lines: exit \(result.status)\n\(result.output)\(result.errors.suffix(3000))")
    }

    /// Splits a command line as a POSIX shell does for plain words and double-quoted ones
    /// (all the join lines use), refusing anything else so the test cannot read it wrongly.
    static func shellWords(_ line: String) throws -> [String] {
        var words: [String] = [], word = "", inQuotes = false, inWord = false
        for character in line {
            switch character {
            case "\"": inQuotes.toggle(); inWord = true
            case " " where !inQuotes:
                if inWord { words.append(word); word = ""; inWord = false }
            case "\\", "'", "$", "`": throw TestFailure("unexpected shell character \(character) in: \(line)")
            default: word.append(character); inWord = true
            }
        }
        guard !inQuotes else { throw TestFailure("unbalanced quotes in: \(line)") }
        if inWord { words.append(word) }
        return words
    }
}
