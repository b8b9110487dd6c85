import ArgumentParser
import LetsworkReview

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List the changes waiting for your review.",
        discussion: "Each line: id, proposer, files, added/removed lines, age, and whether it applies cleanly to your working tree now, needs a merge with your edits, or conflicts."
    )

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        try reportingErrors {
            let changes = try repository.openStore().pendingChanges(withStatus: true)
            guard !changes.isEmpty else { print("No pending changes."); return }
            for change in changes.reversed() {
                let record = change.record
                let revision = record.revisionNumber > 1 ? " (revision \(record.revisionNumber))" : ""
                print("\(Terminal.bold(record.id))  \(record.proposer.name)  \(record.paths.joined(separator: ", "))  "
                      + "\(Terminal.green("+\(change.additions)")) \(Terminal.red("-\(change.deletions)"))  "
                      + "\(Terminal.age(since: record.updatedAt)) ago\(revision)  \(Terminal.describe(change.status))")
                if let summary = record.summary { print("          \(summary.split(separator: "\n").first ?? "")") }
            }
        }
    }
}
