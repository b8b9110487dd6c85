import HTTPTypes
import Hummingbird

/// The checks every review-page request passes before any page is made. The page is for the
/// host at this machine's browser only, so it refuses what the tunnel carried, what a guest
/// holds, and what another web site could make a browser send.
enum RequestGuard {
    /// Headers a proxy or tunnel adds (cloudflared sets cf-connecting-ip and cf-ray), as the
    /// guest-admin route of the session server refuses them.
    static let forwardingHeaders = ["cf-connecting-ip", "cf-ray", "x-forwarded-for", "x-forwarded-host", "forwarded"]
    static let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1"]

    /// Why `request` is refused (nil: it may go on).
    static func refusal(_ request: Request) -> String? {
        for name in forwardingHeaders where HTTPField.Name(name).map({ request.headers[$0] != nil }) ?? false {
            return "The review page is served to this machine only, never through the tunnel."
        }
        guard let authority = request.head.authority, let host = hostname(authority), loopbackHosts.contains(host) else {
            return "The review page answers only on 127.0.0.1 (open the link `letswork review` printed)."
        }
        if request.headers[.authorization] != nil {
            return "Tokens of the MCP endpoint do not open the review page; log in through the link `letswork review` printed."
        }
        if request.method == .post {
            // A browser names the page that sent a POST; only this page itself may.
            if let origin = request.headers[.origin], origin != "http://\(authority)" {
                return "Cross-origin requests are refused."
            }
            if let site = request.headers[secFetchSite], site != "same-origin" {
                return "Cross-site requests are refused."
            }
        }
        return nil
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// `127.0.0.1:8000` → `127.0.0.1`, `[::1]:8000` → `::1`.
    static func hostname(_ authority: String) -> String? {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("[") {
            guard let close = lowered.firstIndex(of: "]") else { return nil }
            return String(lowered[lowered.index(after: lowered.startIndex)..<close])
        }
        return lowered.split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    /// The value of cookie `name` in the request's `Cookie` headers.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}
