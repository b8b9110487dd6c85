import ArgumentParser
import Foundation
import LetsworkReview
import Logging

/// Where the repository is: the one containing the current folder, or `--repo`.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .customLong("repo"), help: ArgumentHelp("A folder inside the repository to use (default: the current folder).", valueName: "path"))
    var folder: String?

    /// Opens the change store.
    /// - Throws: ``ReviewError`` when there is no usable repository.
    func openStore() throws -> ChangeStore {
        var logger = Logger(label: "letswork")
        logger.logLevel = .warning
        Tuning.command.apply()
        return try ChangeStore.open(containing: folder ?? FileManager.default.currentDirectoryPath, logger: logger)
    }
}

/// Runs a subcommand's body, turning the engine's errors into one clear line on stderr and a
/// non-zero exit, instead of a stack of wrapped error descriptions.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ReviewError {
        Terminal.error(error.description)
        throw ExitCode.failure
    }
}

/// Checks a change id argument before anything is opened.
func validateChangeID(_ id: String) throws {
    guard ChangeID.isWellFormed(id) else {
        throw ValidationError("'\(id)' is not a change id: ids are 8 lowercase hexadecimal digits, as `letswork pending` shows them.")
    }
}
