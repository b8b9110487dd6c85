import Testing

@testable import LetsworkServer

@Suite("Host and Origin policy")
struct HostPolicyTests {
    let policy = HostPolicy(publicHostnames: ["https://Abc-Def.trycloudflare.com/mcp"])

    @Test("loopback names with any port and the public hostname are allowed", arguments: [
        "127.0.0.1", "127.0.0.1:8000", "localhost:1", "LOCALHOST:65535", "[::1]:8000", "[::1]",
        "abc-def.trycloudflare.com", "abc-def.trycloudflare.com:443",
    ])
    func allowedHosts(host: String) {
        #expect(policy.rejection(host: host, origin: nil) == nil)
    }

    @Test("other hosts and malformed ones are refused", arguments: [
        "evil.example", "evil.example:8000", "127.0.0.2:8000", "localhost.evil.example", "trycloudflare.com",
        "localhost:80a", "localhost:", "[::1", "user@localhost", "0.0.0.0:8000",
    ])
    func refusedHosts(host: String) {
        #expect(policy.rejection(host: host, origin: nil) != nil)
    }

    @Test("origins: loopback and the public hostname over http(s) pass; others and \"null\" do not")
    func origins() {
        #expect(policy.rejection(host: nil, origin: "http://localhost:3000") == nil)
        #expect(policy.rejection(host: nil, origin: "https://abc-def.trycloudflare.com") == nil)
        #expect(policy.rejection(host: nil, origin: "http://[::1]:8000") == nil)
        #expect(policy.rejection(host: nil, origin: "https://evil.example") != nil)
        #expect(policy.rejection(host: nil, origin: "null") != nil)
        #expect(policy.rejection(host: nil, origin: "file://localhost") != nil)
        #expect(policy.rejection(host: nil, origin: "http://localhost:3000/path") != nil)
    }

    @Test("no Host and no Origin is fine (command-line clients)")
    func absent() {
        #expect(policy.rejection(host: nil, origin: nil) == nil)
    }

    @Test("user input may be a hostname, host:port or URL")
    func userInput() {
        #expect(HostPolicy.hostname(fromUserInput: "https://x.example.com:8443/mcp") == "x.example.com")
        #expect(HostPolicy.hostname(fromUserInput: "X.example.com") == "x.example.com")
        #expect(HostPolicy.hostname(fromUserInput: "x.example.com:80") == "x.example.com")
    }
}
