import ArgumentParser
import LetsworkReview

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Write a pending change into your working tree.",
        discussion: """
            Files you have not touched since the guest saw them get the proposed content; files you
            edited meanwhile get a three-way merge of both edits. If the same lines conflict, nothing
            is written, the change stays pending, and the conflicts are listed (--force takes the
            proposed version anyway). Your HEAD, branch and index are not touched unless --commit.

            Example: letswork approve 3f9c2a1b --commit
            """
    )

    @Argument(help: ArgumentHelp("The change's id, as `letswork pending` shows it.", valueName: "change-id"))
    var changeID: String

    @Flag(help: "Also commit the change onto your current branch, authored by its proposer.")
    var commit = false

    @Flag(help: "On conflict, take the proposed version of the conflicting files over your edits.")
    var force = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws { try validateChangeID(changeID) }

    func run() throws {
        try reportingErrors {
            switch try repository.openStore().approve(changeID, force: force, commitToBranch: commit) {
            case .approved(let report):
                var line = "Approved \(report.changeID) from \(report.proposer.name): wrote \(report.written.count) file(s)"
                if !report.deleted.isEmpty { line += ", deleted \(report.deleted.count)" }
                print(Terminal.green(line + "."))
                if !report.merged.isEmpty { print("Merged with your own edits: \(report.merged.joined(separator: ", "))") }
                if !report.forced.isEmpty { print(Terminal.yellow("Your edits were replaced in: \(report.forced.joined(separator: ", "))")) }
                if let commit = report.hostCommit { print("Committed as \(commit.prefix(12)).") }
            case .conflicted(let id, let conflicts):
                Terminal.error("change \(id) conflicts with your edits; nothing was written and it stays pending.")
                print(Terminal.describe(conflicts))
                print("Ask the proposer to re-read these files and send a new revision, or run `letswork approve \(id) --force` to take their version.")
                throw ExitCode.failure
            }
        }
    }
}
