import Foundation

/// JSON-RPC error responses the proxy makes itself, when the host cannot answer a request.
enum RPCError {
    /// The code for errors of the transport between the agent and the host (JSON-RPC reserves
    /// -32000 to -32099 for implementation-defined server errors).
    static let transportCode = -32000

    /// `{"jsonrpc":"2.0","id":<id as the agent wrote it>,"error":{"code":…,"message":…}}`.
    static func response(id rawID: [UInt8], code: Int = transportCode, message: String) -> [UInt8] {
        let text = (try? JSONSerialization.data(withJSONObject: message, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
            .map { [UInt8]($0) } ?? Array("\"error\"".utf8)
        return Array(#"{"jsonrpc":"2.0","id":"#.utf8) + rawID + Array(#","error":{"code":\#(code),"message":"#.utf8) + text + Array("}}".utf8)
    }
}
