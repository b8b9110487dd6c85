/// Which `Host` and `Origin` values a request may carry: the defence against DNS rebinding.
///
/// A web page on `evil.example` can make a browser send requests to `127.0.0.1` by rebinding its
/// own name; those requests carry `Host: evil.example` (and an `Origin`), so refusing hosts we do
/// not serve stops them even before the token check. Loopback names are always allowed, with any
/// port; the tunnel's public hostname is allowed too so that guests can reach us through it.
/// A request without `Origin` is fine (command-line MCP clients send none).
struct HostPolicy: Sendable, Equatable {
    private static let loopbackHosts: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// Lower-cased public hostnames, without scheme or port.
    private(set) var publicHostnames: Set<String>

    /// - Parameter publicHostnames: Hostnames such as `abc.trycloudflare.com`; a full URL
    ///   (`https://abc.trycloudflare.com/mcp`) or a `host:port` is reduced to its hostname.
    init(publicHostnames: [String]) {
        self.publicHostnames = Set(publicHostnames.compactMap(Self.hostname(fromUserInput:)))
    }

    /// `nil` if the request may proceed, otherwise the reason to refuse it with 403.
    func rejection(host: String?, origin: String?) -> String? {
        if let host, !host.isEmpty {
            guard let name = Self.hostname(fromAuthority: host), isAllowed(name) else {
                return "Forbidden: this letswork server does not answer to the Host \"\(host.prefix(100))\". "
                    + "Connect through http://127.0.0.1:<port>/mcp or the session's public URL."
            }
        }
        if let origin {
            guard let name = Self.hostname(fromOrigin: origin), isAllowed(name) else {
                return "Forbidden: requests from the web origin \"\(origin.prefix(100))\" are not allowed. "
                    + "letswork serves MCP clients, not web pages."
            }
        }
        return nil
    }

    private func isAllowed(_ hostname: String) -> Bool {
        Self.loopbackHosts.contains(hostname) || publicHostnames.contains(hostname)
    }

    /// `example.com:8000` → `example.com`; `[::1]:8000` → `::1`; `nil` when malformed.
    static func hostname(fromAuthority authority: String) -> String? {
        var rest = Substring(authority.lowercased())
        let name: Substring
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            name = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else if let colon = rest.firstIndex(of: ":") {
            name = rest[..<colon]
            rest = rest[colon...]
        } else {
            name = rest
            rest = ""
        }
        if !rest.isEmpty {
            guard rest.first == ":" else { return nil }
            let port = rest.dropFirst()
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        var hostname = String(name)
        if hostname.hasSuffix(".") { hostname.removeLast() }
        guard !hostname.isEmpty, !hostname.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else { return nil }
        return hostname
    }

    /// `https://example.com:8443` → `example.com`; `null` and non-HTTP schemes → `nil`.
    static func hostname(fromOrigin origin: String) -> String? {
        let lowered = origin.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            let authority = lowered.dropFirst(scheme.count)
            guard !authority.contains("/") || authority.hasSuffix("/") && authority.dropLast().firstIndex(of: "/") == nil
            else { return nil }
            return hostname(fromAuthority: String(authority.hasSuffix("/") ? authority.dropLast() : authority))
        }
        return nil
    }

    /// Accepts `name`, `name:port` or a URL, and returns the lower-cased hostname.
    static func hostname(fromUserInput input: String) -> String? {
        var text = Substring(input.trimmed.lowercased())
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return hostname(fromAuthority: String(text))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
