import Foundation
import LetsworkProtocol

/// A request the proxy sends for itself — reading events, pinging a silent host — never one of the
/// agent's: 2026-07-28, so it needs no session and works whatever era the agent speaks. The
/// client it names (``EventPump/clientName``) tells the host it is not an agent arriving.
enum OwnRequest {
    static func make(id: String, method: String, params: [String: JSONValue] = [:]) -> (data: Data, peek: MessagePeek) {
        var params = params
        params["_meta"] = [MetaKey.protocolVersion: .string(ProtocolVersion.latestModern),
                           MetaKey.clientInfo: ["name": .string(EventPump.clientName), "version": "1"],
                           MetaKey.clientCapabilities: [:]]
        let data = JSONWriter.data(["jsonrpc": "2.0", "id": .string(id), "method": .string(method), "params": .object(params)])
        return (data, MessagePeek(data) ?? MessagePeek(method: method, id: .string(id)))
    }
}
