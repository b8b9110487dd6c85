import ArgumentParser
import Foundation
import LetsworkReview

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show this repository's running session: address, join command, pending changes.",
        discussion: "Reads .git/letswork/session.json, which `letswork start` writes (readable by you only) and removes on exit."
    )

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        try reportingErrors {
            let store = try repository.openStore()
            guard let state = SessionState.read(gitDirectory: store.gitDirectory) else {
                print("No session is running for this repository. Start one with `letswork start`.")
                throw ExitCode(3)
            }
            guard state.isRunning else {
                SessionState.remove(gitDirectory: store.gitDirectory)
                print("No session is running (the last one, pid \(state.pid), ended without cleaning up; its state file was removed).")
                throw ExitCode(3)
            }
            print(Terminal.bold("Session on \(store.displayName)") + " — running for \(Terminal.age(since: Int64(state.startedAt.timeIntervalSince1970))) (pid \(state.pid))")
            print("Server:  \(state.localURL) (loopback)")
            print("Public:  \(state.publicURL ?? "none (loopback only)")")
            print("Join:    letswork join \(state.publicURL ?? state.localURL) --token \(state.guestToken)")
            print("Pending: \(try store.pendingCount()) change(s) — letswork pending")
        }
    }
}
