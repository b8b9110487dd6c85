import GitKit

/// Writes the audit trail: one commit per decided change on `refs/letswork/approved` or
/// `refs/letswork/rejected`, newest at the tip, in a history of its own (it never reaches into
/// the project's history, so plain `git log refs/letswork/approved` shows only decisions).
///
/// Author = the proposer (with the proposal's date), committer = who decided (with the
/// decision's date); the message says what was decided and why, lists the files, and names the
/// revision commit whose `git show` is the change's diff.
struct DecisionRecorder {
    let repository: Repository

    func record(_ change: ChangeRecord, decision: ChangeRecord.Decision, verdict: ChangeState,
                revision: Commit, files: [FileDiff], parent: String?) throws -> ObjectID {
        var lines: [String] = [revision.subject, ""]
        let when = UTCTimestamp.iso8601(decision.at)
        switch verdict {
        case .rejected:
            lines.append("Rejected by \(decision.by.name) on \(when).")
            if let reason = decision.reason, !reason.isEmpty { lines += ["", "Reason:", reason] }
        default:
            var sentence = "Approved by \(decision.by.name) on \(when)"
            if decision.forced { sentence += ", taking the proposed version over the host's edits" }
            else if decision.merged { sentence += ", merged with the host's own edits" }
            lines.append(sentence + ".")
            if let skipped = decision.skippedPaths, !skipped.isEmpty {
                lines.append("Finished after an interruption; left as the host had changed them since: \(skipped.joined(separator: ", ")).")
            }
            if let commit = decision.hostCommit { lines.append("Committed to the host's branch as \(commit).") }
        }
        lines += ["", "Files:"]
        lines += files.map { "  \(Self.letter($0.status)) \($0.path) (+\($0.additions) -\($0.deletions))" }
        lines += ["", "Proposed by \(change.proposer.name) as revision \(change.revisionNumber) of change \(change.id).",
                  "Its diff: git show \(revision.id.hex)", ""]
        lines += ["Change-Id: \(change.id)", "Proposal: \(revision.id.hex)", "Decision: \(verdict.rawValue)",
                  "Decided-by: \(decision.by.name) <\(decision.by.email)>"]
        if let reason = decision.reason, !reason.isEmpty {
            lines.append("Reason: " + reason.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        let tree = try repository.emptyTree()
        let author = Signature(name: revision.author.name, email: revision.author.email,
                               time: change.submittedAt)
        let parents = parent.flatMap(ObjectID.init(hex:)).map { [$0] } ?? []
        return try repository.createCommit(tree: tree, parents: parents, author: author,
                                           committer: decision.by.signature(at: decision.at),
                                           message: lines.joined(separator: "\n") + "\n")
    }

    static func letter(_ status: FileDiff.Status) -> String {
        switch status {
        case .added: "A"
        case .deleted: "D"
        case .renamed: "R"
        case .modified, .typeChanged: "M"
        }
    }
}
