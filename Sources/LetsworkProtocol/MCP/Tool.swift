/// How a tool behaves, for the client to decide how to present and gate it.
public struct ToolAnnotations: Sendable, Equatable {
    public var title: String
    public var readOnly: Bool
    public var destructive: Bool
    public var idempotent: Bool

    public init(title: String, readOnly: Bool, destructive: Bool = false, idempotent: Bool) {
        self.title = title
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
    }

    public var json: JSONValue {
        ["title": .string(title), "readOnlyHint": .bool(readOnly), "destructiveHint": .bool(destructive),
         "idempotentHint": .bool(idempotent), "openWorldHint": false]
    }
}

/// A tool as `tools/list` shows it.
public struct ToolDescription: Sendable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue
    public var annotations: ToolAnnotations
    public var meta: [String: JSONValue]

    public init(name: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue,
                annotations: ToolAnnotations, meta: [String: JSONValue] = [:]) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.meta = meta
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "title": .string(annotations.title), "description": .string(description),
            "inputSchema": inputSchema, "outputSchema": outputSchema, "annotations": annotations.json,
        ]
        if !meta.isEmpty { object["_meta"] = .object(meta) }
        return .object(object)
    }
}

/// What a tool call answers: text for the agent, the same facts as structured content, and
/// whether it is a refusal (`isError`), which the agent reads and acts on.
public struct ToolResult: Sendable, Equatable {
    public var text: [String]
    public var structuredContent: JSONValue?
    public var isError: Bool

    public init(text: [String], structuredContent: JSONValue?, isError: Bool) {
        self.text = text
        self.structuredContent = structuredContent
        self.isError = isError
    }

    /// All text blocks joined, as an agent reads them.
    public var joinedText: String { text.joined(separator: "\n") }

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "content": .array(text.map { ["type": "text", "text": .string($0)] }),
            "isError": .bool(isError),
        ]
        if let structuredContent { object["structuredContent"] = structuredContent }
        return .object(object)
    }
}
