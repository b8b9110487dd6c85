/// Who is calling a tool. Decided by the session's token alone (the HTTP layer maps the token to
/// a caller); nothing a client sends can change `id` or `role`.
public struct Caller: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable, Codable {
        case host, guest, readOnlyGuest = "read-only guest"
    }

    /// Stable for the token's life: "host", "guest", "guest-2"…
    public let id: String
    public let role: Role
    /// The name the session gave this caller when it joined, until they set their own.
    public let initialName: String

    public init(id: String, role: Role, initialName: String? = nil) {
        self.id = id
        self.role = role
        self.initialName = initialName ?? id
    }

    public var isHost: Bool { role == .host }
}
