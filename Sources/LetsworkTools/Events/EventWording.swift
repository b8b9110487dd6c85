import LetsworkReview

/// What each event says: one sentence an agent can act on, and the same facts as meta.
enum EventWording {
    /// The events between two views of the ledger, each with its recipients (``Collaboration/otherGuests``
    /// stands for the author's fellow guests).
    static func news(from old: LedgerView, to new: LedgerView, store: ChangeStore, hostName: String) throws -> [(EventDraft, [String])] {
        var news: [(EventDraft, [String])] = []
        let before = Dictionary(old.pending.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in new.pending {
            let earlier = before[record.id]
            if earlier == nil || earlier!.revisionNumber < record.revisionNumber {
                guard let change = try store.pendingChange(record.id, patchText: false) else { continue }
                news.append((proposed(change, forHost: true), ["host"]))
                news.append((proposed(change, forHost: false), [Collaboration.otherGuests]))
            }
            if let conflict = record.conflict, conflict.at != earlier?.conflict?.at || earlier?.conflict == nil {
                news.append((conflicting(record, files: conflict.paths), [record.proposer.id]))
            }
        }
        for record in try store.decisions(after: old, upTo: new) {
            news.append((decided(record, hostName: hostName), [record.proposer.id]))
        }
        return news
    }

    static func proposed(_ change: PendingChange, forHost: Bool) -> EventDraft {
        let record = change.record
        let files = record.paths.joined(separator: ", ")
        let size = "+\(change.additions) −\(change.deletions)"
        let what = record.revisionNumber > 1 ? "revision \(record.revisionNumber) of change \(record.id)" : "change \(record.id)"
        let verb = record.revisionNumber > 1 ? "sent" : "proposed"
        let summary = record.summary.map { " \"\(clip($0, 80))\"" } ?? ""
        let text = forHost
            ? "\(record.proposer.name) \(verb) \(what)\(summary): \(files) (\(size)), \(describe(change.status)) — review with get_pending_changes"
            : "\(record.proposer.name) \(verb) \(what)\(summary): \(files) (\(size)); it waits for the host's review — re-read those files before you edit them"
        var meta = base(record)
        meta["additions"] = String(change.additions)
        meta["deletions"] = String(change.deletions)
        meta["applies"] = applies(change.status)
        return EventDraft(record.revisionNumber > 1 ? .changeRevised : .changeProposed, text, meta: meta)
    }

    static func conflicting(_ record: ChangeRecord, files: [String]) -> EventDraft {
        var meta = base(record)
        meta["files"] = files.joined(separator: ",")
        meta["state"] = "conflicting"
        return EventDraft(.changeConflicting,
                          "Your change \(record.id) conflicts with the host's edits in \(files.joined(separator: ", ")): read those files again and write them to send a new revision",
                          meta: meta)
    }

    static func decided(_ record: ChangeRecord, hostName: String) -> EventDraft {
        var meta = base(record)
        let files = record.paths.joined(separator: ", ")
        guard record.state == .approved else {
            let reason = record.decision?.reason
            if let reason { meta["reason"] = reason }
            return EventDraft(.changeRejected,
                              "The host rejected your change \(record.id)" + (reason.map { ": \($0)" } ?? " without giving a reason") + ". Nothing of it (\(files)) was written.",
                              meta: meta)
        }
        let merged = record.decision?.merged == true
        meta["merged"] = merged ? "true" : "false"
        if let skipped = record.decision?.skippedPaths, !skipped.isEmpty { meta["skipped"] = skipped.joined(separator: ",") }
        return EventDraft(.changeApproved,
                          "The host approved your change \(record.id) (\(files))" + (merged ? ", merged with the host's own edits — re-read those files before editing them again" : "") + ".",
                          meta: meta)
    }

    static func hostEdited(_ change: PendingChange, files: [String]) -> EventDraft {
        var meta = base(change.record)
        meta["files"] = files.joined(separator: ",")
        meta["applies"] = applies(change.status)
        let advice: String = switch change.status {
        case .conflicts?: "it now conflicts: read \(files.joined(separator: ", ")) again and write it to send a new revision"
        case .needsMerge?: "it still applies with a merge"
        default: "it still applies cleanly"
        }
        return EventDraft(.changeHostEdited,
                          "The host edited \(files.joined(separator: ", ")), which your change \(change.record.id) also changes; \(advice).",
                          meta: meta)
    }

    /// Facts every change event carries.
    private static func base(_ record: ChangeRecord) -> [String: String] {
        ["change_id": record.id, "state": Collaboration.state(of: record), "author": record.proposer.name,
         "author_id": record.proposer.id, "files": record.paths.joined(separator: ","), "revision": String(record.revisionNumber)]
    }

    static func describe(_ status: ApplyStatus?) -> String {
        switch status {
        case .clean?, nil: "applies cleanly"
        case .needsMerge(let paths)?: "needs a merge with your edits in \(paths.joined(separator: ", "))"
        case .conflicts(let conflicts)?: "conflicts with your edits in \(conflicts.map(\.path).joined(separator: ", "))"
        }
    }

    private static func applies(_ status: ApplyStatus?) -> String {
        switch status {
        case .clean?, nil: "cleanly"
        case .needsMerge?: "with_merge"
        case .conflicts?: "conflicts"
        }
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
    }
}
