import Foundation
import LetsworkProtocol
import Synchronization

/// One POST of a JSON-RPC message to the host and the messages its reply carries.
///
/// A 200 reply is either one JSON body or an SSE stream of messages (progress notifications,
/// then the answer). SSE messages are handed on as each event completes, so an agent sees
/// progress while a long call runs; a JSON body is handed on whole. Other statuses keep their
/// body for the error message.
struct HostExchange {
    let client: HTTPClient
    let url: String
    let token: String

    struct Reply: Sendable {
        var head: HTTPResponseHead
        /// The body of a non-200 or non-MCP reply (not of delivered messages).
        var body: Data
        /// How many JSON-RPC messages were handed to `deliver`.
        var delivered: Int
        var isMCP: Bool { head.mediaType == "application/json" || head.mediaType == "text/event-stream" }
    }

    /// POSTs `message`. A 2026-07-28 message (per `mirroring`) gets the headers that mirror its
    /// body instead of the session's.
    /// - Parameters:
    ///   - timeout: The whole exchange's limit; `.zero` for a long-lived stream (subscriptions/listen).
    ///   - idleLimit: For a stream: how long it may stay silent before it is taken for dead.
    ///   - cancellation: Ends the transfer early (a stream at shutdown).
    ///   - heard: Called for every piece of the body as it arrives, keep-alive comments included.
    func post(_ message: Data, session: HostSession.Snapshot, mirroring peek: MessagePeek?,
              timeout: Duration = .seconds(120), idleLimit: Duration? = nil, cancellation: TransferCancellation? = nil,
              heard: (@Sendable () -> Void)? = nil,
              deliver: @escaping @Sendable ([UInt8]) -> Void) async throws -> Reply {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
            ("Authorization", "Bearer \(token)"),
        ]
        if let peek, let version = peek.modernVersion {
            headers.append((MirrorHeader.protocolVersion, version))
            if let method = peek.method { headers.append((MirrorHeader.method, method)) }
            if let name = peek.name { headers.append((MirrorHeader.name, HeaderValue.encode(name))) }
        } else {
            if let id = session.sessionID { headers.append(("Mcp-Session-Id", id)) }
            if let version = session.protocolVersion { headers.append(("MCP-Protocol-Version", version)) }
        }
        let reader = ReplyReader(deliver: deliver)
        let request = HTTPRequest(.post, url: url, headers: headers, body: message, timeout: timeout, idleLimit: idleLimit)
        let head = try await client.send(request, cancellation: cancellation,
                                         onHead: { reader.begin($0) }, onBody: { heard?(); reader.take($0) })
        return reader.finish(head)
    }

    /// The GET stream of the session (no time limit: it lasts as long as the host keeps it);
    /// its SSE messages go to `deliver` as they complete.
    func listen(session: HostSession.Snapshot, cancellation: TransferCancellation,
                deliver: @escaping @Sendable ([UInt8]) -> Void) async throws -> HTTPResponseHead {
        var headers: [(name: String, value: String)] = [("Accept", "text/event-stream"), ("Authorization", "Bearer \(token)")]
        if let id = session.sessionID { headers.append(("Mcp-Session-Id", id)) }
        if let version = session.protocolVersion { headers.append(("MCP-Protocol-Version", version)) }
        let reader = ReplyReader(deliver: deliver)
        let head = try await client.send(HTTPRequest(.get, url: url, headers: headers, timeout: .zero), cancellation: cancellation,
                                         onHead: { reader.begin($0) }, onBody: { reader.take($0) })
        return reader.finish(head).head
    }

    /// Ends the session on the host (`DELETE` with its id), within `timeout`; errors are ignored.
    func delete(session: HostSession.Snapshot, timeout: Duration) async {
        guard let id = session.sessionID else { return }
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)"), ("Mcp-Session-Id", id)]
        if let version = session.protocolVersion { headers.append(("MCP-Protocol-Version", version)) }
        _ = try? await client.send(HTTPRequest(.delete, url: url, headers: headers, timeout: timeout))
    }
}

/// The body of one reply as it streams in. Only the transfer's thread touches it while the
/// transfer runs; the Mutex makes the final read on the caller's thread safe.
private final class ReplyReader: Sendable {
    private struct State {
        var head: HTTPResponseHead?
        var parser: SSEParser?
        var body = Data()
        var delivered = 0
    }
    private let state = Mutex(State())
    private let deliver: @Sendable ([UInt8]) -> Void

    init(deliver: @escaping @Sendable ([UInt8]) -> Void) { self.deliver = deliver }

    func begin(_ head: HTTPResponseHead) {
        state.withLock { state in
            state.head = head
            if head.status == 200 && head.mediaType == "text/event-stream" { state.parser = SSEParser() }
        }
    }

    func take(_ bytes: UnsafeRawBufferPointer) {
        let events: [SSEEvent] = state.withLock { state in
            guard state.parser != nil else {
                state.body.append(contentsOf: bytes)
                return []
            }
            return state.parser!.feed(bytes)
        }
        for event in events where event.type == "message" && !event.data.isEmpty {
            deliver(event.data)
            state.withLock { $0.delivered += 1 }
        }
    }

    /// A 400 or 404 whose body is a JSON-RPC error for the request (2026-07-28 sends its protocol
    /// errors so): the agent's answer, relayed as it is. Refusals before the request was read
    /// (no session, bad token) carry a null id and stay the relay's to explain.
    private static func answersARequest(_ head: HTTPResponseHead, _ body: Data) -> Bool {
        guard head.status == 400 || head.status == 404, let peek = MessagePeek(body) else { return false }
        return peek.method == nil && peek.id != nil && peek.id != .null
    }

    func finish(_ head: HTTPResponseHead) -> HostExchange.Reply {
        let (body, streamed) = state.withLock { ($0.body, $0.parser != nil) }
        var delivered = state.withLock { $0.delivered }
        var rest = body
        if head.mediaType == "application/json" && !streamed && (head.status == 200 || Self.answersARequest(head, body)) {
            let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            if !trimmed.isEmpty {
                deliver(Array(trimmed))
                delivered += 1
            }
            rest = Data()
        }
        return HostExchange.Reply(head: head, body: rest, delivered: delivered)
    }
}
