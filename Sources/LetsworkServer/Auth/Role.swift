/// What a principal may do in a letswork session.
///
/// The role comes from the bearer token alone: nothing a client sends (a display name, a tool
/// argument, an MCP `clientInfo`) can change it.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The developer who started the session and owns the working tree. Reviews guests' changes.
    case host
    /// A collaborator whose writes become pending changes for the host to review.
    case guest
    /// A collaborator who may read and list files but not propose changes.
    case readOnlyGuest

    /// Whether this role is the host's.
    public var isHost: Bool { self == .host }

    /// Whether this role may write (the host directly, a guest through review).
    public var canWrite: Bool { self != .readOnlyGuest }

    /// The role as shown to people: `host`, `guest`, `read-only guest`.
    public var description: String {
        switch self {
        case .host: "host"
        case .guest: "guest"
        case .readOnlyGuest: "read-only guest"
        }
    }
}

/// Someone who holds a token for this session: the host or one named guest.
///
/// `id` is stable for the life of the token (it survives a change of display name), so tools
/// should key their state (locks, changes, notifications) by `id`, never by `displayName`.
public struct Principal: Sendable, Hashable, Codable, Identifiable, CustomStringConvertible {
    /// A stable identifier, such as `host` or `guest-1`. Never reused within a registry.
    public let id: String
    /// The name shown to the other side (`host`, `alice`). May change during a session.
    public var displayName: String
    /// What this principal may do.
    public let role: Role

    /// Creates a principal.
    /// - Parameters:
    ///   - id: A stable identifier, unique within the session.
    ///   - displayName: The name shown to the other side.
    ///   - role: What this principal may do.
    public init(id: String, displayName: String, role: Role) {
        self.id = id
        self.displayName = displayName
        self.role = role
    }

    /// `alice (guest)`.
    public var description: String { "\(displayName) (\(role))" }
}
