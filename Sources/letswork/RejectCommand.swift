import ArgumentParser
import LetsworkReview

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject",
        abstract: "Reject a pending change, optionally saying why.",
        discussion: "The proposer sees the decision and the reason. Example: letswork reject 3f9c2a1b --reason \"keep the old API\""
    )

    @Argument(help: ArgumentHelp("The change's id, as `letswork pending` shows it.", valueName: "change-id"))
    var changeID: String

    @Option(help: "Why, for the proposer and the record.")
    var reason: String?

    @OptionGroup var repository: RepositoryOptions

    func validate() throws { try validateChangeID(changeID) }

    func run() throws {
        try reportingErrors {
            let record = try repository.openStore().reject(changeID, reason: reason)
            print("Rejected \(record.id) from \(record.proposer.name).")
        }
    }
}
