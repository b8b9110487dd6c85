import Foundation
import HTTPTypes
import Hummingbird
import LetsworkProtocol

/// The HTTP responses of `/mcp`: every refusal is a JSON-RPC error body (so a client always gets
/// a message it can show), with the HTTP status the refusal calls for.
enum Reply {
    /// A JSON-RPC error for a request this layer refuses before dispatch, under `id` (null when
    /// the request's id is not known yet).
    static func problem(
        _ status: HTTPResponse.Status,
        _ message: String,
        code: Int = RPCError.invalidRequestCode,
        id: JSONValue = .null,
        headers extra: HTTPFields = [:]
    ) -> OutgoingResponse {
        var headers = extra
        headers[.contentType] = "application/json"
        let body = RPCResponse.failure(id: id, error: RPCError(code: code, message: message))
        return OutgoingResponse(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A JSON-RPC error from the protocol layer, with the HTTP status its code maps to.
    static func failure(_ failure: RPCFailure, sessionID: String? = nil, eventStream: Bool = false) -> OutgoingResponse {
        message(RPCResponse.failure(id: failure.id, error: failure.error), status: failure.error.httpStatus,
                sessionID: sessionID, eventStream: eventStream)
    }

    /// A JSON-RPC response, as JSON or as one SSE event.
    static func message(_ data: Data, status: Int = 200, sessionID: String?, eventStream: Bool) -> OutgoingResponse {
        var headers = HTTPFields()
        if let sessionID { headers[.mcpSessionID] = sessionID }
        if eventStream {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache, no-transform"
            return OutgoingResponse(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: sseMessage(data)))
        }
        headers[.contentType] = "application/json"
        return OutgoingResponse(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A notification or a client's response: nothing to answer.
    static func accepted(sessionID: String?) -> OutgoingResponse {
        var headers = HTTPFields()
        if let sessionID { headers[.mcpSessionID] = sessionID }
        return OutgoingResponse(status: .accepted, headers: headers)
    }

    static func sseMessage(_ data: Data) -> ByteBuffer {
        var text = "event: message\n"
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        text += "\n"
        return ByteBuffer(string: text)
    }
}
