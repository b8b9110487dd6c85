import Testing

@testable import LetsworkServer

@Suite("Access tokens")
struct AccessTokenTests {
    @Test("a generated token is 256 bits of URL-safe base64 without padding")
    func generatedShape() {
        let token = AccessToken.generate()
        #expect(token.secret.utf8.count == 43)  // ceil(32 * 8 / 6)
        #expect(token.secret.utf8.allSatisfy(Base64URL.isAlphabetByte))
        #expect(!token.secret.contains("="))
        #expect(AccessToken(secret: token.secret) != nil)
    }

    @Test("no generated token starts with a dash, so `--token TOKEN` always parses")
    func neverLeadingDash() {
        // One base64url character in 64 is a dash: 3,000 draws without the re-draw would show
        // one with a probability of 1 - (63/64)^3000, more than 1 - 10^-20.
        let firsts = (0..<3_000).map { _ in AccessToken.generate().secret.utf8.first! }
        #expect(!firsts.contains(UInt8(ascii: "-")))
        #expect(firsts.contains(UInt8(ascii: "_")), "the other 63 first characters still occur")
    }

    @Test("tokens do not repeat")
    func unique() {
        let secrets = Set((0..<200).map { _ in AccessToken.generate().secret })
        #expect(secrets.count == 200)
    }

    @Test("base64url matches RFC 4648 test vectors")
    func base64Vectors() {
        #expect(Base64URL.encode(Array("".utf8)) == "")
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg")
        #expect(Base64URL.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64URL.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64URL.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
    }

    @Test("matching is exact: a different byte, a prefix, an extension or an empty string never match")
    func matching() {
        let token = AccessToken.generate()
        var flipped = Array(token.secret.utf8)
        flipped[42] = flipped[42] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(token.matches(token.secret))
        #expect(!token.matches(String(decoding: flipped, as: UTF8.self)))
        #expect(!token.matches(String(token.secret.dropLast())))
        #expect(!token.matches(token.secret + "A"))
        #expect(!token.matches(""))
        #expect(constantTimeEquals([], []))
        #expect(!constantTimeEquals([0], []))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
    }

    @Test("short or non-URL-safe secrets are refused")
    func refusesWeakSecrets() {
        #expect(AccessToken(secret: "short") == nil)
        #expect(AccessToken(secret: String(repeating: "a", count: 42)) == nil)
        #expect(AccessToken(secret: String(repeating: "a", count: 42) + "=") == nil)
        #expect(AccessToken(secret: String(repeating: "a", count: 42) + "+") == nil)
        #expect(AccessToken(secret: String(repeating: "a", count: 43)) != nil)
    }

    @Test("printing a token never shows the secret")
    func redacted() {
        let token = AccessToken.generate()
        #expect(!"\(token)".contains(token.secret))
        #expect(!String(reflecting: token).contains(token.secret))
    }
}
