import Foundation

/// How the proxy reaches the host.
public struct ProxyConfiguration: Sendable {
    /// The host's MCP endpoint, ending in `/mcp`.
    public var url: String
    public var token: String
    /// PEM file of extra certificate authorities to trust (`--cacert`).
    public var caCertificateFile: String?
    public var connectTimeout: Duration = .seconds(5)
    /// How long a message that never reached the host is retried before the agent gets an error.
    public var retryWindow: Duration = .seconds(4)
    /// At stdin EOF, how long answers still in flight may take to arrive.
    public var drainTimeout: Duration = .seconds(3)
    /// How long a request may wait for its answer before the proxy checks that the host is still
    /// reachable (a ping on a connection of its own).
    public var livenessAfter: Duration = .seconds(5)
    /// How long that ping may take; one without an answer in this time gives the request up.
    public var probeTimeout: Duration = .seconds(3)
    /// Where the id of the last event delivered to the agent is kept across restarts (nil: in
    /// memory only, so a restarted proxy delivers again what is still kept on the host).
    public var cursorFile: String?

    public init(url: String, token: String, caCertificateFile: String? = nil, cursorFile: String? = nil) {
        self.url = url
        self.token = token
        self.caCertificateFile = caCertificateFile
        self.cursorFile = cursorFile
    }

    /// The MCP endpoint for a URL given with or without its `/mcp` path
    /// (`https://x.trycloudflare.com` → `https://x.trycloudflare.com/mcp`).
    /// - Throws: ``ProxyError`` when it is not an http(s) URL.
    public static func endpoint(for text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty else {
            throw ProxyError("\(text) is not a URL such as https://random-words.trycloudflare.com (take it from the host's join command)")
        }
        var endpoint = components
        if endpoint.path.isEmpty || endpoint.path == "/" { endpoint.path = "/mcp" }
        return endpoint.string ?? trimmed
    }
}
