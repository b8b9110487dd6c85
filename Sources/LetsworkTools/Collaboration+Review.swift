import Foundation
import LetsworkReview
import LetsworkProtocol

extension Collaboration {
    struct PendingSummary: StructuredContent {
        let change_id: String
        let proposer: String
        let summary: String?
        let revision: Int
        let paths: [String]
        let additions: Int
        let deletions: Int
        let status: String?
        let diff: String

        var structured: JSONValue {
            ["change_id": .string(change_id), "proposer": .string(proposer), "summary": summary.value,
             "revision": .int(revision), "paths": paths.structured, "additions": .int(additions),
             "deletions": .int(deletions), "status": status.value, "diff": .string(diff)]
        }
    }

    func pendingChanges(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let offset = try arguments.optionalInt("offset", minimum: 0) ?? 0
        let whole = try pendingChanges(caller)
        guard offset > 0 || whole.text.utf8.count > ResultPage<String>.budget else { return whole }
        // Too long for one result (large diffs): pages of lines, the diffs only in the text.
        let lines = Self.lines(of: whole.text)
        guard offset < lines.count else {
            throw ToolFailure("get_pending_changes: offset \(offset) is past the end of the listing (\(lines.count) lines); call it without offset.")
        }
        let page = ResultPage(lines, from: offset) { $0.utf8.count }
        var text = page.items.joined()
        if !text.hasSuffix("\n") { text += "\n" }
        text += "[letswork: \(page.range("lines")) of the pending changes\(page.next.map { "; more follows: call get_pending_changes with offset=\($0)" } ?? "")]"
        var changes = whole.structured?.objectValue?["changes"]?.arrayValue ?? []
        changes = changes.map { change in
            guard var object = change.objectValue else { return change }
            object["diff"] = .null
            return .object(object)
        }
        return ToolOutput(text: text, structured: ["changes": .array(changes), "offset": .int(page.start), "lines": .int(lines.count),
                                                   "next_offset": page.next.map { .int($0) } ?? .null])
    }

    func pendingChanges(_ caller: Caller) throws -> ToolOutput {
        let changes = try store.pendingChanges(withStatus: caller.isHost)
        guard !changes.isEmpty else {
            return ToolOutput(text: "No pending changes.", structured: ["changes": []])
        }
        let now = clock()
        var sections: [String] = []
        var summaries: [PendingSummary] = []
        for change in changes.reversed() {
            let record = change.record
            let status = change.status.map(Self.describe)
            let diff = change.files.map(\.patch).joined()
            var header = "Change \(record.id) by \(record.proposer.name), revision \(record.revisionNumber), \(Self.ago(now - record.updatedAt))"
            if let summary = record.summary { header += "\n\(summary)" }
            header += "\nFiles: " + change.files.map { "\($0.path) (+\($0.additions) -\($0.deletions))" }.joined(separator: ", ")
            if let status { header += "\nStatus: \(status)" }
            sections.append(header + "\n\n" + diff)
            summaries.append(PendingSummary(change_id: record.id, proposer: record.proposer.name, summary: record.summary,
                                            revision: record.revisionNumber, paths: record.paths, additions: change.additions,
                                            deletions: change.deletions, status: status, diff: diff))
        }
        var text = "\(changes.count) pending change\(changes.count == 1 ? "" : "s"), newest first.\n\n" + sections.joined(separator: "\n")
        if caller.isHost { text += "\nApprove with approve_change(change_id) or reject with reject_change(change_id, reason)." }
        return ToolOutput(text: text, structured: ["changes": summaries.structured])
    }

    struct MyChange: StructuredContent {
        let change_id: String
        let state: String
        let revision: Int
        let paths: [String]
        let summary: String?
        let reason: String?
        let merged: Bool?
        let conflicting_paths: [String]?

        var structured: JSONValue {
            ["change_id": .string(change_id), "state": .string(state), "revision": .int(revision),
             "paths": paths.structured, "summary": summary.value, "reason": reason.value,
             "merged": merged.map { .bool($0) } ?? .null, "conflicting_paths": conflicting_paths.map(\.structured) ?? .null]
        }
    }

