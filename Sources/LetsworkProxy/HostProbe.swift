import Foundation
import LetsworkProtocol

/// `letswork join`'s first step: does the host answer, is it an MCP server, does it accept the
/// token? One initialize, one ping, then the probe's session is ended.
public enum HostProbe {
    /// What the host said about itself.
    public struct Answer: Sendable {
        public var serverName: String
        public var serverVersion: String
        public var protocolVersion: String?
        /// The server's `instructions` for agents (letswork's names the project and the first steps).
        public var instructions: String?
    }

    /// - Throws: ``ProxyError`` of kind `.unreachable`, `.unauthorized` or `.notMCP` (or `.general`
    ///   for TLS problems), each with a sentence saying what to do.
    public static func check(url: String, token: String, caCertificateFile: String? = nil) async throws -> Answer {
        let exchange = HostExchange(client: HTTPClient(caCertificateFile: caCertificateFile), url: url, token: token)
        if let answer = try await discover(exchange) { return answer }
        return try await initialize(exchange)
    }

    /// 2026-07-28's `server/discover`; nil when the host does not answer it as a 2026-07-28
    /// server (an older letswork), which is then asked with `initialize`.
    private static func discover(_ exchange: HostExchange) async throws -> Answer? {
        let version = ProtocolVersion.latestModern
        let request = #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"# + "\"\(MetaKey.protocolVersion)\":\"\(version)\","
            + "\"\(MetaKey.clientCapabilities)\":{},\"\(MetaKey.clientInfo)\":{\"name\":\"letswork-join\",\"version\":\"1\"}}}}"
        let (_, reply) = try await post(exchange, request, modern: true)
        guard let result = reply?["result"], result["supportedVersions"]?.arrayValue?.contains(.string(version)) == true else { return nil }
        let info = result["_meta"]?[MetaKey.serverInfo]
        return Answer(serverName: info?["name"]?.stringValue ?? "?", serverVersion: info?["version"]?.stringValue ?? "?",
                      protocolVersion: version, instructions: result["instructions"]?.stringValue)
    }

    /// The handshake: `initialize`, `notifications/initialized`, `ping`, and the session ended.
    private static func initialize(_ exchange: HostExchange) async throws -> Answer {
        let url = exchange.url
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"letswork-join","version":"1"}}}"#
        let (reply, answer) = try await post(exchange, initialize, session: .init())
        guard let result = answer?["result"], let info = result["serverInfo"] else {
            throw ProxyError("\(url) answered, but not as an MCP server (its initialize reply has no serverInfo); check the URL in the host's join command", kind: .notMCP)
        }
        let session = HostSession.Snapshot(sessionID: reply.head["mcp-session-id"], protocolVersion: result["protocolVersion"]?.stringValue)
        _ = try await post(exchange, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
        let (_, pong) = try await post(exchange, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#, session: session)
        guard pong?["result"] != nil else {
            throw ProxyError("\(url) accepted the connection but did not answer a ping; ask the host whether the session is still running", kind: .notMCP)
        }
        await exchange.delete(session: session, timeout: .seconds(2))
        return Answer(serverName: info["name"]?.stringValue ?? "?", serverVersion: info["version"]?.stringValue ?? "?",
                      protocolVersion: session.protocolVersion, instructions: result["instructions"]?.stringValue)
    }

    private static func post(_ exchange: HostExchange, _ message: String, session: HostSession.Snapshot = .init(),
                             modern: Bool = false) async throws -> (HostExchange.Reply, JSONValue?) {
        let url = exchange.url
        let answer = AnswerBox()
        let reply: HostExchange.Reply
        do {
            let data = Data(message.utf8)
            reply = try await exchange.post(data, session: session, mirroring: modern ? MessagePeek(data) : nil) { answer.set($0) }
        } catch let error as CurlError {
            if error.isTLS {
                throw ProxyError("the TLS connection to \(url) failed: \(error.message); if the host uses a private certificate authority, pass --cacert FILE")
            }
            throw ProxyError("host unreachable at \(url): \(error.message); check the URL and ask the host whether the session is still running", kind: .unreachable)
        }
        switch reply.head.status {
        case 200 where reply.isMCP, 202:
            return (reply, answer.value.flatMap { bytes in bytes.withUnsafeBytes { JSONReader.parse($0) } })
        case 400 where modern, 404 where modern, 405 where modern:
            // Not a 2026-07-28 server: the caller falls back to the handshake.
            return (reply, nil)
        case 401, 403:
            throw ProxyError("the host at \(url) refused the token (HTTP \(reply.head.status)); check that you copied the whole token from the host's join command — it changes with every session", kind: .unauthorized)
        case 502, 503, 504:
            throw ProxyError("host unreachable at \(url): the tunnel answered HTTP \(reply.head.status) (the host's server behind it did not answer); ask the host whether the session is still running", kind: .unreachable)
        default:
            throw ProxyError("\(url) is not a letswork server: it answered HTTP \(reply.head.status)\(reply.head.mediaType.isEmpty ? "" : " with " + reply.head.mediaType); check the URL in the host's join command", kind: .notMCP)
        }
    }
}

/// The last message of a reply, handed from the transfer's thread.
private final class AnswerBox: @unchecked Sendable {
    // @unchecked Sendable: written on the transfer's thread before the transfer completes,
    // read after it (the continuation's resumption orders the two).
    private(set) var value: [UInt8]?
    func set(_ message: [UInt8]) { value = message }
}
