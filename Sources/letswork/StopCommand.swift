import ArgumentParser
import Foundation
import LetsworkReview

struct StopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop",
        abstract: "Stop this repository's running session (as Ctrl+C in its terminal would).",
        discussion: "Pending changes stay in git; start again with `letswork start`."
    )

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        try reportingErrors {
            let store = try repository.openStore()
            guard let state = SessionState.read(gitDirectory: store.gitDirectory), state.isRunning else {
                SessionState.remove(gitDirectory: store.gitDirectory)
                print("No session is running for this repository.")
                return
            }
            kill(state.pid, SIGTERM)
            // The session removes its state file as it exits; wait for that, up to 15 s.
            for _ in 0..<150 {
                if !state.isRunning || SessionState.read(gitDirectory: store.gitDirectory) == nil {
                    print("Stopped the session (pid \(state.pid)). Pending changes stay in git: letswork pending")
                    return
                }
                usleep(100_000)
            }
            Terminal.error("The session (pid \(state.pid)) did not stop within 15 seconds; stop it with Ctrl+C in its terminal, or kill \(state.pid).")
            throw ExitCode.failure
        }
    }
}
