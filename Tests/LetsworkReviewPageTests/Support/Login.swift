import Foundation
import Testing

/// A browser session on a review server, logged in over raw HTTP as the page's script does.
struct LoggedIn {
    let server: ReviewServer
    let cookie: String

    /// Exchanges the server's one-time secret for the session cookie.
    static func logIn(_ server: ReviewServer) throws -> LoggedIn {
        let response = try RawHTTP.send(port: server.port, method: "POST", path: "/review/login",
                                        headers: ["Content-Type": "application/x-www-form-urlencoded",
                                                  "Origin": "http://127.0.0.1:\(server.port)", "Sec-Fetch-Site": "same-origin"],
                                        body: "secret=\(server.secret)")
        #expect(response.status == 204)
        let setCookie = try #require(response.header("Set-Cookie"), "the login answered without a cookie")
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/review"))
        return LoggedIn(server: server, cookie: String(setCookie.split(separator: ";")[0]))
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> RawResponse {
        try RawHTTP.send(port: server.port, path: path, headers: headers.merging(["Cookie": cookie]) { a, _ in a })
    }

    /// A form POST as the page's own forms send it, with what `headers` adds or replaces.
    func post(_ path: String, _ body: String, headers: [String: String] = [:]) throws -> RawResponse {
        let base = ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": "http://127.0.0.1:\(server.port)", "Sec-Fetch-Site": "same-origin"]
        return try RawHTTP.send(port: server.port, method: "POST", path: path, headers: base.merging(headers) { _, new in new }, body: body)
    }

    /// The CSRF token the change page's forms carry.
    func csrfToken(of change: String) throws -> String {
        let page = try get("/review/change/\(change)").body
        let marker = "name=\"csrf\" value=\""
        let start = try #require(page.range(of: marker), "the change page has no CSRF field").upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }
}
