import GitKit

/// Why the review engine refused or failed. Every message says what happened and what to do.
public enum ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    case notARepository(String)
    case bareRepository(String)
    case noFirstCommit(String)
    case alreadyARepository(String)
    case invalidPath(String, reason: String)
    case contentRefused(RepoPath, reason: String)
    case unsafeOnDisk(RepoPath, reason: String)
    case nothingToPropose(String)
    case unknownChange(String)
    case alreadyDecided(String, state: String)
    case overlapsSeveralChanges([String])
    case busy(String)
    case commitRefused(String)
    case fileSystem(String, operation: String, reason: String)
    case git(GitError)

    public var description: String {
        switch self {
        case .notARepository(let path):
            "\(path) is not inside a git repository. Run letswork inside your project's repository, or run `letswork start --init` to create one with a first commit of this folder's files."
        case .bareRepository(let path):
            "\(path) is a bare git repository, which has no working tree to review changes into. Run letswork in a clone with a working tree."
        case .noFirstCommit(let path):
            "The repository at \(path) has no commit yet, so there is nothing to propose changes against. Commit your files first (git add -A && git commit -m 'Initial commit'), or run `letswork start --init`."
        case .alreadyARepository(let path):
            "\(path) is already inside a git repository; --init only creates a repository where there is none. Run `letswork start` without --init."
        case .invalidPath(let path, let reason):
            "Path \(path) was refused: \(reason)."
        case .contentRefused(let path, let reason):
            "The content for \(path) was refused: \(reason)."
        case .unsafeOnDisk(let path, let reason):
            "\(path) cannot be used: \(reason)."
        case .nothingToPropose(let reason):
            "Nothing to propose: \(reason)."
        case .unknownChange(let id):
            "No change has the id \(id). Run `letswork pending` (or the get_pending_changes tool) to see the ids of pending changes."
        case .alreadyDecided(let id, let state):
            "Change \(id) is already \(state); only pending changes can be approved or rejected. See `letswork log`."
        case .overlapsSeveralChanges(let ids):
            "These files belong to several of your pending changes (\(ids.joined(separator: ", "))); propose them separately, one change at a time."
        case .busy(let reason):
            "\(reason) Try again in a moment."
        case .commitRefused(let reason):
            "--commit was refused: \(reason)."
        case .fileSystem(let path, let operation, let reason):
            "Could not \(operation) \(path): \(reason)."
        case .git(let error):
            "git: \(error.description)"
        }
    }
}

/// Runs `body`, wrapping libgit2 failures as ``ReviewError/git(_:)`` so callers see one error type.
func translatingGitErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as GitError { throw ReviewError.git(error) }
}
