import Foundation

/// Who may use the review page: one-time login secrets, exchanged once for a browser session
/// (an HttpOnly, SameSite=Strict cookie) that carries its own CSRF token.
///
/// Secrets and sessions live only in memory: a restart of `letswork review` prints a new link and
/// old cookies stop working, which is what a host expects of a loopback tool. A session ends
/// after ``idleTimeout`` without a request (its cookie, without Max-Age, when the browser
/// closes), and at most ``maximumSessions`` live at once (a new login ends the least recently used), so a
/// page left open for days, or logged into again and again, holds nothing for ever.
public actor ReviewAccess {
    public typealias Clock = @Sendable () -> ContinuousClock.Instant

    private struct Session {
        let csrf: String
        var lastUsed: ContinuousClock.Instant
    }

    private var unusedSecrets: Set<String> = []
    /// Session id (the cookie's value) → its CSRF token and when it was last used.
    private var sessions: [String: Session] = [:]

    /// How long a browser session lives without a request.
    public let idleTimeout: Duration
    /// How many browser sessions may live at once.
    public let maximumSessions: Int
    /// The cookie's name: its own per page, so two pages on one machine (a session's and
    /// `letswork review`'s, on two ports of 127.0.0.1, which browsers treat as one cookie host)
    /// never overwrite each other's login.
    public nonisolated let cookieName: String
    private let now: Clock

    /// - Parameters:
    ///   - idleTimeout: Default 12 hours: a working day's review without logging in again.
    ///   - maximumSessions: Default 16: a few browsers and profiles, re-logins included.
    ///   - now: The clock (tests pass their own to age sessions).
    public init(idleTimeout: Duration = .seconds(12 * 3600), maximumSessions: Int = 16,
                now: @escaping Clock = { ContinuousClock.now }) {
        self.idleTimeout = idleTimeout
        self.maximumSessions = max(1, maximumSessions)
        self.now = now
        cookieName = "letswork_review_" + Self.randomToken().prefix(12)
    }

    /// A new one-time login secret, to put in the fragment of `/review/login#SECRET`.
    public func issueLoginSecret() -> String {
        let secret = Self.randomToken()
        unusedSecrets.insert(secret)
        return secret
    }

    /// Exchanges a login secret for a session id, once: a second use of the same secret gets nil.
    func redeem(_ secret: String) -> String? {
        guard unusedSecrets.remove(secret) != nil else { return nil }
        let time = now()
        sessions = sessions.filter { time - $0.value.lastUsed < idleTimeout }
        while sessions.count >= maximumSessions, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            sessions[oldest.key] = nil
        }
        let session = Self.randomToken()
        sessions[session] = Session(csrf: Self.randomToken(), lastUsed: time)
        return session
    }

    /// The CSRF token of a live session, nil for an unknown or expired cookie. A request in
    /// time keeps the session alive for another ``idleTimeout``.
    func csrfToken(ofSession id: String) -> String? {
        guard var session = sessions[id] else { return nil }
        let time = now()
        guard time - session.lastUsed < idleTimeout else {
            sessions[id] = nil
            return nil
        }
        session.lastUsed = time
        sessions[id] = session
        return session.csrf
    }

    /// The number of live sessions (expired ones not counted).
    var liveSessions: Int {
        let time = now()
        return sessions.values.filter { time - $0.lastUsed < idleTimeout }.count
    }

    /// The `Set-Cookie` value for session `id`.
    nonisolated func cookie(for id: String, path: String) -> String {
        "\(cookieName)=\(id); HttpOnly; SameSite=Strict; Path=\(path)"
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
