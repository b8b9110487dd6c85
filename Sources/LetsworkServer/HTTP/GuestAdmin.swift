import Foundation
import HTTPTypes
import Hummingbird

/// The host's admin route, for `letswork invite` and `letswork revoke` on a running session:
///
/// - `POST /letswork/guests` with `{"name": "bob", "read_only": false}` (both optional) adds a
///   guest and answers `{"id", "name", "role", "token"}`;
/// - `DELETE /letswork/guests/NAME` revokes that guest's token (its next request gets 401) and
///   ends its MCP sessions at once.
///
/// Only the host's token, and only from this machine: the `Host` must be a loopback name and the
/// request must not have come through a proxy (the tunnel forwards to 127.0.0.1 too, but keeps
/// the public `Host` and adds forwarding headers). The token check has already run.
struct GuestAdmin {
    static let path = "/letswork/guests"
    private static let forwardingHeaders = ["cf-connecting-ip", "cf-ray", "x-forwarded-for", "x-forwarded-host", "forwarded"]

    let tokens: TokenRegistry
    let store: SessionStore

    func respond(to request: IncomingRequest, principal: Principal) async throws -> OutgoingResponse {
        let host = request.head.authority.flatMap(HostPolicy.hostname(fromAuthority:))
        let forwarded = Self.forwardingHeaders.contains { name in HTTPField.Name(name).map { request.headers[$0] != nil } ?? false }
        guard let host, ["127.0.0.1", "localhost", "::1"].contains(host), !forwarded else {
            return Reply.problem(.forbidden, "Forbidden: guests are managed from the host's machine only (letswork invite / letswork revoke).")
        }
        guard principal.role == .host else {
            return Reply.problem(.forbidden, "Forbidden: only the host can invite or revoke guests.")
        }
        let rest = request.uri.path.dropFirst(Self.path.count)
        switch (request.method, rest.isEmpty || rest == "/") {
        case (.post, true): return try await invite(request)
        case (.delete, false) where rest.hasPrefix("/"):
            let name = String(rest.dropFirst()).removingPercentEncoding ?? String(rest.dropFirst())
            return await revoke(name)
        default:
            return Reply.problem(.methodNotAllowed, "Use POST \(Self.path) to invite a guest and DELETE \(Self.path)/NAME to revoke one.")
        }
    }

    private func invite(_ request: IncomingRequest) async throws -> OutgoingResponse {
        let body = try await request.body.collect(upTo: 64 * 1024)
        let fields = body.readableBytes == 0 ? [:] : (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        guard let fields else {
            return Reply.problem(.badRequest, "Bad Request: send a JSON object such as {\"name\": \"bob\", \"read_only\": false}.")
        }
        let role: Role = (fields["read_only"] as? Bool) == true ? .readOnlyGuest : .guest
        let issued: IssuedToken
        do {
            if let name = fields["name"] as? String {
                issued = try await tokens.addGuest(named: name, role: role)
            } else {
                issued = try await nextFreeName(role: role)
            }
        } catch let error as TokenRegistryError {
            return Reply.problem(error.code == .nameTaken ? .conflict : .badRequest, "Cannot invite: \(error.message).")
        }
        let answer: [String: Any] = ["id": issued.principal.id, "name": issued.principal.displayName,
                                     "role": issued.principal.role.description, "token": issued.token.secret]
        return Self.json(answer)
    }

    /// guest-2, guest-3, …: the first name nobody holds.
    private func nextFreeName(role: Role) async throws -> IssuedToken {
        for number in 2...1000 {
            do { return try await tokens.addGuest(named: "guest-\(number)", role: role) } catch let error as TokenRegistryError where error.code == .nameTaken { continue }
        }
        throw TokenRegistryError(.nameTaken, "every default guest name is taken; give one with --name")
    }

    private func revoke(_ name: String) async -> OutgoingResponse {
        guard let principal = await tokens.revoke(named: name) else {
            let names = await tokens.principals.filter { $0.role != .host }.map(\.displayName)
            return Reply.problem(.notFound, "No guest is named \"\(name)\". Guests now: \(names.isEmpty ? "none" : names.joined(separator: ", ")).")
        }
        await store.endAll(of: principal.id, reason: .ended)
        return Self.json(["revoked": principal.displayName, "id": principal.id, "role": principal.role.description])
    }

    private static func json(_ object: [String: Any]) -> OutgoingResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return OutgoingResponse(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
