import MCP

/// Checks a POST's `Accept` header, more leniently than the SDK's `AcceptHeaderValidator`.
///
/// The spec asks clients to list both `application/json` and `text/event-stream`; we always reply
/// with one of them, so any `Accept` that admits either (including `*/*`, or no header at all, as
/// curl sends by default) is enough. Anything else gets 406 with the SDK's error shape.
struct AcceptValidator: HTTPRequestValidator {
    func validate(_ request: MCP.HTTPRequest, context: HTTPValidationContext) -> MCP.HTTPResponse? {
        guard context.httpMethod == "POST",
            let accept = request.header("Accept"), !accept.isEmpty
        else { return nil }
        let ranges = Set(
            accept.split(separator: ",").map { part in
                part.split(separator: ";").first.map { $0.trimmed.lowercased() } ?? ""
            }
        )
        let acceptable = ["application/json", "text/event-stream", "application/*", "text/*", "*/*"]
        guard !ranges.isDisjoint(with: acceptable) else {
            return .error(
                statusCode: 406,
                .invalidRequest("Not Acceptable: replies are application/json or text/event-stream; list one in Accept"),
                sessionID: context.sessionID
            )
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmed: String { String(self).trimmed }
}
