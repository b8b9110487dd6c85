import Foundation
import LetsworkTestSupport
import LetsworkTools
import LetsworkProtocol
import Testing

@Suite("The path sandbox, through the tools")
struct SandboxTests {
    static let escapes: [String] = [
        "../outside.txt", "/etc/passwd", "a/../../outside.txt", "%2e%2e/outside.txt".removingPercentEncoding!,
        ".git/config", ".git/hooks/pre-commit", "sub/.GIT/config", ".env", "config/.env.local", "keys/server.pem",
        "tls/private.key", "id_rsa", "home/.ssh/known_hosts", "a\u{0}b", String(repeating: "x/", count: 600) + "f",
        "secret/token.txt",  // matches .letsworkignore
    ]

    @Test("every escape is refused for read_file and write_file, and nothing is written")
    func escapesAreRefused() async throws {
        try await ToolHarness.with(files: ["README.md": "hi\n", ".letsworkignore": "secret/\n", "secret/token.txt": "s3cr3t\n"]) { harness in
            for path in Self.escapes {
                for caller in [guestCaller, hostCaller] {
                    let read = try await harness.call("read_file", ["path": .string(path)], as: caller)
                    #expect(read.isError, "read_file \(path.debugDescription) as \(caller.id)")
                    #expect(!read.text.contains("s3cr3t") && !read.text.contains(harness.repo.path))
                    let write = try await harness.call("write_file", ["path": .string(path), "content": "pwned\n"], as: caller)
                    #expect(write.isError, "write_file \(path.debugDescription) as \(caller.id)")
                    #expect(!write.text.contains(harness.repo.path))
                }
            }
            #expect(try harness.repo.log("HEAD..refs/letswork/pending").isEmpty)
            #expect(try harness.repo.git("status", "--porcelain").isEmpty)
        }
    }

    @Test("symbolic links that lead out are refused for reads and writes, including links to folders")
    func symlinks() async throws {
        try await ToolHarness.with { harness in
            let outside = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-out-\(UUID().uuidString.prefix(6))").path
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try "outside secret\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: harness.repo.path + "/link.txt", withDestinationPath: outside + "/secret.txt")
            try FileManager.default.createSymbolicLink(atPath: harness.repo.path + "/linked", withDestinationPath: outside)
            for caller in [guestCaller, hostCaller] {
                try await harness.expectError("read_file", ["path": "link.txt"], as: caller, containing: "symbolic link")
                try await harness.expectError("read_file", ["path": "linked/secret.txt"], as: caller, containing: "symbolic link")
                try await harness.expectError("write_file", ["path": "linked/new.txt", "content": "x\n"], as: caller, containing: "symbolic link")
                try await harness.expectError("write_file", ["path": "link.txt", "content": "x\n"], as: caller, containing: "symbolic link")
            }
            #expect(!FileManager.default.fileExists(atPath: outside + "/new.txt"))
            #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "outside secret\n")
            // A link inside the repository to a file inside it is listed, but never followed.
            let listing = try await harness.call("list_files", [:], as: guestCaller)
            #expect(listing.text.contains("link.txt  (symbolic link, not followed)"))
        }
    }

    @Test("oversized, binary and mistyped input get clear errors")
    func badInput() async throws {
        try await ToolHarness.with { harness in
            try harness.repo.writeBytes("image.bin", [0x89, 0x50, 0x00, 0x01])
            try await harness.expectError("read_file", ["path": "image.bin"], as: guestCaller, containing: "binary")
            let big = String(repeating: "a", count: (1 << 20) + 1)
            try await harness.expectError("write_file", ["path": "big.txt", "content": .string(big)], as: guestCaller, containing: "1 MiB")
            try await harness.expectError("write_file", ["path": .int(3), "content": "x"], as: guestCaller, containing: "must be a string")
            try await harness.expectError("write_file", ["path": "a.txt"], as: guestCaller, containing: "needs the argument 'content'")
            try await harness.expectError("list_files", ["recursive": "yes"], as: guestCaller, containing: "true or false")
            try await harness.expectError("approve_change", ["change_id": "../../x"], as: hostCaller, containing: "not a change id")
            await #expect(throws: RPCError.self) { try await harness.collaboration.call("rm_rf", arguments: [:], as: hostCaller) }
        }
    }
}
