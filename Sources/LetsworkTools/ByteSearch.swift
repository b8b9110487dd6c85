#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact byte search: `memchr` (vectorised in the C library) finds each candidate position,
/// `memcmp` checks it, so edits and literal searches over megabytes take milliseconds.
/// (`memmem` would do both, but Glibc's Swift module does not export that GNU extension.)
enum ByteSearch {
    /// Start offsets of the non-overlapping occurrences of `needle` in `haystack`, at most `limit`.
    ///
    /// `memchr` looks for the needle's rarest byte (by English/code letter frequency), not its
    /// first: searching "needle" by its "d" stops about four times less often than by its "n".
    static func offsets(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, limit: Int = .max) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count, let base = haystack.baseAddress else { return [] }
        let anchor = needle.indices.min { commonness(needle[$0]) < commonness(needle[$1]) }!
        let anchorByte = Int32(needle[anchor])
        let lastStart = haystack.count - needle.count
        var found: [Int] = []
        var position = 0
        needle.withUnsafeBytes { pattern in
            // `position` is the earliest start a match may have; its anchor byte sits `anchor` later.
            while found.count < limit, position <= lastStart,
                  let hit = memchr(base + position + anchor, anchorByte, lastStart - position + 1) {
                let start = base.distance(to: UnsafeRawPointer(hit)) - anchor
                if memcmp(base + start, pattern.baseAddress!, needle.count) == 0 {
                    found.append(start)
                    position = start + needle.count
                } else {
                    position = start + 1
                }
            }
        }
        return found
    }

    /// How often a byte occurs in source code and prose, roughly (higher is more common).
    private static func commonness(_ byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: " "): 100
        case UInt8(ascii: "e"): 90
        case UInt8(ascii: "t"), UInt8(ascii: "a"), UInt8(ascii: "o"), UInt8(ascii: "i"), UInt8(ascii: "n"): 80
        case UInt8(ascii: "s"), UInt8(ascii: "r"), UInt8(ascii: "h"), UInt8(ascii: "l"): 70
        case UInt8(ascii: "d"), UInt8(ascii: "c"), UInt8(ascii: "u"), UInt8(ascii: "m"), UInt8(ascii: "\n"): 60
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "\t"): 50
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "\""): 40
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): 30
        case UInt8(ascii: "0")...UInt8(ascii: "9"): 25
        default: 10
        }
    }

    static func offsets(of needle: [UInt8], in haystack: [UInt8], limit: Int = .max) -> [Int] {
        haystack.withUnsafeBytes { offsets(of: needle, in: $0, limit: limit) }
    }

    /// The 1-based line number of byte `offset` (newlines before it, plus one).
    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        var count = 1
        for byte in bytes[..<offset] where byte == UInt8(ascii: "\n") { count += 1 }
        return count
    }
}
