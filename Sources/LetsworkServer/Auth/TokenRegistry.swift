/// The tokens of one session and who holds each: one host and any number of named guests.
///
/// Lookups compare the presented token with every registered token in constant time and never
/// stop at the first match, so response timing says nothing about how close a guess was.
/// Revocation takes effect on the very next request: the server asks the registry on every
/// request rather than caching what a token meant at `initialize`.
public actor TokenRegistry {
    private struct Entry {
        var principal: Principal
        let token: AccessToken
        let tokenBytes: [UInt8]
    }

    private var entries: [Entry] = []
    private var nextGuestNumber = 1

    /// Creates an empty registry.
    public init() {}

    /// Every principal that currently holds a valid token, host first.
    public var principals: [Principal] {
        entries.map(\.principal)
    }

    /// The principal with this stable id, if its token is still valid.
    public func principal(id: String) -> Principal? {
        entries.first { $0.principal.id == id }?.principal
    }

    /// Issues the host's token. A registry has exactly one host, whose id is `host`.
    ///
    /// - Parameters:
    ///   - displayName: The host's name as guests see it.
    ///   - token: A token to keep (a resumed session's) instead of a fresh one.
    /// - Throws: ``TokenRegistryError`` `.hostAlreadyIssued` on a second call, or `.invalidName`.
    public func issueHostToken(displayName: String = "host", reusing token: AccessToken? = nil) throws -> IssuedToken {
        guard !entries.contains(where: { $0.principal.role == .host }) else {
            throw TokenRegistryError(.hostAlreadyIssued, "this session already has a host token")
        }
        let name = try validated(displayName, for: nil, role: .host)
        return insert(Principal(id: "host", displayName: name, role: .host), token: token ?? .generate())
    }

    /// Adds a guest with a fresh token. Guest ids are `guest-1`, `guest-2`, … and never reused.
    ///
    /// - Parameters:
    ///   - name: The guest's display name: 1 to 40 printable characters, unique in the session
    ///     (ignoring case), and never `host`.
    ///   - role: `.guest` (writes go through review) or `.readOnlyGuest`.
    ///   - token: A token to keep (a resumed session's) instead of a fresh one.
    /// - Throws: ``TokenRegistryError`` `.invalidName`, `.nameTaken`, or `.invalidRole` for `.host`.
    public func addGuest(named name: String, role: Role = .guest, reusing token: AccessToken? = nil) throws -> IssuedToken {
        guard role != .host else {
            throw TokenRegistryError(.invalidRole, "a guest cannot have the host role; use issueHostToken()")
        }
        let name = try validated(name, for: nil, role: role)
        let id = "guest-\(nextGuestNumber)"
        nextGuestNumber += 1
        return insert(Principal(id: id, displayName: name, role: role), token: token ?? .generate())
    }

    /// Revokes the token of the guest with this display name (ignoring case). The guest's next
    /// request gets 401; the host token cannot be revoked this way.
    ///
    /// - Returns: The revoked principal, or `nil` if no guest has that name.
    @discardableResult
    public func revoke(named name: String) -> Principal? {
        let key = name.trimmed.lowercased()
        guard let index = entries.firstIndex(where: { $0.principal.role != .host && $0.principal.displayName.lowercased() == key })
        else { return nil }
        return entries.remove(at: index).principal
    }

    /// Who holds `candidate`, or `nil` when no valid token matches.
    ///
    /// Every registered token is compared, each in constant time, whatever the outcome.
    public func principal(forBearer candidate: String) -> Principal? {
        let candidateBytes = Array(candidate.utf8)
        var found: Principal?
        for entry in entries {
            if constantTimeEquals(entry.tokenBytes, candidateBytes) {
                found = entry.principal
            }
        }
        return found
    }

    /// Changes a principal's display name. The role and id stay as they are.
    ///
    /// - Throws: ``TokenRegistryError`` `.unknownPrincipal`, `.invalidName` (empty, too long,
    ///   control characters, or `host` for a guest), or `.nameTaken` (someone else's name,
    ///   ignoring case).
    @discardableResult
    public func rename(principalID: String, to newName: String) throws -> Principal {
        guard let index = entries.firstIndex(where: { $0.principal.id == principalID }) else {
            throw TokenRegistryError(.unknownPrincipal, "no one with id \(principalID) holds a token in this session")
        }
        let name = try validated(newName, for: principalID, role: entries[index].principal.role)
        entries[index].principal.displayName = name
        return entries[index].principal
    }

    /// Registers a known token (tests use it to present a token of their own choosing).
    func register(_ principal: Principal, token: AccessToken) {
        _ = insert(principal, token: token)
    }

    private func insert(_ principal: Principal, token: AccessToken) -> IssuedToken {
        entries.append(Entry(principal: principal, token: token, tokenBytes: Array(token.secret.utf8)))
        return IssuedToken(principal: principal, token: token)
    }

    private func validated(_ proposed: String, for principalID: String?, role: Role) throws -> String {
        let name = proposed.trimmed
        guard (1...40).contains(name.count),
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw TokenRegistryError(.invalidName, "a display name must be 1 to 40 printable characters")
        }
        if role != .host && name.lowercased() == "host" {
            throw TokenRegistryError(.invalidName, "\"host\" is reserved for the host; choose another name")
        }
        let key = name.lowercased()
        if let holder = entries.first(where: { $0.principal.id != principalID && $0.principal.displayName.lowercased() == key }) {
            let whose = holder.principal.role == .host ? "the host's name" : "already taken"
            throw TokenRegistryError(.nameTaken, "\"\(name)\" is \(whose); choose another name")
        }
        return name
    }
}

/// A token just issued, with the principal it stands for.
public struct IssuedToken: Sendable {
    /// Who the token identifies.
    public let principal: Principal
    /// The token itself. Show it only to its holder.
    public let token: AccessToken
}

/// Why the registry refused an operation. `message` is a sentence the user can act on.
public struct TokenRegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that branches on it.
    public enum Code: String, Sendable, Equatable {
        /// The registry already has a host.
        case hostAlreadyIssued
        /// A guest was asked for with the host role.
        case invalidRole
        /// The display name is empty, too long, has control characters, or is reserved.
        case invalidName
        /// Someone else in the session already uses that name.
        case nameTaken
        /// No valid token belongs to that principal id.
        case unknownPrincipal
    }

    /// What went wrong.
    public let code: Code
    /// A sentence the user can act on.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
