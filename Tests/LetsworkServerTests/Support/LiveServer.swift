import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LetsworkServer
import Logging

/// A running server on 127.0.0.1 with a host and a guest token, for one test.
struct LiveServer: Sendable {
    let server: SessionHTTPServer
    let tokens: TokenRegistry
    let host: IssuedToken
    let guest: IssuedToken
    let port: Int

    var client: RawClient { RawClient(port: port) }
}

/// Runs a server on a free loopback port for the duration of `body`, then stops it gracefully
/// and waits for `run()` to return, even when `body` throws.
func withLiveServer<T: Sendable>(
    _ configuration: SessionHTTPServer.Configuration = .init(port: 0),
    factory: some ParticipantFactory = EchoFactory(),
    _ body: @Sendable (LiveServer) async throws -> T
) async throws -> T {
    var configuration = configuration
    configuration.port = 0
    let tokens = TokenRegistry()
    let host = try await tokens.issueHostToken()
    let guest = try await tokens.addGuest(named: "guest")
    let server = SessionHTTPServer(configuration: configuration, tokens: tokens, factory: factory, logger: testLogger)

    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let result: Result<T, any Error>
        do {
            let port = try await server.port
            result = .success(try await body(LiveServer(server: server, tokens: tokens, host: host, guest: guest, port: port)))
        } catch {
            result = .failure(error)
        }
        await server.stop()
        try await group.waitForAll()
        return try result.get()
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "letswork.server.tests")
    logger.logLevel = .critical
    return logger
}()

/// Plain HTTP requests over a fresh loopback connection each, so a test controls every header
/// (Host and Origin included) and sees the raw status, headers and body.
struct RawClient: Sendable {
    let port: Int

    static let accept = "application/json, text/event-stream"

    func send(
        _ method: HTTPRequest.Method,
        token: String?,
        sessionID: String? = nil,
        json: String? = nil,
        body: ByteBuffer? = nil,
        host: String? = nil,
        origin: String? = nil,
        accept: String = RawClient.accept,
        path: String = "/mcp",
        headers extra: [(String, String)] = []
    ) async throws -> TestClient.Response {
        var headers: HTTPFields = [.accept: accept]
        for (name, value) in extra { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let sessionID { headers[.mcpSessionID] = sessionID }
        if let origin { headers[.origin] = origin }
        var payload = body
        if let json {
            headers[.contentType] = "application/json"
            payload = ByteBuffer(string: json)
        }
        let request = TestClient.Request(
            path,
            method: method,
            authority: host ?? "127.0.0.1:\(port)",
            headers: headers,
            body: payload
        )
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(request)
        }
    }

    /// POSTs `initialize` and returns the response and its session id.
    func initialize(token: String, clientName: String = "raw-test", protocolVersion: String = "2025-06-18") async throws
        -> (response: TestClient.Response, sessionID: String?)
    {
        let response = try await send(
            .post,
            token: token,
            json: """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\(protocolVersion)",\
                "capabilities":{},"clientInfo":{"name":"\(clientName)","version":"1.0"}}}
                """
        )
        return (response, response.headers[.mcpSessionID])
    }

    /// Initializes a session and sends `notifications/initialized`, as a real client does.
    func openSession(token: String) async throws -> String {
        let (response, sessionID) = try await initialize(token: token)
        guard response.status == .ok, let sessionID else {
            throw TestFailure("initialize failed with \(response.status): \(response.bodyText)")
        }
        let initialized = try await send(
            .post,
            token: token,
            sessionID: sessionID,
            json: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#
        )
        guard initialized.status == .accepted else {
            throw TestFailure("notifications/initialized got \(initialized.status)")
        }
        return sessionID
    }

    /// Calls a tool on a session and returns the raw response.
    func callTool(_ name: String, arguments: String = "{}", token: String, sessionID: String, id: Int = 7) async throws
        -> TestClient.Response
    {
        try await send(
            .post,
            token: token,
            sessionID: sessionID,
            json: #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(name)","arguments":\#(arguments)}}"#
        )
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension HTTPField.Name {
    static let mcpSessionID = Self("Mcp-Session-Id")!
}

extension TestClient.Response {
    var bodyText: String {
        body.map { String(buffer: $0) } ?? ""
    }

    /// The body as a JSON object (`[:]` if it is not one).
    var json: [String: Any] {
        guard let body, let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return [:] }
        return object
    }

    /// `error.message` of a JSON-RPC error body.
    var errorMessage: String {
        (json["error"] as? [String: Any])?["message"] as? String ?? ""
    }

    /// The text of the first content item of a `tools/call` result.
    var toolText: String? {
        let result = json["result"] as? [String: Any]
        let content = result?["content"] as? [[String: Any]]
        return content?.first?["text"] as? String
    }
}
