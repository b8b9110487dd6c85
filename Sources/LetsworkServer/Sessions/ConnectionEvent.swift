import Foundation

/// One MCP session: a client that sent `initialize` with a token and got an `Mcp-Session-Id`.
public struct SessionSummary: Sendable, Equatable {
    /// The `Mcp-Session-Id` (a random 128-bit value; not a credential on its own, since every
    /// request on the session must also carry its principal's token).
    public let id: String
    /// Who opened the session.
    public let principal: Principal
    /// `clientInfo.name` from `initialize` (for example `claude-code`), as the client said.
    public let clientName: String?
    /// `clientInfo.version` from `initialize`, as the client said.
    public let clientVersion: String?
    /// The protocol version the client asked for in `initialize`.
    public let protocolVersion: String?
    /// When the session was created.
    public let startedAt: Date
}

/// Why a session ended.
public enum SessionEndReason: String, Sendable, Equatable, CustomStringConvertible {
    /// The client sent `DELETE /mcp`.
    case clientClosed
    /// No request arrived for longer than the configured idle timeout.
    case idleTimeout
    /// The principal opened more sessions than allowed; its least recently used one was closed.
    case replaced
    /// The host ended the principal's sessions (typically after revoking its token).
    case ended
    /// The server is shutting down.
    case serverStopped

    /// A short phrase for the host's terminal.
    public var description: String {
        switch self {
        case .clientClosed: "closed by the client"
        case .idleTimeout: "idle too long"
        case .replaced: "replaced by a newer session"
        case .ended: "ended by the host"
        case .serverStopped: "server stopped"
        }
    }
}

/// A request refused before any MCP processing.
public struct RefusedRequest: Sendable, Equatable {
    /// The HTTP status sent back (401, 403).
    public let status: Int
    /// Why, in words (never containing the token presented).
    public let reason: String
    /// Who asked, when the token was valid (a request on someone else's session).
    public let principal: Principal?
}

/// Something the host may want to show: who connected, who left, who was turned away.
public enum ConnectionEvent: Sendable, Equatable {
    /// A client initialized a session.
    case connected(SessionSummary)
    /// A session ended.
    case disconnected(SessionSummary, reason: SessionEndReason)
    /// A request was refused (no token, wrong or revoked token, foreign Host/Origin, someone
    /// else's session).
    case refused(RefusedRequest)
    /// A principal's first request with a 2026-07-28 client (which opens no session), or its
    /// first with a different client.
    case statelessClient(principal: Principal, clientName: String?, protocolVersion: String)
}

/// When a principal was last heard from, for `get_status` and the host's terminal.
public struct Presence: Sendable, Equatable {
    /// Who.
    public let principal: Principal
    /// The time of the principal's latest authenticated request.
    public let lastSeen: Date
    /// How many MCP sessions the principal has open now.
    public let openSessions: Int
    /// The client name of the principal's most recent session, if it gave one.
    public let clientName: String?
}
