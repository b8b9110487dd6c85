import Testing

@testable import LetsworkServer

@Suite("Token registry")
struct TokenRegistryTests {
    @Test("host and guest tokens map to their principals, and only to them")
    func lookup() async throws {
        let registry = TokenRegistry()
        let host = try await registry.issueHostToken()
        let guest = try await registry.addGuest(named: "alice")
        let reader = try await registry.addGuest(named: "bob", role: .readOnlyGuest)

        #expect(await registry.principal(forBearer: host.token.secret) == Principal(id: "host", displayName: "host", role: .host))
        #expect(await registry.principal(forBearer: guest.token.secret) == Principal(id: "guest-1", displayName: "alice", role: .guest))
        #expect(await registry.principal(forBearer: reader.token.secret)?.role == .readOnlyGuest)
        #expect(await registry.principal(forBearer: AccessToken.generate().secret) == nil)
        #expect(await registry.principal(forBearer: "") == nil)
        #expect(host.token != guest.token)
    }

    @Test("one host per registry; no guest may be a host")
    func oneHost() async throws {
        let registry = TokenRegistry()
        _ = try await registry.issueHostToken()
        await #expect(throws: TokenRegistryError.self) { try await registry.issueHostToken() }
        let error = await #expect(throws: TokenRegistryError.self) { try await registry.addGuest(named: "x", role: .host) }
        #expect(error?.code == .invalidRole)
    }

    @Test("revoking a guest by name invalidates its token at once; ids are not reused")
    func revoke() async throws {
        let registry = TokenRegistry()
        let host = try await registry.issueHostToken()
        let guest = try await registry.addGuest(named: "Alice")

        #expect(await registry.revoke(named: "alice")?.id == "guest-1")
        #expect(await registry.principal(forBearer: guest.token.secret) == nil)
        #expect(await registry.revoke(named: "alice") == nil)
        #expect(await registry.revoke(named: "host") == nil)
        #expect(await registry.principal(forBearer: host.token.secret)?.role == .host)

        let again = try await registry.addGuest(named: "alice")
        #expect(again.principal.id == "guest-2")
    }

    @Test("names: unique ignoring case, never \"host\" for a guest, printable and short")
    func names() async throws {
        let registry = TokenRegistry()
        _ = try await registry.issueHostToken(displayName: "Dana")
        let guest = try await registry.addGuest(named: "alice")

        for bad in ["", "   ", "host", "HOST", "dana", String(repeating: "x", count: 41), "a\u{7}b"] {
            let error = await #expect(throws: TokenRegistryError.self, "\(bad.debugDescription)") {
                try await registry.rename(principalID: guest.principal.id, to: bad)
            }
            #expect(error?.code == .invalidName || error?.code == .nameTaken)
        }
        await #expect(throws: TokenRegistryError.self) { try await registry.addGuest(named: "ALICE") }

        let renamed = try await registry.rename(principalID: guest.principal.id, to: "  Alice Liddell ")
        #expect(renamed == Principal(id: "guest-1", displayName: "Alice Liddell", role: .guest))
        #expect(await registry.principal(forBearer: guest.token.secret)?.displayName == "Alice Liddell")
        let unknown = await #expect(throws: TokenRegistryError.self) { try await registry.rename(principalID: "guest-9", to: "zed") }
        #expect(unknown?.code == .unknownPrincipal)
    }
}
