/// A prompt as `prompts/list` shows it; Claude Code offers each as the slash command
/// `/mcp__SERVER__NAME`.
public struct PromptDescription: Sendable {
    public var name: String
    public var title: String
    public var description: String

    public init(name: String, title: String, description: String) {
        self.name = name
        self.title = title
        self.description = description
    }

    public var json: JSONValue {
        ["name": .string(name), "title": .string(title), "description": .string(description), "arguments": []]
    }
}

/// A rendered prompt: the text the client puts in front of its model as the user's message.
public struct PromptResult: Sendable, Equatable {
    public var description: String
    public var text: String

    public init(description: String, text: String) {
        self.description = description
        self.text = text
    }

    public var json: JSONValue {
        ["description": .string(description),
         "messages": [["role": "user", "content": ["type": "text", "text": .string(text)]]]]
    }
}
