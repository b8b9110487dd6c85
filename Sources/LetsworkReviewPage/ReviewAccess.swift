import Foundation

/// Who may use the review page: one-time login secrets, exchanged once for a browser session
/// (an HttpOnly, SameSite=Strict cookie) that carries its own CSRF token.
///
/// Secrets live only in memory: a restart of `letswork review` prints a new link and old
/// cookies stop working, which is what a host expects of a loopback tool.
public actor ReviewAccess {
    private var unusedSecrets: Set<String> = []
    /// Session id (the cookie's value) → that session's CSRF token.
    private var sessions: [String: String] = [:]

    public init() {}

    /// A new one-time login secret, to put in the fragment of `/review/login#SECRET`.
    public func issueLoginSecret() -> String {
        let secret = Self.randomToken()
        unusedSecrets.insert(secret)
        return secret
    }

    /// Exchanges a login secret for a session id, once: a second use of the same secret gets nil.
    func redeem(_ secret: String) -> String? {
        guard unusedSecrets.remove(secret) != nil else { return nil }
        let session = Self.randomToken()
        sessions[session] = Self.randomToken()
        return session
    }

    /// The CSRF token of a live session, nil for an unknown cookie.
    func csrfToken(ofSession session: String) -> String? {
        sessions[session]
    }

    /// 256 bits from the system's CSPRNG, as 64 hex digits.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
