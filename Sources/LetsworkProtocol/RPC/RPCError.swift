/// A JSON-RPC error, as letswork answers it: a code, a sentence that says what happened and what
/// to do, and optional data.
public struct RPCError: Error, Sendable, Equatable {
    public let code: Int
    public let message: String
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// 2026-07-28: an HTTP header disagrees with the body it mirrors.
    public static let headerMismatchCode = -32020
    /// 2026-07-28: the request's protocol version is not one this server speaks.
    public static let unsupportedProtocolVersionCode = -32022
    /// MCP: `resources/read` or a subscription named a resource this server does not have.
    public static let resourceNotFoundCode = -32002

    public static func parseError(_ message: String) -> RPCError { RPCError(code: parseErrorCode, message: message) }
    public static func invalidRequest(_ message: String) -> RPCError { RPCError(code: invalidRequestCode, message: message) }
    public static func methodNotFound(_ message: String) -> RPCError { RPCError(code: methodNotFoundCode, message: message) }
    public static func invalidParams(_ message: String) -> RPCError { RPCError(code: invalidParamsCode, message: message) }
    public static func internalError(_ message: String) -> RPCError { RPCError(code: internalErrorCode, message: message) }
    public static func headerMismatch(_ message: String) -> RPCError { RPCError(code: headerMismatchCode, message: message) }

    public static func resourceNotFound(_ uri: String) -> RPCError {
        RPCError(code: resourceNotFoundCode, message: "Resource not found: \(uri). resources/list names the resources of this server.",
                 data: ["uri": .string(uri)])
    }

    /// `-32022`, naming every version this server speaks, as the spec's data shape asks.
    public static func unsupportedProtocolVersion(_ requested: String) -> RPCError {
        RPCError(
            code: unsupportedProtocolVersionCode,
            message: "Unsupported protocol version '\(requested)': letswork speaks \(ProtocolVersion.all.joined(separator: ", ")). "
                + "Send one of these in MCP-Protocol-Version and params._meta, or update the client.",
            data: ["supported": .array(ProtocolVersion.all.map(JSONValue.string)), "requested": .string(requested)]
        )
    }

    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .int(code), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// The HTTP status that carries this error on Streamable HTTP: 400 for a malformed or
    /// mismatched request, 404 for an unknown method, 200 for everything a tool or handler reports.
    public var httpStatus: Int {
        switch code {
        case Self.parseErrorCode, Self.invalidRequestCode, Self.invalidParamsCode, Self.headerMismatchCode,
             Self.unsupportedProtocolVersionCode, -32021: 400
        case Self.methodNotFoundCode: 404
        default: 200
        }
    }
}
