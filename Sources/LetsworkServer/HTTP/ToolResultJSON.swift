import Foundation
import MCP

/// Writes a tool result as JSON in one pass over its bytes.
///
/// Why: Foundation's `JSONEncoder` walks `Codable` through existential containers and type casts;
/// for a tool call that was the largest single cost left on the server's CPU profile. Every
/// letswork tool answers with text content and plain structured content, which this writes
/// directly. Anything else (images, annotations, `_meta`, non-finite numbers, binary data)
/// returns nil, and the caller falls back to `JSONEncoder`, so the output is always valid.
enum ToolResultJSON {
    static func encode(_ result: CallTool.Result) -> Data? {
        guard result._meta == nil else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(256 + result.content.reduce(0) { total, item in
            if case .text(let text, _, _) = item { return total + text.utf8.count + text.utf8.count / 16 }
            return total
        })
        out.append(contentsOf: #"{"content":["#.utf8)
        for (index, item) in result.content.enumerated() {
            guard case .text(let text, nil, nil) = item else { return nil }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"type":"text","text":"#.utf8)
            appendString(text, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let structured = result.structuredContent {
            out.append(contentsOf: #","structuredContent":"#.utf8)
            guard appendValue(structured, to: &out) else { return nil }
        }
        if let isError = result.isError {
            out.append(contentsOf: (isError ? #","isError":true"# : #","isError":false"#).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static func appendValue(_ value: Value, to out: inout [UInt8]) -> Bool {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number):
            guard number.isFinite else { return false }
            out.append(contentsOf: "\(number)".utf8)
        case .string(let text): appendString(text, to: &out)
        case .data: return false
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                guard appendValue(item, to: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, member) in members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                guard appendValue(member, to: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest
    /// (UTF-8 included) copied in runs.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
