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
    /// The request's tool name and arguments, if `body` is a `tools/call` request this server
    /// reads itself (anything else, valid or not, is left to the SDK).
    static func parse(_ body: Data) -> (name: String, arguments: [String: Value]?)? {
        body.withUnsafeBytes { raw -> (name: String, arguments: [String: Value]?)? in
            guard bytes(raw, contain: #""tools/call""#), case .object(let request)? = JSONReader.parse(raw),
                  request["method"] == .string("tools/call"), case .object(let params)? = request["params"],
                  case .string(let name)? = params["name"] else { return nil }
            switch params["arguments"] {
            case nil, .null?: return (name, nil)
            case .object(let arguments)?: return (name, arguments)
            default: return nil
            }
        }
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
}
