/// A bearer token: 256 bits from the system's cryptographically secure random number generator,
/// spelled in URL-safe base64 without padding (43 characters of `A–Z a–z 0–9 - _`).
///
/// `SystemRandomNumberGenerator` reads `getrandom(2)` on Linux and `arc4random_buf(3)` on Apple
/// platforms, both CSPRNGs. Equality is constant-time, and `description` never shows the secret,
/// so a token interpolated into a log line by mistake leaks nothing; read ``secret`` on purpose
/// when the user must see it (the join command) or when it goes into a 0600 state file.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How many random bytes a generated token carries (256 bits).
    public static let randomByteCount = 32

    /// The token as sent in `Authorization: Bearer <secret>`.
    public let secret: String

    /// Generates a fresh token from the system CSPRNG.
    ///
    /// A token that would start with `-` is drawn again: pasted after `--token`, it would read as
    /// an option to the shell tools and argument parsers that receive it (one token in 64 did). The
    /// re-draw leaves 43 characters with a first one of 63, so the token keeps 255.9 bits.
    public static func generate() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        while true {
            let secret = Base64URL.encode(randomBytes(count: randomByteCount, using: &generator))
            if secret.utf8.first != UInt8(ascii: "-") { return AccessToken(uncheckedSecret: secret) }
        }
    }

    /// Wraps an existing token (for example one read back from the session's state file).
    ///
    /// Returns `nil` unless `secret` is URL-safe base64 without padding that decodes to at least
    /// 256 bits, so a truncated or hand-mangled token is refused rather than silently weakened.
    public init?(secret: String) {
        guard secret.utf8.count >= 43, secret.utf8.allSatisfy(Base64URL.isAlphabetByte) else { return nil }
        self.secret = secret
    }

    /// Whether `candidate` is this token. Runs in time that depends only on the lengths, never on
    /// where the first differing byte is.
    public func matches(_ candidate: String) -> Bool {
        constantTimeEquals(Array(secret.utf8), Array(candidate.utf8))
    }

    /// Constant-time equality.
    public static func == (lhs: AccessToken, rhs: AccessToken) -> Bool {
        lhs.matches(rhs.secret)
    }

    /// A redacted form, safe for logs.
    public var description: String { "AccessToken(redacted)" }

    /// A redacted form, safe for logs.
    public var debugDescription: String { description }

    /// Wraps `secret` without checking its shape (generated tokens, and tests).
    init(uncheckedSecret secret: String) {
        self.secret = secret
    }
}

/// `count` random bytes, eight at a time.
func randomBytes(count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 7)
    while bytes.count < count {
        let word = generator.next()
        withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}

/// Compares two byte strings in time that depends only on their lengths.
///
/// Every index up to the longer length is visited, missing bytes read as zero, and the length
/// difference is folded into the result, so there is no early exit on the first mismatch nor on
/// a length mismatch. `@inline(never)` keeps the optimiser from specialising it into a `memcmp`.
@inline(never)
func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    let length = max(lhs.count, rhs.count)
    var difference = UInt(bitPattern: lhs.count ^ rhs.count)
    lhs.withUnsafeBufferPointer { left in
        rhs.withUnsafeBufferPointer { right in
            for index in 0..<length {
                let a = index < left.count ? left[index] : 0
                let b = index < right.count ? right[index] : 0
                difference |= UInt(a ^ b)
            }
        }
    }
    return difference == 0
}

/// URL-safe base64 (RFC 4648 §5) without padding.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
            output.append(alphabet[Int(chunk & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let chunk = UInt32(bytes[index]) << 16
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
        case 2:
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output.append(alphabet[Int(chunk >> 18 & 63)])
            output.append(alphabet[Int(chunk >> 12 & 63)])
            output.append(alphabet[Int(chunk >> 6 & 63)])
        default:
            break
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func isAlphabetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
