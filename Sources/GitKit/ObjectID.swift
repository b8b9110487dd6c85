import CGit2

/// A git object id (SHA-1), copied out of libgit2 so no C pointer escapes.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    var raw: git_oid

    init(_ raw: git_oid) { self.raw = raw }

    /// Parses a full 40-character hexadecimal id (either case, as git reads ids); nil when it
    /// is not one. Read digit by digit from the string's bytes: the pending view's merge commit
    /// takes a parent per pending change from the ledger's hex ids, and handing each to
    /// libgit2 as a C string cost ten times as much.
    public init?(hex: String) {
        var oid = git_oid()
        var text = hex
        let parsed = text.withUTF8 { digits -> Bool in
            guard digits.count == 40 else { return false }
            return withUnsafeMutableBytes(of: &oid.id) { id in
                for index in 0..<20 {
                    guard let high = Self.value(ofDigit: digits[2 * index]),
                          let low = Self.value(ofDigit: digits[2 * index + 1]) else { return false }
                    id[index] = high << 4 | low
                }
                return true
            }
        }
        guard parsed else { return nil }
        raw = oid
    }

    private static func value(ofDigit digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x57
        case 0x41...0x46: digit - 0x37
        default: nil
        }
    }

    /// The 40-character hexadecimal form, written straight into the string's storage (a
    /// commit under a deep queue names a hundred ids, and each used to take three allocations).
    public var hex: String {
        String(unsafeUninitializedCapacity: 40) { out in
            writeHex(into: out.baseAddress!)
            return 40
        }
    }

    /// Appends the 40 hexadecimal digits to `bytes`, as a commit's text names its tree and parents.
    public func appendHex(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: 40))
        bytes.withUnsafeMutableBufferPointer { writeHex(into: $0.baseAddress! + start) }
    }

    private func writeHex(into out: UnsafeMutablePointer<UInt8>) {
        withUnsafeBytes(of: raw.id) { id in
            for index in 0..<20 {
                let byte = id[index]
                out[2 * index] = Self.digit(byte >> 4)
                out[2 * index + 1] = Self.digit(byte & 0x0F)
            }
        }
    }

    private static func digit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x57 + value }

    /// The first `length` hexadecimal digits, for display.
    public func short(_ length: Int = 12) -> String { String(hex.prefix(length)) }

    public var description: String { hex }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        var l = lhs.raw, r = rhs.raw
        return git_oid_cmp(&l, &r) == 0
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: raw) { hasher.combine(bytes: $0) }
    }

    /// The id git gives `bytes` stored as a blob, computed without writing anything.
    public static func blob(hashing bytes: [UInt8]) -> ObjectID {
        _ = libgit2Initialized
        var oid = git_oid()
        bytes.withUnsafeBytes { buffer in
            _ = git_odb_hash(&oid, buffer.baseAddress, buffer.count, GIT_OBJECT_BLOB)
        }
        return ObjectID(oid)
    }
}
