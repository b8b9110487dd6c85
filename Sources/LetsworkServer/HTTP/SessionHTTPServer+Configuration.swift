extension SessionHTTPServer {
    /// How the server listens and what it accepts. The address is always 127.0.0.1: a tunnel
    /// (cloudflared, ssh -R, …) forwards public traffic to it, and the host's own client connects
    /// on loopback.
    public struct Configuration: Sendable {
        /// The TCP port on 127.0.0.1. `0` picks a free port; read it back with
        /// ``SessionHTTPServer/port``.
        public var port: Int
        /// Public hostnames the server answers to besides loopback (the tunnel's, such as
        /// `abc.trycloudflare.com`). A URL or `host:port` is reduced to its hostname. Can be
        /// replaced while running with ``SessionHTTPServer/setPublicHostnames(_:)``.
        public var publicHostnames: [String]
        /// The largest request body accepted, in bytes; larger bodies get 413.
        public var maxRequestBodyBytes: Int
        /// How replies to POST requests are framed when the client accepts both.
        public var replyFormat: ReplyFormat
        /// A session with no request for this long is closed (the client then gets 404 and
        /// re-initializes).
        public var sessionIdleTimeout: Duration
        /// The most sessions one principal may have open; opening one more closes its least
        /// recently used session. Bounds what a guest can make the host hold in memory.
        public var maxSessionsPerPrincipal: Int
        /// The MCP endpoint's path.
        public var endpointPath: String
        /// How fast each guest may send requests (per token, whatever the session); beyond it they
        /// get 429 with `Retry-After`. `nil`: unlimited. The host is never limited.
        public var guestRateLimit: RateLimit?
        /// Pages served beside MCP under their own path prefix (the review page). Default none.
        public var mounts: [PathMount] = []

        /// Creates a configuration.
        /// - Parameters:
        ///   - port: The TCP port on 127.0.0.1 (default 8000; 0 for any free port).
        ///   - publicHostnames: The tunnel's hostnames, if any.
        ///   - maxRequestBodyBytes: Default 4 MiB.
        ///   - replyFormat: Default `.json`.
        ///   - sessionIdleTimeout: Default 12 hours.
        ///   - maxSessionsPerPrincipal: Default 8.
        ///   - endpointPath: Default `/mcp`.
        ///   - guestRateLimit: Default ``RateLimit/guestDefault`` (50 requests/s, bursts of 200).
        public init(
            port: Int = 8000,
            publicHostnames: [String] = [],
            maxRequestBodyBytes: Int = 4 * 1024 * 1024,
            replyFormat: ReplyFormat = .json,
            sessionIdleTimeout: Duration = .seconds(12 * 60 * 60),
            maxSessionsPerPrincipal: Int = 8,
            endpointPath: String = "/mcp",
            guestRateLimit: RateLimit? = .guestDefault
        ) {
            self.port = port
            self.publicHostnames = publicHostnames
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.replyFormat = replyFormat
            self.sessionIdleTimeout = sessionIdleTimeout
            self.maxSessionsPerPrincipal = maxSessionsPerPrincipal
            self.endpointPath = endpointPath
            self.guestRateLimit = guestRateLimit
        }
    }

    /// How a reply to a POST is framed. Either way the reply travels in the POST's own response,
    /// never on a GET stream, so tunnels that buffer long-lived GET streams cannot hold it back.
    public enum ReplyFormat: Sendable, Equatable {
        /// `application/json`: one JSON-RPC response per POST. The default, and the only framing
        /// the MCP Swift SDK's own client understands on Linux.
        case json
        /// `text/event-stream` with one `message` event carrying the JSON-RPC response, then the
        /// stream ends. Used only when the client's `Accept` lists `text/event-stream`.
        case sse
    }
}
