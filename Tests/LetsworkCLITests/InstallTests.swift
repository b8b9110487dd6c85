import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `scripts/install` into a temporary PREFIX, then the installed letswork as a new user meets
/// it: a fresh HOME, and a PATH of only the prefix's bin, the fake claude and cloudflared
/// (Fixtures/bin) and the system folders.
///
/// The install takes the binaries of the test build (`--from-build`) rather than building
/// release, which takes about ten minutes on the CI machine; `--from-build` skips only the build.
@Suite("scripts/install and the installed letswork", .serialized)
struct InstallTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let fakes = packageRoot + "/Fixtures/bin"
    static let buildFolder = URL(fileURLWithPath: letsworkExecutable).deletingLastPathComponent().path

    struct Machine {
        let folder: String
        var prefix: String { folder + "/prefix" }
        var home: String { folder + "/home" }
        var log: String { folder + "/fakes.log" }
        var installed: String { prefix + "/bin/letswork" }

        /// What a user's shell would hand the installed letswork. `pathFirst` goes before the rest.
        func environment(pathFirst: [String] = [], _ extra: [String: String] = [:]) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LETSWORK_") }
            environment["HOME"] = home
            environment["XDG_CONFIG_HOME"] = home + "/.config"
            environment["XDG_DATA_HOME"] = home + "/.local/share"
            environment["PATH"] = (pathFirst + [InstallTests.fakes, "/usr/local/bin", "/usr/bin", "/bin"]).joined(separator: ":")
            environment["SHELL"] = "/bin/bash"
            environment["LETSWORK_FAKE_LOG"] = log
            environment["DISPLAY"] = nil
            environment["WAYLAND_DISPLAY"] = nil
            environment["NO_COLOR"] = "1"
            return environment.merging(extra) { $1 }
        }

        /// Runs the installed letswork with a PATH of its bin, the fakes and the system's.
        func letswork(_ arguments: [String], in folder: String? = nil, _ extra: [String: String] = [:]) throws -> ProcessResult {
            try InstallTests.run(installed, arguments, in: folder ?? home, environment: environment(pathFirst: [prefix + "/bin"], extra))
        }

        /// Every path under the prefix, relative to it.
        func prefixContents() -> [String] {
            (FileManager.default.enumerator(atPath: prefix)?.allObjects as? [String] ?? []).sorted()
        }

        /// The fakes' log: one entry per line, split at tabs.
        var calls: [[String]] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        }
    }

    /// `runProcess` with exactly `environment` (`env -i`: nothing of the test's own).
    static func run(_ executable: String, _ arguments: [String], in folder: String, environment: [String: String]) throws -> ProcessResult {
        try runProcess("/usr/bin/env", ["-i"] + environment.map { "\($0.key)=\($0.value)" } + [executable] + arguments, in: folder)
    }

    static func withInstalled(_ body: (Machine) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-install-\(UUID().uuidString.prefix(8))").path
        let machine = Machine(folder: folder)
        try FileManager.default.createDirectory(atPath: machine.prefix, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: machine.home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let install = try runProcess(packageRoot + "/scripts/install", ["--prefix", machine.prefix, "--from-build", buildFolder],
                                     environment: ["HOME": machine.home, "SHELL": "/bin/bash", "PREFIX": ""])
        try #require(install.status == 0, "scripts/install failed:\n\(install.output)\(install.errors)")
        #expect(install.output.contains("\(machine.prefix)/bin is not on your PATH"), "\(install.output)")
        #expect(install.output.contains("export PATH=\"\(machine.prefix)/bin:$PATH\"' >> ~/.bashrc"), "\(install.output)")
        try await body(machine)
    }

    @Test("installs the two programs, completions and a manifest; --uninstall leaves the prefix as it was")
    func installAndUninstall() async throws {
        try await Self.withInstalled { machine in
            let contents = machine.prefixContents()
            for file in ["bin/letswork", "bin/letswork-proxy", "share/bash-completion/completions/letswork",
                         "share/zsh/site-functions/_letswork", "share/fish/vendor_completions.d/letswork.fish",
                         "share/letswork/install-manifest"] {
                #expect(contents.contains(file), "\(file) not installed: \(contents)")
            }
            let bash = try String(contentsOfFile: machine.prefix + "/share/bash-completion/completions/letswork", encoding: .utf8)
            #expect(bash.contains("doctor") && bash.contains("join"), "the bash completion knows the subcommands")
            let manifest = try String(contentsOfFile: machine.prefix + "/share/letswork/install-manifest", encoding: .utf8)
            #expect(manifest.contains("file \(machine.prefix)/bin/letswork\n"))

            // Something of someone else's in a folder the install made stays, with its folder.
            try "x".write(toFile: machine.prefix + "/share/zsh/site-functions/_other", atomically: true, encoding: .utf8)
            let removed = try runProcess(Self.packageRoot + "/scripts/install", ["--uninstall", "--prefix", machine.prefix])
            #expect(removed.status == 0, "\(removed.output)\(removed.errors)")
            #expect(machine.prefixContents() == ["share", "share/zsh", "share/zsh/site-functions", "share/zsh/site-functions/_other"])
            try FileManager.default.removeItem(atPath: machine.prefix + "/share")

            // Installed again and removed again: nothing at all is left.
            let again = try runProcess(Self.packageRoot + "/scripts/install", ["--prefix", machine.prefix, "--from-build", Self.buildFolder])
            #expect(again.status == 0, "\(again.output)\(again.errors)")
            #expect(try runProcess(Self.packageRoot + "/scripts/install", ["--uninstall", "--prefix", machine.prefix]).status == 0)
            #expect(machine.prefixContents() == [])
            let twice = try runProcess(Self.packageRoot + "/scripts/install", ["--uninstall", "--prefix", machine.prefix])
            #expect(twice.status == 1 && twice.errors.contains("nothing installed"))
        }
    }

    @Test("--version names the version and the commit; doctor outside and inside a repository")
    func versionAndDoctor() async throws {
        try await Self.withInstalled { machine in
            let version = try machine.letswork(["--version"])
            #expect(version.status == 0)
            #expect(version.output.range(of: #"^0\.1\.0 \(commit ([0-9a-f]{7,40}(-dirty)?|unknown)\)\n$"#, options: .regularExpression) != nil,
                    "\(version.output)")

            let outside = try machine.letswork(["doctor", "--port", "0"])
            #expect(outside.status == 1, "\(outside.output)\(outside.errors)")
            let lines = outside.output.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("error    not in a git repository (\(machine.home))") && $0.contains("letswork start --init") }, "\(lines)")
            #expect(lines.contains { $0.range(of: #"^ok       libgit2 \d+\.\d+\.\d+$"#, options: .regularExpression) != nil }, "\(lines)")
            #expect(lines.contains("ok       cloudflared 2025.1.0 (\(Self.fakes)/cloudflared)"), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("warning  Claude Code 2.0.0 (\(Self.fakes)/claude) has no channels, which need 2.1.80 or later") }, "\(lines)")
            #expect(lines.last == "A session cannot start here until the errors above are fixed.")

            try TemporaryRepository.with { repository in
                let port = try freeLoopbackPort()
                let inside = try machine.letswork(["doctor", "--port", String(port)], in: repository.path, ["LETSWORK_FAKE_CLAUDE_VERSION": "2.1.80"])
                #expect(inside.status == 0, "\(inside.output)\(inside.errors)")
                let lines = inside.output.split(separator: "\n").map(String.init)
                let root = URL(fileURLWithPath: repository.path).resolvingSymlinksInPath().path
                #expect(lines.contains { $0.hasPrefix("ok       repository \(root)/ (branch ") }, "\(lines)")
                #expect(lines.contains("ok       no session running in this repository"), "\(lines)")
                #expect(lines.contains("ok       \(root)/.git/letswork is writable"), "\(lines)")
                #expect(lines.contains("ok       port \(port) on 127.0.0.1 is free"), "\(lines)")
                #expect(lines.contains("ok       Claude Code 2.1.80 (\(Self.fakes)/claude), with channels"), "\(lines)")
                #expect(lines.last == "Ready: letswork start")

                // Without cloudflared and Claude Code, a session still starts: warnings, exit 0.
                let bare = try Self.run(machine.installed, ["doctor", "--port", "0"], in: repository.path,
                                        environment: machine.environment(pathFirst: [machine.prefix + "/bin"], ["PATH": machine.prefix + "/bin:/usr/bin:/bin"]))
                #expect(bare.status == 0, "\(bare.output)")
                #expect(bare.output.contains("warning  cloudflared is not installed"))
                #expect(bare.output.contains("warning  Claude Code (claude) is not installed"))
            }
        }
    }

    @Test("a session started and joined with the installed letswork registers the installed path; a build folder's join says why not")
    func startAndJoin() async throws {
        try await Self.withInstalled { machine in
            try await TemporaryRepository.withAsync { repository in
                let session = try Session(machine: machine, repository: repository.path)
                defer { session.stop() }
                let box = try await session.waitForBox()
                #expect(box.contains("letswork join https://fake-words-here.trycloudflare.com --token \(session.guestToken)"), "\(box)")
                #expect(box.contains("claude mcp add --transport http letswork https://fake-words-here.trycloudflare.com/mcp --header \"Authorization: Bearer \(session.guestToken)\""), "\(box)")

                // A running session: doctor says a new one cannot start, and why.
                let busy = try machine.letswork(["doctor", "--port", String(session.port)], in: repository.path)
                #expect(busy.status == 1)
                #expect(busy.output.contains("error    a session is already running here (pid \(session.process.processIdentifier)"), "\(busy.output)")
                #expect(busy.output.contains("error    port \(session.port) on 127.0.0.1 is in use"), "\(busy.output)")

                // The fake tunnel forwards nothing: the guest joins at the loopback address.
                let joined = try machine.letswork(["join", "http://127.0.0.1:\(session.port)", "--token", session.guestToken, "--no-launch"])
                #expect(joined.status == 0, "\(joined.output)\(joined.errors)")
                #expect(!joined.errors.contains("build folder"))
                #expect(try Self.registeredExecutable(machine) == machine.installed)

                // This build's letswork, with the installed one on PATH: the installed one is registered.
                let fromBuild = try Self.run(letsworkExecutable, ["join", "http://127.0.0.1:\(session.port)", "--token", session.guestToken, "--no-launch"],
                                             in: machine.home, environment: machine.environment(pathFirst: [machine.prefix + "/bin"]))
                #expect(fromBuild.status == 0, "\(fromBuild.output)\(fromBuild.errors)")
                #expect(fromBuild.output.contains("Registered the installed \(machine.installed), not this build's"), "\(fromBuild.output)")
                #expect(try Self.registeredExecutable(machine) == machine.installed)

                // Nothing installed on PATH: the build's own path, and a warning naming scripts/install.
                let uninstalled = try Self.run(letsworkExecutable, ["join", "http://127.0.0.1:\(session.port)", "--token", session.guestToken, "--no-launch"],
                                               in: machine.home, environment: machine.environment())
                #expect(uninstalled.status == 0, "\(uninstalled.output)\(uninstalled.errors)")
                #expect(uninstalled.errors.contains("letswork: warning: letswork runs from a build folder"), "\(uninstalled.errors)")
                #expect(uninstalled.errors.contains("scripts/install"))
                #expect(try Self.registeredExecutable(machine) == URL(fileURLWithPath: letsworkExecutable).resolvingSymlinksInPath().path)
            }
        }
    }

    /// The executable of the last `claude mcp add … -- EXE proxy --url URL` the fake recorded.
    static func registeredExecutable(_ machine: Machine) throws -> String {
        let add = try #require(machine.calls.last { $0.starts(with: ["claude", "mcp", "add", "--scope", "user", "letswork"]) }, "\(machine.calls)")
        let separator = try #require(add.firstIndex(of: "--"))
        #expect(Array(add[(separator + 2)...].prefix(2)) == ["proxy", "--url"])
        return add[separator + 1]
    }

    /// The installed `letswork start --tunnel cloudflared --no-launch --port 0`, against the fake cloudflared.
    final class Session: @unchecked Sendable {
        // @unchecked Sendable: `process` is configured before `run()` and afterwards only used
        // through Foundation's thread-safe accessors; the other fields are immutable.
        let process = Process()
        let output: String
        let statePath: String
        private(set) var port = 0
        private(set) var guestToken = ""

        init(machine: Machine, repository: String) throws {
            output = machine.folder + "/start.log"
            statePath = repository + "/.git/letswork/session.json"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            defer { try? handle.close() }
            process.executableURL = URL(fileURLWithPath: machine.installed)
            process.arguments = ["start", "--tunnel", "cloudflared", "--no-launch", "--port", "0"]
            process.currentDirectoryURL = URL(fileURLWithPath: repository)
            process.environment = machine.environment(pathFirst: [machine.prefix + "/bin"])
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits (bounded) for the session box, then reads the port and token from the state file.
        func waitForBox() async throws -> String {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline && process.isRunning {
                let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if text.contains("Press Ctrl+C"), let data = FileManager.default.contents(atPath: statePath),
                   let state = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                   let port = state["port"] as? Int, let token = state["guestToken"] as? String {
                    self.port = port
                    guestToken = token
                    return text
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw InstallTestFailure("letswork start did not show its box:\n" + ((try? String(contentsOfFile: output, encoding: .utf8)) ?? ""))
        }

        func stop() {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }
}

struct InstallTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

