import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn` and a clean signal state.
///
/// Why not Foundation's `Process`: on Linux it passes on the calling thread's signal mask, and
/// Swift concurrency runs us on Dispatch worker threads that block SIGINT and SIGTERM
/// (swift-corelibs-foundation#4772). A cloudflared started that way ignores the SIGTERM meant to
/// stop it, and a Claude Code launched that way ignores Ctrl+C. Here every child starts with an
/// empty signal mask and default handlers, from an executable path and an argument array (no
/// shell ever sees the URL or a token).
final class ChildProcess: Sendable {
    let pid: pid_t
    /// The child's standard output and error, when captured.
    let output: FileHandle?
    private let exit = Once<Int32>()

    private init(pid: pid_t, output: FileHandle?) {
        self.pid = pid
        self.output = output
        // Reap the child on a thread of its own, so it never lingers as a zombie.
        let thread = Thread { [exit] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            exit.resolve(.success(code))
        }
        thread.start()
    }

    /// Starts `executable` in letswork's own working directory (`start` moves it to the
    /// repository root); standard input is /dev/null; output is captured or discarded — unless
    /// `interactive`, where the child shares letswork's terminal (`join` opening Claude Code).
    /// - Throws: ``ValidationErrorMessage`` when the program cannot be started.
    static func spawn(_ executable: String, _ arguments: [String],
                      environment: [String: String] = [:], captureOutput: Bool, interactive: Bool = false) throws -> ChildProcess {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if !interactive { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        var pipe: [Int32] = [-1, -1]
        if interactive {
            // Standard input, output and error stay letswork's own.
        } else if captureOutput {
            guard Glibc.pipe(&pipe) == 0 else { throw ValidationErrorMessage("could not create a pipe: \(String(cString: strerror(errno)))") }
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { variables.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, variables)
        if captureOutput { close(pipe[1]) }
        guard status == 0 else {
            if captureOutput { close(pipe[0]) }
            throw ValidationErrorMessage("could not start \(executable): \(String(cString: strerror(status)))")
        }
        return ChildProcess(pid: pid, output: captureOutput ? FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true) : nil)
    }

    /// Waits for the child to exit and returns its exit status (128 + signal if killed).
    func waitForExit() async -> Int32 {
        (try? await exit.value()) ?? -1
    }

    var hasExited: Bool { exit.isResolved }

    /// The exit status once the child has exited.
    var exitStatus: Int32? { exit.resolvedValue }

    /// SIGTERM, then SIGKILL if it is still running after `grace`.
    func terminate(grace: Duration = .seconds(3)) async {
        guard !hasExited else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while !hasExited && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if !hasExited { kill(pid, SIGKILL) }
        _ = await waitForExit()
    }
}
