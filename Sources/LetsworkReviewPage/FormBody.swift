import Foundation

/// Fields of an `application/x-www-form-urlencoded` body, as HTML forms send them.
struct FormBody {
    private var fields: [String: String] = [:]

    init(_ bytes: [UInt8]) {
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decode(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }

    subscript(_ name: String) -> String? { fields[name] }
    func flag(_ name: String) -> Bool { fields[name].map { !$0.isEmpty } ?? false }
}
