import Foundation
import MCP

/// Answers `tools/call` without the SDK's generic request handler.
///
/// Why: swift-sdk 0.12.1's `TypedRequestHandler` re-encodes every request and encodes every
/// result to JSON and decodes it back into `Value`, whose decoder compiles a regular expression
/// for each string (`Data.isDataURL`). For a tool result that is most of the time spent on a
/// call, and for a 1 MB file three JSON passes. Here the request is decoded once (into plain
/// JSON values, then `Value`) and the result encoded once. Everything else — initialize,
/// tools/list, ping, notifications — still goes through the SDK's `Server`.
enum DirectToolCall {
    /// The request's tool name and arguments, if `body` is a `tools/call` request.
    static func parse(_ body: Data) -> (name: String, arguments: [String: Value]?)? {
        guard body.range(of: toolsCallBytes) != nil,
              let request = try? JSONDecoder().decode(Request.self, from: body),
              request.method == "tools/call", let params = request.params else { return nil }
        return (params.name, params.arguments?.mapValues(\.value))
    }

    /// The JSON-RPC response for request `rawID` (the id's JSON text, as sent).
    static func respond(rawID: String, _ handler: ToolCallHandler, name: String, arguments: [String: Value]?) async -> Data {
        do {
            let result = try await handler(name, arguments)
            return envelope(rawID: rawID, member: "result", try ToolResultJSON.encode(result) ?? JSONEncoder().encode(result))
        } catch let error as MCPError {
            return failure(rawID: rawID, code: error.code, message: error.errorDescription ?? "\(error)")
        } catch {
            return failure(rawID: rawID, code: -32603, message: "Internal error: \(error)")
        }
    }

    private static func failure(rawID: String, code: Int, message: String) -> Data {
        let error = (try? JSONSerialization.data(withJSONObject: ["code": code, "message": message], options: [.sortedKeys])) ?? Data("{}".utf8)
        return envelope(rawID: rawID, member: "error", error)
    }

    /// `{"jsonrpc":"2.0","id":<rawID>,"<member>":<payload>}`, with the id exactly as the client sent it.
    private static func envelope(rawID: String, member: String, _ payload: Data) -> Data {
        var data = Data(#"{"jsonrpc":"2.0","id":"#.utf8)
        data.append(Data(rawID.utf8))
        data.append(Data(#","\#(member)":"#.utf8))
        data.append(payload)
        data.append(UInt8(ascii: "}"))
        return data
    }

    private static let toolsCallBytes = Data(#""tools/call""#.utf8)

    private struct Request: Decodable {
        let method: String
        let params: Params?

        struct Params: Decodable {
            let name: String
            let arguments: [String: PlainJSON]?
        }
    }
}

/// A JSON value decoded without the SDK's per-string work, then turned into an MCP `Value`.
enum PlainJSON: Decodable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([PlainJSON]), object([String: PlainJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int.self) { self = .int(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PlainJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: PlainJSON].self)) }
    }

    var value: Value {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        case .string(let value): .string(value)
        case .array(let values): .array(values.map(\.value))
        case .object(let values): .object(values.mapValues(\.value))
        }
    }
}
