import Foundation
import LetsworkTestSupport
import Testing

/// The proxy reads its token from a file only its owner can read, or the environment.
@Suite("Token sources")
struct TokenSourceTests {
    @Test("a token file readable by others is refused with the fix; at 0600 it is used")
    func tokenFileMode() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-token-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/token"
        try "secret-token\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        let port = try freeLoopbackPort()
        let refused = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(port)", "--token-file", file], environment: [:])
        defer { refused.kill() }
        #expect(try await refused.closeInput() == 1)
        #expect(refused.errors.contains("readable by others"))
        #expect(refused.errors.contains("chmod 600 \(file)"))
        #expect(refused.allLines.isEmpty, "nothing but JSON-RPC on stdout")

        chmod(file, 0o600)
        let accepted = try StdioClient(["proxy", "--url", "http://127.0.0.1:\(port)"], environment: ["LETSWORK_TOKEN_FILE": file])
        defer { accepted.kill() }
        #expect(try await accepted.closeInput() == 0, "\(accepted.errors)")
    }

    @Test("no token anywhere: exit 1 with what to set")
    func noToken() async throws {
        let client = try StdioClient(["proxy", "--url", "http://127.0.0.1:9"], environment: [:])
        defer { client.kill() }
        #expect(try await client.closeInput() == 1)
        #expect(client.errors.contains("LETSWORK_TOKEN"))
    }
}
