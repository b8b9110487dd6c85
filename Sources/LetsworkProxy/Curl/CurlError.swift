import CCurl

/// A failed libcurl call, with curl's own words for it.
///
/// `deliveryUncertain` is what the relay's retry policy hangs on: a request whose connection
/// never opened was certainly not delivered and may be sent again; after that, it may have been.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The `CURLcode` (see libcurl-errors(3)).
    public let code: Int
    /// curl's detailed message (`CURLOPT_ERRORBUFFER`), or `curl_easy_strerror` when it is empty.
    public let message: String
    /// What letswork was doing: "POST https://…/mcp".
    public let operation: String

    init(code: CURLcode, detail: String, operation: String) {
        self.code = Int(code.rawValue)
        let summary = String(cString: curl_easy_strerror(code))
        self.message = detail.isEmpty ? summary : detail
        self.operation = operation
    }

    /// True when the request never reached the host: name resolution, the TCP connection or the
    /// proxy in front of it failed, so sending it again cannot repeat anything.
    public var neverDelivered: Bool {
        [CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT]
            .contains { Int($0.rawValue) == code }
    }

    /// True when the transfer was stopped on purpose (shutdown), not by the network.
    public var aborted: Bool { code == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) }

    /// True for certificate and TLS failures, which retrying cannot fix.
    public var isTLS: Bool {
        [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM]
            .contains { Int($0.rawValue) == code }
    }

    public var description: String { "\(operation): \(message) (curl error \(code))" }
}
