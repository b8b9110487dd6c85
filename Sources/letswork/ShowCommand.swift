import ArgumentParser
import LetsworkReview

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one change (pending or decided) and its diff.",
        discussion: "Example: letswork show 3f9c2a1b"
    )

    @Argument(help: ArgumentHelp("The change's id, as `letswork pending` shows it.", valueName: "change-id"))
    var changeID: String

    @OptionGroup var repository: RepositoryOptions

    func validate() throws { try validateChangeID(changeID) }

    func run() throws {
        try reportingErrors {
            let details = try repository.openStore().details(of: changeID)
            let record = details.record
            print(Terminal.bold("change \(record.id)") + "  revision \(record.revisionNumber)  commit \(details.commit)")
            print("Proposed by \(record.proposer.name), \(Terminal.age(since: record.updatedAt)) ago")
            switch record.state {
            case .pending: print("State: pending")
            case .approved: print("State: " + Terminal.green("approved by \(record.decision?.by.name ?? "host")"))
            case .rejected:
                print("State: " + Terminal.red("rejected by \(record.decision?.by.name ?? "host")")
                      + (record.decision?.reason.map { ": \($0)" } ?? ""))
            }
            if let summary = record.summary { print("\n    " + summary.split(separator: "\n").joined(separator: "\n    ")) }
            print("")
            print(Terminal.colorDiff(details.patch), terminator: "")
        }
    }
}
