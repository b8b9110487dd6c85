import Foundation

/// Finds the top-level `"id"` of a JSON-RPC message without decoding the message: one pass over
/// the bytes that skips nested values (an `arguments` object may hold its own "id" keys) and
/// stays cheap for a 1 MB `write_file` body. The id's raw JSON text (`7`, `"abc"`) comes back,
/// so `1` and `"1"` stay distinct as JSON-RPC requires.
enum RequestIDScanner {
    static func topLevelID(in body: Data) -> String? {
        body.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
            func skipString() -> Bool {
                guard index < bytes.count, bytes[index] == 0x22 else { return false }
                index += 1
                while index < bytes.count {
                    if bytes[index] == 0x5C { index += 2; continue }
                    if bytes[index] == 0x22 { index += 1; return true }
                    index += 1
                }
                return false
            }
            func skipValue() -> Bool {
                skipSpace()
                guard index < bytes.count else { return false }
                switch bytes[index] {
                case 0x22: return skipString()
                case 0x7B, 0x5B:
                    var depth = 0
                    while index < bytes.count {
                        switch bytes[index] {
                        case 0x22: if !skipString() { return false }; continue
                        case 0x7B, 0x5B: depth += 1
                        case 0x7D, 0x5D:
                            depth -= 1
                            if depth == 0 { index += 1; return true }
                        default: break
                        }
                        index += 1
                    }
                    return false
                default:
                    while index < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
                    return true
                }
            }
            skipSpace()
            guard index < bytes.count, bytes[index] == 0x7B else { return nil }
            index += 1
            while true {
                skipSpace()
                let keyStart = index
                guard skipString() else { return nil }
                let isID = index - keyStart == 4 && bytes[keyStart + 1] == 0x69 && bytes[keyStart + 2] == 0x64
                skipSpace()
                guard index < bytes.count, bytes[index] == 0x3A else { return nil }
                index += 1
                skipSpace()
                let valueStart = index
                guard skipValue() else { return nil }
                if isID {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<index]), as: UTF8.self)
                    return text == "null" ? nil : text
                }
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == 0x2C { index += 1; continue }
                return nil
            }
        }
    }
}
