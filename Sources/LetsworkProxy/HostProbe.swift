import Foundation

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
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"letswork-join","version":"1"}}}"#
        let (reply, answer) = try await post(exchange, initialize, session: .init())
        guard let result = answer?["result"] as? [String: Any], let info = result["serverInfo"] as? [String: Any] else {
            throw ProxyError("\(url) answered, but not as an MCP server (its initialize reply has no serverInfo); check the URL in the host's join command", kind: .notMCP)
        }
        let session = HostSession.Snapshot(sessionID: reply.head["mcp-session-id"], protocolVersion: result["protocolVersion"] as? String)
        _ = try await post(exchange, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
        let (_, pong) = try await post(exchange, #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#, session: session)
        guard pong?["result"] != nil else {
            throw ProxyError("\(url) accepted the connection but did not answer a ping; ask the host whether the session is still running", kind: .notMCP)
        }
        await exchange.delete(session: session, timeout: .seconds(2))
        return Answer(serverName: info["name"] as? String ?? "?", serverVersion: info["version"] as? String ?? "?",
                      protocolVersion: session.protocolVersion, instructions: result["instructions"] as? String)
    }

    private static func post(_ exchange: HostExchange, _ message: String, session: HostSession.Snapshot) async throws
        -> (HostExchange.Reply, [String: Any]?) {
        let url = exchange.url
        let answer = AnswerBox()
        let reply: HostExchange.Reply
        do {
            reply = try await exchange.post(Data(message.utf8), session: session) { answer.set($0) }
        } catch let error as CurlError {
            if error.isTLS {
                throw ProxyError("the TLS connection to \(url) failed: \(error.message); if the host uses a private certificate authority, pass --cacert FILE")
            }
            throw ProxyError("host unreachable at \(url): \(error.message); check the URL and ask the host whether the session is still running", kind: .unreachable)
        }
        switch reply.head.status {
        case 200 where reply.isMCP, 202:
            return (reply, answer.value.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] })
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
