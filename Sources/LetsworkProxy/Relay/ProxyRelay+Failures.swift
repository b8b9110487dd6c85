import Foundation
import LetsworkProtocol

/// The sentences an agent reads when the host cannot answer: what happened, and what to do.
extension ProxyRelay {
    func failure(_ error: CurlError) -> String {
        let url = configuration.url
        if error.neverDelivered {
            return "host unreachable at \(url): \(error.message); ask the host whether the session is still running"
        }
        if error.isTLS {
            return "the TLS connection to \(url) failed: \(error.message); if the host uses a private certificate authority, start the proxy with --cacert FILE"
        }
        if error.aborted {
            return "the proxy is shutting down; the request to \(url) was not completed"
        }
        return "host unreachable at \(url): the connection broke before the answer arrived (\(error.message)); the request may have been carried out, so check (for example with my_pending_changes) before repeating it; ask the host whether the session is still running"
    }

    /// An answer that is not a relayable MCP reply.
    func refusal(_ reply: HostExchange.Reply, peek: MessagePeek) -> String {
        let url = configuration.url
        let status = reply.head.status
        let said = Self.said(reply.body)
        switch status {
        case 401, 403:
            return "the host at \(url) refused the token (HTTP \(status)\(said.map { ": " + $0 } ?? "")); the token changes with every session: ask the host for the current join command and run `letswork join` again"
        case 404:
            return "no letswork session at \(url) (HTTP 404); check the URL (the host's join command shows it) and ask the host whether the session is still running"
        case 429:
            return "the host limits how fast a guest may call (HTTP 429\(said.map { ": " + $0 } ?? "")); wait a few seconds before the next call"
        case 502, 503, 504:
            return "host unreachable at \(url): the tunnel answered HTTP \(status) (the host's server behind it did not answer); ask the host whether the session is still running"
        case 200, 202:
            if !reply.isMCP {
                return "\(url) is not a letswork (MCP) server: it answered \(reply.head.mediaType.isEmpty ? "without a content type" : reply.head.mediaType); check the URL in the host's join command"
            }
            return "the host at \(url) accepted \(peek.summary) but sent no answer to it"
        default:
            if reply.isMCP, let said {
                return "the host at \(url) refused the request (HTTP \(status)): \(said)"
            }
            return "\(url) answered HTTP \(status)\(reply.isMCP ? "" : ", which is not what a letswork (MCP) server answers"); check the URL in the host's join command"
        }
    }

    /// The `error.message` of a JSON-RPC-shaped error body, or the start of a plain one.
    static func said(_ body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        if let message = JSONReader.parse(body)?["error"]?["message"]?.stringValue {
            return message
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// The `result.protocolVersion` of an initialize answer.
    static func protocolVersion(in answer: [UInt8]?) -> String? {
        guard let answer else { return nil }
        return answer.withUnsafeBytes { JSONReader.parse($0) }?["result"]?["protocolVersion"]?.stringValue
    }

    /// Messages whose repetition changes nothing on the host, which may be sent again when a
    /// tunnel says the host did not answer (the request may still have reached it).
    static func safeToRepeat(_ peek: MessagePeek) -> Bool {
        guard let method = peek.method else { return false }
        return peek.isNotification || ["initialize", "ping", "tools/list", "resources/list", "prompts/list"].contains(method)
    }

    /// A 429's `Retry-After` (seconds), 1 s when absent.
    static func retryAfter(_ head: HTTPResponseHead) -> Duration {
        .milliseconds(Int((Double(head["retry-after"] ?? "") ?? 1) * 1000))
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return String(format: "%.2f ms", milliseconds)
    }
}
