import Foundation
import LetsworkProtocol

/// A tool call's arguments, read with clear errors for missing or mistyped values.
struct Arguments {
    let tool: String
    let values: [String: JSONValue]

    init(tool: String, _ values: [String: JSONValue]?) {
        self.tool = tool
        self.values = values ?? [:]
    }

    func string(_ name: String) throws -> String {
        guard let value = values[name] else {
            throw ToolFailure("\(tool) needs the argument '\(name)' (a string).")
        }
        guard let text = value.stringValue else {
            throw ToolFailure("\(tool): argument '\(name)' must be a string, not \(Self.kind(of: value)).")
        }
        return text
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = values[name], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw ToolFailure("\(tool): argument '\(name)' must be a string, not \(Self.kind(of: value)).")
        }
        return text
    }

    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let value = values[name], !value.isNull else { return fallback }
        guard let flag = value.boolValue else {
            throw ToolFailure("\(tool): argument '\(name)' must be true or false, not \(Self.kind(of: value)).")
        }
        return flag
    }

    /// A whole number of at least `minimum`, or nil when absent. JSON clients may send `5.0`.
    func optionalInt(_ name: String, minimum: Int) throws -> Int? {
        guard let value = values[name], !value.isNull else { return nil }
        let number: Int? = switch value {
        case .int(let int): int
        case .double(let double) where double.rounded() == double && abs(double) < 1e15: Int(double)
        case .string(let text): Int(text.trimmingCharacters(in: .whitespaces))
        default: nil
        }
        guard let number else {
            throw ToolFailure("\(tool): argument '\(name)' must be a whole number, not \(Self.kind(of: value)).")
        }
        guard number >= minimum else {
            throw ToolFailure("\(tool): argument '\(name)' must be at least \(minimum) (got \(number)).")
        }
        return number
    }

    /// A non-empty array, each element checked by `element` (given its index for error texts).
    func array<T>(_ name: String, of what: String, _ element: (JSONValue, Int) throws -> T) throws -> [T] {
        guard let value = values[name] else {
            throw ToolFailure("\(tool) needs the argument '\(name)' (\(what)).")
        }
        guard let items = value.arrayValue else {
            throw ToolFailure("\(tool): argument '\(name)' must be \(what), not \(Self.kind(of: value)).")
        }
        guard !items.isEmpty else { throw ToolFailure("\(tool): argument '\(name)' is empty; give at least one.") }
        return try items.enumerated().map { try element($1, $0) }
    }

    /// An optional array of strings (nil when absent); a single string counts as a list of one.
    func optionalStrings(_ name: String) throws -> [String]? {
        guard let value = values[name], !value.isNull else { return nil }
        if let text = value.stringValue { return [text] }
        guard let items = value.arrayValue, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count else {
            throw ToolFailure("\(tool): argument '\(name)' must be a list of strings, not \(Self.kind(of: value)).")
        }
        return texts
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
