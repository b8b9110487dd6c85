import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one JSON document (RFC 8259) into ``JSONValue``s in a single pass over its bytes: the
/// one JSON scanner of letswork, for the server's requests and the proxy's relayed messages.
///
/// Why not `JSONDecoder`: every request is decoded on the hot path, and `Decodable` (trying each
/// JSON type in turn and throwing for each miss) was the largest single cost of a small call on
/// the server's CPU profile. The reader is strict: invalid JSON, invalid UTF-8, a lone surrogate
/// escape, a duplicate key or nesting deeper than ``maximumDepth`` gives nil.
///
/// A caller that needs only part of a large message (the proxy reads a message's `id`, `method`
/// and `_meta`, never a 1 MB file's content) names the members to keep; the others are checked
/// as JSON but never built.
public struct JSONReader {
    public static let maximumDepth = 64

    /// Which object members to build: given the member's depth (1 for the top-level object's
    /// members) and key, whether to keep it. Skipped members are still validated.
    public typealias MemberFilter = (_ depth: Int, _ key: String) -> Bool

    /// The document in `bytes`, or nil when it is not a JSON document this reader accepts.
    public static func parse(_ bytes: UnsafeRawBufferPointer, keeping filter: MemberFilter? = nil) -> JSONValue? {
        var reader = JSONReader(bytes: bytes.bindMemory(to: UInt8.self), filter: filter)
        guard let value = reader.value(depth: 0) else { return nil }
        reader.skipWhitespace()
        // Not a ternary: `JSONValue` is ExpressibleByNilLiteral, so `nil` there would become `.null`.
        guard reader.index == reader.bytes.count else { return nil }
        return value
    }

    /// The document in `data`, or nil when it is not a JSON document this reader accepts.
    public static func parse(_ data: Data, keeping filter: MemberFilter? = nil) -> JSONValue? {
        data.withUnsafeBytes { parse($0, keeping: filter) }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let filter: MemberFilter?
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, filter: MemberFilter?) {
        self.bytes = bytes
        self.filter = filter
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func value(depth: Int) -> JSONValue? {
        skipWhitespace()
        guard let byte = current else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return depth < Self.maximumDepth ? object(depth: depth + 1) : nil
        case UInt8(ascii: "["): return depth < Self.maximumDepth ? array(depth: depth + 1) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count, memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else { return nil }
        index += count
        return value
    }

    private mutating func object(depth: Int) -> JSONValue? {
        index += 1  // {
        var members: [String: JSONValue] = [:]
        var skipped: Set<String> = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return nil }
            index += 1
            guard members[key] == nil, !skipped.contains(key) else { return nil }  // a duplicate key
            if let filter, !filter(depth, key) {
                guard skipValue(depth: depth) else { return nil }
                skipped.insert(key)
            } else {
                guard let member = value(depth: depth) else { return nil }
                members[key] = member
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: return nil
            }
        }
    }

    /// Checks the value at `index` as JSON and moves past it without building it: nesting, string
    /// escapes and number syntax are checked; the bytes of strings are not decoded.
    private mutating func skipValue(depth: Int) -> Bool {
        skipWhitespace()
        guard let byte = current else { return false }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { return false }
            let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipWhitespace()
            if current == closing { index += 1; return true }
            while true {
                if closing == UInt8(ascii: "}") {
                    skipWhitespace()
                    guard current == UInt8(ascii: "\""), skipString() else { return false }
                    skipWhitespace()
                    guard current == UInt8(ascii: ":") else { return false }
                    index += 1
                }
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; continue }
                guard current == closing else { return false }
                index += 1
                return true
            }
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "t"): return literal("true", .null) != nil
        case UInt8(ascii: "f"): return literal("false", .null) != nil
        case UInt8(ascii: "n"): return literal("null", .null) != nil
        default: return number() != nil
        }
    }

    /// Moves past the string at `index`, checking its escapes and that it has no raw control
    /// characters.
    private mutating func skipString() -> Bool {
        index += 1  // "
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return true
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "u"): guard hexUnit() != nil else { return false }
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): break
                default: return false
                }
            case 0..<0x20: return false
            default: break
            }
        }
        return false
    }

    private mutating func array(depth: Int) -> JSONValue? {
        index += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: return nil
            }
        }
    }

    /// A string at `index` (which holds its opening quote). Without escapes, the bytes become
    /// the string directly; with them, they are decoded into a buffer first.
    private mutating func string() -> String? {
        index += 1  // "
        let start = index
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return nil }  // control characters must be escaped
            index += 1
        }
        guard let stop = current else { return nil }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        var decoded = Array(bytes[start..<index])
        while let byte = current {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard escape(into: &decoded) else { return nil }
            case 0..<0x20:
                return nil
            default:
                decoded.append(byte)
            }
        }
        return nil
    }

    /// Decodes the escape after a backslash onto `out`.
    private mutating func escape(into out: inout [UInt8]) -> Bool {
        guard let byte = current else { return false }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hexUnit() else { return false }
            var scalarValue = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                guard current == UInt8(ascii: "\\") else { return false }
                index += 1
                guard current == UInt8(ascii: "u") else { return false }
                index += 1
                guard let low = hexUnit(), (0xDC00..<0xE000).contains(low) else { return false }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { return false }  // a lone low surrogate
            out.append(contentsOf: UTF8.encode(scalar)!)
        default:
            return false
        }
        return true
    }

    private mutating func hexUnit() -> UInt16? {
        guard bytes.count - index >= 4 else { return nil }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() -> JSONValue? {
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, isDigit(first) else { return nil }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let digit = current, isDigit(digit) else { return nil }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard let digit = current, isDigit(digit) else { return nil }
            skipDigits()
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if integral, let whole = Int(text) { return .int(whole) }
        guard let real = Double(text), real.isFinite else { return nil }
        if let whole = Int(exactly: real) { return .int(whole) }
        return .double(real)
    }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
