/// A resource as `resources/list` shows it.
public struct ResourceDescription: Sendable, Equatable {
    public var uri: String
    public var name: String
    public var title: String
    public var description: String
    public var mimeType: String
    /// Whether `subscriptions/listen` (2026-07-28) or `resources/subscribe` (2025-11-25) can
    /// follow it: the server then sends `notifications/resources/updated` when it changes.
    public var subscribable: Bool

    public init(uri: String, name: String, title: String, description: String, mimeType: String, subscribable: Bool) {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.subscribable = subscribable
    }

    public var json: JSONValue {
        ["uri": .string(uri), "name": .string(name), "title": .string(title), "description": .string(description),
         "mimeType": .string(mimeType)]
    }

    /// Whether `uri` names this resource: the same, or the same with a query (`…?after=…`).
    public func matches(_ uri: String) -> Bool {
        uri == self.uri || uri.hasPrefix(self.uri + "?")
    }
}

/// One item of a `resources/read` result.
public struct ResourceContents: Sendable, Equatable {
    public var uri: String
    public var mimeType: String
    public var text: String

    public init(uri: String, mimeType: String, text: String) {
        self.uri = uri
        self.mimeType = mimeType
        self.text = text
    }

    public var json: JSONValue {
        ["uri": .string(uri), "mimeType": .string(mimeType), "text": .string(text)]
    }
}
