import Foundation
import LetsworkTestSupport
import Testing

@Suite("letswork start refuses what it cannot do, in one clear line and a non-zero exit")
struct RefusalTests {
    static let loopback = ["start", "--port", "0", "--no-launch", "--tunnel", "none"]

    @Test("--tunnel cloudflared without cloudflared installed: the install hint")
    func cloudflaredRequired() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let run = try await letswork(["start", "--port", "0", "--no-launch", "--tunnel", "cloudflared"],
                                         in: repo.path, fakes: .none, scratch: scratch)
            #expect(run.status != 0)
            #expect(run.errors.contains("cloudflared is not installed"))
            #expect(run.errors.contains("Install cloudflared") && run.errors.contains("--public-url"))
            #expect(!run.output.contains("letswork join"))
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
        }
    }

    @Test("a second start while one runs: already running, and the first is untouched")
    func secondStart() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let first = try await RunningSession.start(in: repo.path, scratch: scratch)
            defer { first.process.killIfRunning() }
            let second = try await letswork(Self.loopback, in: repo.path, scratch: scratch)
            #expect(second.status != 0)
            #expect(second.errors.contains("already running"))
            #expect(second.errors.contains("pid \(first.state.pid)"))
            #expect(first.process.process.isRunning)
            #expect(StateFile.read(in: repo.path)?.pid == first.state.pid)
            first.process.send(SIGTERM)
            #expect(try await first.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }

    @Test("a busy port: the error suggests --port")
    func busyPort() async throws {
        try await TemporaryRepository.withAsync { repo in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let busy = try BusyPort()
            let run = try await letswork(["start", "--port", "\(busy.port)", "--no-launch", "--tunnel", "none"],
                                         in: repo.path, scratch: scratch)
            #expect(run.status != 0)
            #expect(run.errors.contains("--port"), "stderr: \(run.errors)")
            #expect(run.errors.contains("\(busy.port)"))
            #expect(!FileManager.default.fileExists(atPath: StateFile.path(in: repo.path)))
            #expect(!scratch.fakeCalls.contains { $0.starts(with: ["claude", "mcp", "add"]) })
            withExtendedLifetime(busy) {}
        }
    }

    @Test("outside a git repository: one line that mentions --init, and nothing created")
    func outsideRepository() async throws {
        try await withPlainFolder(files: ["notes.txt": "hi\n"]) { folder in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let run = try await letswork(Self.loopback, in: folder, scratch: scratch)
            #expect(run.status != 0)
            #expect(run.errors.contains("--init"))
            #expect(run.errors.split(separator: "\n").count == 1, "stderr: \(run.errors)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/.git"))
        }
    }

    @Test("--init in a plain folder makes the repository with a first commit, then starts")
    func initializes() async throws {
        try await withPlainFolder(files: ["notes.txt": "hi\n", ".gitignore": "*.log\n", "debug.log": "noise\n"]) { folder in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // A git identity of its own, so the test does not depend on the machine's.
            try "[user]\n\tname = Init Host\n\temail = init@example.com\n".write(toFile: scratch.path + "/.gitconfig", atomically: true, encoding: .utf8)
            let session = try await RunningSession.start(in: folder, ["--init", "--tunnel", "none"], scratch: scratch,
                                                         environment: ["HOME": scratch.path, "XDG_CONFIG_HOME": scratch.path + "/.config"])
            defer { session.process.killIfRunning() }
            let repo = TemporaryRepository(path: folder)
            #expect(try repo.log("HEAD", format: "%s").count == 1)
            let files = try repo.git("ls-files").split(separator: "\n")
            #expect(files.contains("notes.txt") && files.contains(".gitignore"))
            #expect(!files.contains("debug.log"))
            // fsck succeeds (it throws otherwise); it reports nothing but dangling objects.
            let fsck = try repo.git("fsck", "--no-progress").split(separator: "\n")
            #expect(fsck.allSatisfy { $0.hasPrefix("dangling ") }, "git fsck: \(fsck)")
            session.process.send(SIGTERM)
            #expect(try await session.process.waitForExit(timeout: .seconds(20)) == 0)
        }
    }
}