    func myChanges(_ caller: Caller) throws -> ToolOutput {
        let records = try store.changes(proposedBy: caller.id)
        guard !records.isEmpty else {
            return ToolOutput(text: "You have no changes. Propose one with write_file.", structured: ["changes": []])
        }
        let mine = records.map { record -> MyChange in
            MyChange(change_id: record.id, state: Self.state(of: record), revision: record.revisionNumber, paths: record.paths,
                     summary: record.summary, reason: record.decision?.reason, merged: record.decision?.merged,
                     conflicting_paths: record.state == .pending ? record.conflict?.paths : nil)
        }
        let lines = records.map { record -> String in
            var line = "\(record.id) (\(record.paths.joined(separator: ", ")), revision \(record.revisionNumber)): "
            switch record.state {
            case .pending:
                if let conflict = record.conflict {
                    line += "pending, but it conflicts with the host's edits in \(conflict.paths.joined(separator: ", ")) — read those files again and write them to send a new revision"
                } else {
                    line += "pending, waiting for the host"
                }
            case .approved:
                line += record.decision?.merged == true ? "approved, merged with the host's own edits" : "approved"
            case .rejected:
                line += "rejected" + (record.decision?.reason.map { ": \($0)" } ?? " (no reason given)")
            }
            return line
        }
        return ToolOutput(text: lines.joined(separator: "\n"), structured: ["changes": mine.structured])
    }

    func approve(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireHost(caller, "approve_change")
        let id = try changeID(arguments)
        let force = try arguments.bool("force", default: false)
        let commit = try arguments.bool("commit", default: false)
        switch try await store.serial.approve(id, by: store.host, force: force, commitToBranch: commit, then: await followUpTelling()) {
        case .approved(let report):
            for lock in locks.release(paths: report.written + report.deleted, heldBy: report.proposer.id) {
                hooks.feed(FeedEvent(kind: .lock, message: "🔓 \(lock.holderName)'s lock on \(lock.path) released with the decision"))
            }
            let merged = report.merged.isEmpty ? "" : " (merged with your edits in \(report.merged.joined(separator: ", ")))"
            hooks.feed(FeedEvent(kind: .decision, message: "✅ approved \(id) from \(report.proposer.name)\(merged)"))
            var text = "Approved change \(id) from \(report.proposer.name): wrote \(report.written.count) file(s)"
            if !report.deleted.isEmpty { text += ", deleted \(report.deleted.count)" }
            text += merged + "."
            if let commit = report.hostCommit { text += " Committed as \(commit.prefix(12))." }
            return ToolOutput(text: text, structured: [
                "change_id": .string(id), "approved": true,
                "written": .array(report.written.map { .string($0) }), "deleted": .array(report.deleted.map { .string($0) }),
                "merged": .array(report.merged.map { .string($0) }), "forced": .array(report.forced.map { .string($0) }),
                "commit": report.hostCommit.map { .string($0) } ?? .null])
        case .conflicted(_, let conflicts):
            let record = try store.details(of: id).record
            var text = "Change \(id) was NOT approved: it conflicts with your edits, so nothing was written and it stays pending. \(record.proposer.name) has been asked to send a new revision; approve_change with force=true takes their version anyway.\n"
            for conflict in conflicts {
                text += "\n\(conflict.path): \(conflict.reason)"
                for hunk in conflict.hunks.prefix(5) {
                    text += "\n  at line \(hunk.line):\n" + hunk.host.prefix(8).map { "    host:     \($0)\n" }.joined()
                        + hunk.proposed.prefix(8).map { "    proposed: \($0)\n" }.joined()
                }
            }
            throw ToolFailure(text)
        }
    }

    func reject(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireHost(caller, "reject_change")
        let id = try changeID(arguments)
        let reason = try arguments.optionalString("reason")
        let record = try await store.serial.reject(id, by: store.host, reason: reason, then: await followUpTelling())
        _ = locks.release(paths: record.paths, heldBy: record.proposer.id)
        hooks.feed(FeedEvent(kind: .decision, message: "❌ rejected \(id) from \(record.proposer.name)" + (record.decision?.reason.map { ": \($0)" } ?? "")))
        return ToolOutput(text: "Rejected change \(id) from \(record.proposer.name). The working tree was not touched.",
                          structured: ["change_id": .string(id), "rejected": true, "reason": record.decision?.reason.map { .string($0) } ?? .null])
    }

    static func describe(_ status: ApplyStatus) -> String {
        switch status {
        case .clean: "applies cleanly"
        case .needsMerge(let paths): "needs a merge with your edits in \(paths.joined(separator: ", ")) (clean)"
        case .conflicts(let conflicts): "conflicts with your edits in \(conflicts.map(\.path).joined(separator: ", "))"
        }
    }

    static func state(of record: ChangeRecord) -> String {
        switch record.state {
        case .pending: record.conflict == nil ? "pending" : "conflicting"
        case .approved: record.decision?.merged == true ? "merged" : "approved"
        case .rejected: "rejected"
        }
    }
}
