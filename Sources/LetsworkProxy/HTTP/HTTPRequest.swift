import Foundation

/// One HTTP request as the proxy sends it.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", delete = "DELETE" }

    public var method: Method
    public var url: String
    /// Header lines in order; names as sent.
    public var headers: [(name: String, value: String)]
    public var body: Data
    /// The whole transfer's limit; a connection that opens but never answers ends there.
    /// `.zero`: none (a long-lived stream).
    public var timeout: Duration
    /// A long-lived stream that receives nothing for this long is taken for dead and ended
    /// (a host's keep-alives stop arriving when the link is cut or a tunnel buffers).
    public var idleLimit: Duration?

    public init(_ method: Method, url: String, headers: [(name: String, value: String)] = [],
                body: Data = Data(), timeout: Duration = .seconds(120), idleLimit: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleLimit = idleLimit
    }
}

/// The status line and headers of a response, as they arrived.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]

    public init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
    }

    public subscript(_ name: String) -> String? { headers[name.lowercased()] }

    /// The media type without parameters, lowercased: `application/json`, `text/event-stream`.
    public var mediaType: String {
        (self["content-type"] ?? "").split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }
}

/// A whole response, for callers that want the body in one piece.
public struct HTTPResponse: Sendable {
    public var head: HTTPResponseHead
    public var body: Data
}
