import LetsworkProtocol

/// Makes the MCP dispatcher that answers one participant, whichever era they speak.
///
/// The HTTP layer calls it with the principal a valid bearer token belongs to, so the role comes
/// from the token alone; capture the principal in the service so every call knows who is calling
/// without trusting anything the client says. This module knows nothing of the tools themselves.
public protocol ParticipantFactory: Sendable {
    /// The dispatcher for `principal`. Called once per principal and kept until the principal's
    /// sessions are ended by the host (revocation), so it must not hold per-request state.
    ///
    /// - Throws: Any error; the client gets a JSON-RPC internal error saying so.
    func dispatcher(for principal: Principal) async throws -> MCPDispatcher
}

/// A ``ParticipantFactory`` made from a closure.
public struct ClosureParticipantFactory: ParticipantFactory {
    private let make: @Sendable (Principal) async throws -> MCPDispatcher

    public init(_ make: @escaping @Sendable (Principal) async throws -> MCPDispatcher) {
        self.make = make
    }

    public func dispatcher(for principal: Principal) async throws -> MCPDispatcher {
        try await make(principal)
    }
}
