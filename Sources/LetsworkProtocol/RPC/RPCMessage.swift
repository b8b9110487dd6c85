import Foundation

/// One JSON-RPC 2.0 message, read once from its bytes.
public enum RPCMessage: Sendable {
    case request(RPCRequest)
    case notification(method: String, params: [String: JSONValue])
    /// A response from the client to a request of the server's; letswork sends none, so these
    /// are acknowledged and dropped.
    case response(id: JSONValue)

    /// Reads `body`; a message that is not one JSON-RPC object gets the JSON-RPC error to answer
    /// with (and the request id, when one could be read).
    public static func parse(_ body: Data) -> Result<RPCMessage, RPCFailure> {
        guard let value = JSONReader.parse(body) else {
            return .failure(RPCFailure(id: .null, error: .parseError(
                "Parse error: the body must be one JSON-RPC message, a JSON object in UTF-8")))
        }
        return parse(value)
    }

    public static func parse(_ value: JSONValue) -> Result<RPCMessage, RPCFailure> {
        if case .array = value {
            return .failure(RPCFailure(id: .null, error: .invalidRequest(
                "Invalid request: JSON-RPC batches are not supported; send one message per request")))
        }
        guard case .object(let object) = value else {
            return .failure(RPCFailure(id: .null, error: .invalidRequest("Invalid request: a JSON-RPC message is a JSON object")))
        }
        let id = object["id"]
        if let id, !Self.isValidID(id) {
            return .failure(RPCFailure(id: .null, error: .invalidRequest("Invalid request: \"id\" must be a string or a number")))
        }
        guard object["jsonrpc"] == "2.0" else {
            return .failure(RPCFailure(id: id ?? .null, error: .invalidRequest("Invalid request: \"jsonrpc\" must be \"2.0\"")))
        }
        guard let methodValue = object["method"] else {
            guard let id, object["result"] != nil || object["error"] != nil else {
                return .failure(RPCFailure(id: id ?? .null, error: .invalidRequest(
                    "Invalid request: a message needs a \"method\" (request or notification) or a \"result\"/\"error\" (response)")))
            }
            return .success(.response(id: id))
        }
        guard case .string(let method) = methodValue else {
            return .failure(RPCFailure(id: id ?? .null, error: .invalidRequest("Invalid request: \"method\" must be a string")))
        }
        let params: [String: JSONValue]
        switch object["params"] {
        case nil, .null?: params = [:]
        case .object(let members)?: params = members
        default:
            return .failure(RPCFailure(id: id ?? .null, error: .invalidParams("Invalid params: \"params\" must be an object")))
        }
        guard let id else { return .success(.notification(method: method, params: params)) }
        return .success(.request(RPCRequest(id: id, method: method, params: params)))
    }

    private static func isValidID(_ id: JSONValue) -> Bool {
        switch id {
        case .string, .int, .double: true
        default: false
        }
    }
}

/// A request: it gets exactly one response, with its id.
public struct RPCRequest: Sendable {
    public let id: JSONValue
    public let method: String
    public let params: [String: JSONValue]

    public init(id: JSONValue, method: String, params: [String: JSONValue] = [:]) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// The request's `params._meta`, if it is an object.
    public var meta: [String: JSONValue]? { params["_meta"]?.objectValue }
}

/// A message that could not be answered normally, with the id to answer it under.
public struct RPCFailure: Error, Sendable {
    public let id: JSONValue
    public let error: RPCError

    public init(id: JSONValue, error: RPCError) {
        self.id = id
        self.error = error
    }
}

/// Responses as bytes.
public enum RPCResponse {
    public static func success(id: JSONValue, result: JSONValue) -> Data {
        envelope(id: id, member: "result", result)
    }

    public static func failure(id: JSONValue, error: RPCError) -> Data {
        envelope(id: id, member: "error", error.json)
    }

    public static func notification(method: String, params: JSONValue) -> Data {
        JSONWriter.data(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }

    /// `{"jsonrpc":"2.0","id":…,"<member>":…}`, written in that order for readable logs.
    private static func envelope(id: JSONValue, member: String, _ payload: JSONValue) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(payload.estimatedSize + 48)
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        JSONWriter.append(id, to: &out)
        out.append(contentsOf: #",""#.utf8)
        out.append(contentsOf: member.utf8)
        out.append(contentsOf: #"":"#.utf8)
        JSONWriter.append(payload, to: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }
}
