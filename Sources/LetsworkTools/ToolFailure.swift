/// A tool call that cannot be done, with a sentence the agent can act on. Becomes a tool result
/// with `isError: true`, not a protocol error.
public struct ToolFailure: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
