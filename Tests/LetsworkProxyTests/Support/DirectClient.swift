import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Calls the host's server directly over HTTP with Foundation's URLSession (not the proxy's
/// code), to compare what the proxy relays with what the server itself sends.
struct DirectClient {
    let url: URL
    let token: String
    var sessionID: String?

    init(url: String, token: String) {
        self.url = URL(string: url)!
        self.token = token
    }

    /// The body of a POST of `message`, as bytes.
    mutating func post(_ message: String) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let sessionID { request.setValue(sessionID, forHTTPHeaderField: "Mcp-Session-Id") }
        request.httpBody = Data(message.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        if let id = http.value(forHTTPHeaderField: "Mcp-Session-Id") { sessionID = id }
        return (http.statusCode, data)
    }

    mutating func initialize() async throws {
        _ = try await post(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"direct","version":"1"}}}"#)
        _ = try await post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
    }
}
