import HTTPTypes
import Hummingbird
import LetsworkProtocol

/// What Streamable HTTP asks of a POST's headers, checked before its body is read.
enum RequestFormat {
    /// A refusal when the POST is not JSON or accepts neither reply format.
    static func refusal(for request: IncomingRequest) -> OutgoingResponse? {
        if let type = request.headers[.contentType], mediaType(type) != "application/json" {
            return Reply.problem(.unsupportedMediaType,
                                 "Unsupported Media Type: send MCP messages as Content-Type: application/json (got \(type)).")
        }
        if let accept = request.headers[.accept], !accept.isEmpty {
            let ranges = Set(accept.split(separator: ",").map { mediaType(String($0)) })
            let acceptable: Set = ["application/json", "text/event-stream", "application/*", "text/*", "*/*"]
            if ranges.isDisjoint(with: acceptable) {
                return Reply.problem(.notAcceptable, "Not Acceptable: replies are application/json or text/event-stream; list one in Accept.")
            }
        }
        return nil
    }

    /// Whether to frame the reply as SSE: when configured to and the client accepts it, or when
    /// the client accepts only SSE.
    static func wantsEventStream(_ request: IncomingRequest, preferring format: SessionHTTPServer.ReplyFormat) -> Bool {
        let accept = request.headers[.accept]?.lowercased() ?? ""
        let acceptsSSE = accept.contains("text/event-stream")
        let acceptsJSON = accept.isEmpty || accept.contains("application/json") || accept.contains("*/*") || accept.contains("application/*")
        return acceptsSSE && (format == .sse || !acceptsJSON)
    }

    private static func mediaType(_ value: String) -> String {
        (value.split(separator: ";").first.map(String.init) ?? value).trimmed.lowercased()
    }
}
