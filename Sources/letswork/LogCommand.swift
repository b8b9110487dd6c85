import ArgumentParser
import LetsworkReview

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List decided changes, newest first.",
        discussion: "The same history is in git: git log refs/letswork/approved, git log refs/letswork/rejected."
    )

    @Flag(help: "Only approved changes.") var approved = false
    @Flag(help: "Only rejected changes.") var rejected = false
    @Option(name: [.customShort("n"), .customLong("max-count")], help: "How many to list.") var count = 20
    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if approved && rejected { throw ValidationError("Give --approved or --rejected, not both (neither lists both kinds).") }
        if count < 1 { throw ValidationError("-n takes a positive number.") }
    }

    func run() throws {
        try reportingErrors {
            let filter: ChangeState? = approved ? .approved : rejected ? .rejected : nil
            let records = try repository.openStore().decisions(filter, limit: count)
            guard !records.isEmpty else { print("No decided changes yet."); return }
            for record in records {
                guard let decision = record.decision else { continue }
                let verdict = record.state == .approved ? Terminal.green("approved") : Terminal.red("rejected")
                var line = "\(Terminal.bold(record.id))  \(verdict) by \(decision.by.name) \(Terminal.age(since: decision.at)) ago  "
                    + "\(record.proposer.name): \(record.summary?.split(separator: "\n").first.map(String.init) ?? record.paths.joined(separator: ", "))"
                if let reason = decision.reason { line += "  — \(reason)" }
                if decision.merged { line += Terminal.dim("  (merged)") }
                print(line)
            }
        }
    }
}
