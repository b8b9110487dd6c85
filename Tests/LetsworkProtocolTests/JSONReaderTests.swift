import Foundation
import LetsworkTestSupport
import Testing
import LetsworkProtocol

@Suite("The one JSON reader: every request and relayed message")
struct JSONReaderTests {
    static func read(_ text: String) -> JSONValue? {
        Array(text.utf8).withUnsafeBytes { JSONReader.parse($0) }
    }

    @Test("reads every kind of value, escapes and surrogate pairs included")
    func accepted() {
        #expect(Self.read(#"{"a":[1,-2,3.5,-0.25e1,1e2,3.0,true,false,null,"x"],"b":{}}"#)
                == .object(["a": [1, -2, 3.5, -2.5, 100, 3, true, false, .null, "x"], "b": [:]]))
        #expect(Self.read(#" "q\" b\\ s\/ \b\f\n\r\t \u00e9 \u20AC \ud83d\ude80" "#) == "q\" b\\ s/ \u{08}\u{0C}\n\r\t é € 🚀")
        #expect(Self.read("\"é 🚀 raw\"") == "é 🚀 raw")
        #expect(Self.read("[]") == [])
        #expect(Self.read("  0 ") == 0)
        #expect(Self.read("-0") == 0)
        #expect(Self.read("9223372036854775807") == .int(Int.max))
        #expect(Self.read("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(Self.read(String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)) != nil)
    }

    @Test("refuses what is not strict JSON", arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "+1", "1e", "1e+",
        "tru", "nul", "True", "\"open", "\"tab\there\"", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ud83d\\u0041\"",
        "\"\\udc00\"", "{\"k\":1,\"k\":2}", "1 2", "{} x", "1e400", "[\"\u{0}\"]",
    ])
    func refused(text: String) {
        #expect(Self.read(text) == nil, "\(text.debugDescription)")
    }

    @Test("refuses invalid UTF-8 and nesting past its limit")
    func refusedBytes() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(bytes.withUnsafeBytes { JSONReader.parse($0) } == nil)
        }
        let deep = String(repeating: "[", count: JSONReader.maximumDepth + 1) + String(repeating: "]", count: JSONReader.maximumDepth + 1)
        #expect(Self.read(deep) == nil)
    }

    @Test("gives what JSONDecoder gave for 400 generated documents")
    func sameAsJSONDecoder() throws {
        var generator = SeededGenerator(seed: 20261201)
        for _ in 0..<400 {
            let text = Self.document(depth: 0, using: &generator)
            let expected = try JSONDecoder().decode(Reference.self, from: Data(text.utf8)).value
            #expect(Self.read(text) == expected, "\(text)")
        }
    }

    @Test("skips the members a caller does not keep, a 1 MB argument included, and still checks them")
    func skipsMembers() throws {
        let content = String(repeating: "line with \"quotes\", tabs\t and é\n", count: 32_000)
        let request = try JSONSerialization.data(withJSONObject: [
            "jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": ["name": "write_file", "arguments": ["path": "a.txt", "content": content], "_meta": ["v": "2026-07-28"]],
        ] as [String: Any], options: .withoutEscapingSlashes)
        let keep: JSONReader.MemberFilter = { depth, key in depth != 2 || key != "arguments" }
        let peek = try #require(JSONReader.parse(request, keeping: keep))
        #expect(peek["method"] == "tools/call")
        #expect(peek["params"]?["name"] == "write_file")
        #expect(peek["params"]?["_meta"]?["v"] == "2026-07-28")
        #expect(peek["params"]?["arguments"] == nil)
        #expect(JSONReader.parse(request)?["params"]?["arguments"]?["content"] == .string(content))
        // Skipped members are still JSON: a broken one, or a duplicate of a kept key, refuses the whole.
        for broken in [#"{"params":{"arguments":{"a":[1,}}}"#, #"{"params":{"arguments":"\x"}}"#, #"{"params":{"arguments":1,"arguments":2}}"#,
                       #"{"params":{"arguments":"\#u{01}"}}"#, #"{"params":{"arguments":[tru]}}"#] {
            #expect(JSONReader.parse(Data(broken.utf8), keeping: keep) == nil, "\(broken)")
        }
    }

    // MARK: - Generated documents and the decoder they are compared with

    /// What the server decoded with `JSONDecoder` before the reader: each JSON type tried in
    /// turn, numbers as `Int` first.
    private enum Reference: Decodable {
        case value(JSONValue)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .value(.null) }
            else if let value = try? container.decode(Bool.self) { self = .value(.bool(value)) }
            else if let value = try? container.decode(Int.self) { self = .value(.int(value)) }
            else if let value = try? container.decode(Double.self) { self = .value(.double(value)) }
            else if let value = try? container.decode(String.self) { self = .value(.string(value)) }
            else if let value = try? container.decode([Reference].self) { self = .value(.array(value.map(\.value))) }
            else { self = .value(.object(try container.decode([String: Reference].self).mapValues(\.value))) }
        }

        var value: JSONValue {
            switch self { case .value(let value): value }
        }
    }

    private static func document(depth: Int, using generator: inout SeededGenerator) -> String {
        let space = [" ", "", "\n", "\t", ""][Int(generator.next() % 5)]
        switch generator.next() % (depth > 3 ? 5 : 7) {
        case 0: return space + ["true", "false", "null"][Int(generator.next() % 3)]
        case 1: return "\(Int64(bitPattern: generator.next()) >> Int64(generator.next() % 64))"
        case 2: return ["0.5", "-12.25", "1e3", "2.5E-3", "7.0", "-0.0", "123456.789e2"][Int(generator.next() % 7)]
        case 3, 4: return space + string(using: &generator)
        case 5:
            let count = Int(generator.next() % 5)
            return "[" + (0..<count).map { _ in document(depth: depth + 1, using: &generator) }.joined(separator: ",") + space + "]"
        default:
            let count = Int(generator.next() % 5)
            let members = (0..<count).map { index in
                "\(space)\"k\(index)\(string(using: &generator).dropFirst().dropLast())\"\(space):" + document(depth: depth + 1, using: &generator)
            }
            return "{" + members.joined(separator: ",") + "}" + space
        }
    }

    /// A JSON string of random characters, some raw, some escaped in every way JSON allows.
    private static func string(using generator: inout SeededGenerator) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "€", "中", "🚀", "\u{FFFF}", "\u{10FFFF}"]
        var out = "\""
        for _ in 0..<Int(generator.next() % 12) {
            let scalar = pool[Int(generator.next() % UInt64(pool.count))]
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if mustEscape || generator.next() % 3 == 0 {
                if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    out += String(format: "\\u%04x\\u%04X", 0xD800 + (offset >> 10), 0xDC00 + (offset & 0x3FF))
                } else if scalar == "\n" && generator.next() % 2 == 0 {
                    out += "\\n"
                } else {
                    out += String(format: "\\u%04x", scalar.value)
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
