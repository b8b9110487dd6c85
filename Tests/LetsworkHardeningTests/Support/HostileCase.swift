import Foundation

/// Whose credentials a hostile request carries.
enum Credential: Sendable, Equatable {
    case host, guest, none, wrong, revoked
    /// A literal `Authorization` header value.
    case header(String)
}

/// What a hostile case sends.
enum Probe: Sendable {
    /// A `tools/call` on an MCP session of the host or the guest; `arguments` is the JSON text of
    /// the arguments object (so any JSON can be sent, wrong types included).
    case tool(Credential, String, arguments: String)
    /// A raw JSON-RPC text on an MCP session of `credential`'s principal.
    case message(Credential, String)
    /// A raw HTTP request: the test controls every header and byte.
    case http(Credential, method: String = "POST", path: String = "/mcp", session: SessionChoice = .none,
              host: String? = nil, extra: [Header] = [], body: [UInt8], declaredLength: Int? = nil)

    enum SessionChoice: Sendable { case none, own, hosts, unknown }
}

struct Header: Sendable {
    let name: String
    let value: String
    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The clear refusal a hostile case must get.
enum Refusal: Sendable {
    /// A tool result with `isError: true` whose text contains the fragment.
    case toolError(String)
    /// An HTTP status, with a JSON-RPC error message (or body) containing the fragment.
    case http(Int, String)
    /// A JSON-RPC error in an HTTP 200 reply, containing the fragment.
    case rpcError(String)
    /// Accepted as a harmless, literal path *inside* the repository: the guest's change names
    /// exactly this path, and nothing outside changes. The test rejects it again afterwards.
    case literalPathInside(String)
    /// Accepted with the dangerous part removed: the reply (and so what the host's terminal
    /// shows) no longer contains the string.
    case sanitized(String)
}

/// One row of the catalogue.
struct HostileCase: Sendable {
    let category: String
    let name: String
    let probe: Probe
    let refusal: Refusal
}
