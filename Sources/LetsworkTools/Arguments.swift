import MCP

/// A tool call's arguments, read with clear errors for missing or mistyped values.
struct Arguments {
    let tool: String
    let values: [String: Value]

    init(tool: String, _ values: [String: Value]?) {
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

    static func kind(of value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .data: "binary data"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
