import Foundation
import HTTPTypes
import Hummingbird
import MCP

/// Builds the HTTP responses the endpoint sends.
enum Reply {
    /// A refusal with a JSON-RPC-shaped body (`{"jsonrpc":"2.0","id":null,"error":{…}}`), so an MCP
    /// client shows `message` to its user, and a person reading it with curl knows what to do.
    static func problem(
        _ status: HTTPResponse.Status,
        _ message: String,
        code: Int = -32600,
        headers extra: HTTPFields = [:]
    ) -> OutgoingResponse {
        let body: [String: Any] = [
            "jsonrpc": "2.0",
            "id": NSNull(),
            "error": ["code": code, "message": message] as [String: Any],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        var headers = extra
        headers[.contentType] = "application/json"
        return OutgoingResponse(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Converts the SDK transport's reply into a Hummingbird response, adding the session id.
    ///
    /// - Parameter eventStream: Frame a JSON body as one SSE `message` event instead.
    static func from(_ reply: MCP.HTTPResponse, sessionID: String?, eventStream: Bool) -> OutgoingResponse {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            guard let fieldName = HTTPField.Name(name), fieldName != .mcpSessionID else { continue }
            headers[fieldName] = value
        }
        if let sessionID {
            headers[.mcpSessionID] = sessionID
        }
        let status = HTTPResponse.Status(code: reply.statusCode)

        switch reply {
        case .data(let data, _) where eventStream:
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache, no-transform"
            return OutgoingResponse(status: status, headers: headers, body: .init(byteBuffer: sseMessage(data)))

        case .stream(let stream, _):
            return OutgoingResponse(
                status: status,
                headers: headers,
                body: ResponseBody { writer in
                    for try await chunk in stream {
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                    try await writer.finish(nil)
                }
            )

        default:
            let body = reply.bodyData.map { ResponseBody(byteBuffer: ByteBuffer(bytes: $0)) } ?? ResponseBody()
            return OutgoingResponse(status: status, headers: headers, body: body)
        }
    }

    /// One SSE `message` event; every line of the payload gets its own `data:` prefix, so even a
    /// pretty-printed JSON body stays one event.
    static func sseMessage(_ data: Data) -> ByteBuffer {
        var text = "event: message\n"
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        text += "\n"
        return ByteBuffer(string: text)
    }
}
