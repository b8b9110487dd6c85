import Foundation
import GitKit
import LetsworkReview

/// The values the templates render. Plain stored properties only (Mustache reads them through
/// `Mirror`); every `String` is escaped where the template puts it.
enum PageModels {
    struct Queue {
        let title = "Queue"
        let page = "queue"
        let stamp: String
        let count: Int
        let changes: [QueueRow]
    }

    struct QueueRow {
        let id: String
        let revisionLabel: String?
        let author: String
        let subject: String
        let files: [String]
        let additions: Int
        let deletions: Int
        let age: String
        let statusKind: String
        let statusLabel: String
        let conflicts: [FileConflict]

        init(_ change: PendingChange, now: Int64) {
            let record = change.record
            id = record.id
            revisionLabel = record.revisionNumber > 1 ? "revision \(record.revisionNumber)" : nil
            author = record.proposer.name
            subject = PageModels.subject(of: record)
            files = record.paths
            additions = change.additions
            deletions = change.deletions
            age = ShortAge.text(since: record.updatedAt, now: now)
            switch change.status {
            case .clean?, nil:
                (statusKind, statusLabel, conflicts) = ("clean", "applies cleanly", [])
            case .needsMerge(let paths)?:
                (statusKind, statusLabel, conflicts) = ("merge", "needs a merge with your edits (\(paths.joined(separator: ", ")))", [])
            case .conflicts(let found)?:
                (statusKind, statusLabel, conflicts) = ("conflicts", "conflicts (\(found.map(\.path).joined(separator: ", ")))", found)
            }
        }
    }

    struct Change {
        let title: String
        let page = "change"
        let id: String
        let state: String
        let author: String
        let latest: Int
        let age: String
        let decision: DecisionView?
        let subject: String
        let body: String?
        let hasTrailers: Bool
        let trailers: [Trailer]
        let pending: Bool
        let csrf: String
        let revisions: [RevisionRow]
        let fromChoices: [Choice]
        let toChoices: [Choice]
        let view: String
        let unified: Bool
        let from: Int
        let to: Int
        let diffTitle: String
        let files: [FileView]
        let previous: String?
        let next: String?
    }

    struct DecisionView {
        let verdict: String
        let by: String
        let when: String
        let reason: String?
    }

    struct RevisionRow {
        let number: Int
        let when: String
        let hasPrevious: Bool
        let previous: Int
    }

    struct Trailer {
        let key: String
        let value: String
    }

    struct Choice {
        let value: String
        let label: String
        let selected: Bool
    }

    struct History {
        let title = "History"
        let page = "history"
        let people: [Choice]
        let file: String
        let filtered: Bool
        let entries: [HistoryRow]
    }

    struct HistoryRow {
        let id: String
        let verdict: String
        let merged: Bool
        let forced: Bool
        let by: String
        let when: String
        let author: String
        let subject: String
        let files: [String]
        let reason: String
        let trailers: [Trailer]

        init(_ record: ChangeRecord) {
            let decision = record.decision
            id = record.id
            verdict = record.state.rawValue
            merged = decision?.merged ?? false
            forced = decision?.forced ?? false
            by = decision?.by.name ?? ""
            when = decision.map { PageModels.when($0.at) } ?? ""
            author = record.proposer.name
            subject = PageModels.subject(of: record)
            files = record.paths
            reason = decision?.reason ?? ""
            // The trailers of the decision commit on refs/letswork/approved or /rejected.
            var trailers = [Trailer(key: "Change-Id", value: record.id),
                            Trailer(key: "Proposal", value: record.revisions.last ?? ""),
                            Trailer(key: "Decision", value: record.state.rawValue)]
            if let decision {
                trailers.append(Trailer(key: "Decided-by", value: "\(decision.by.name) <\(decision.by.email)>"))
                if let reason = decision.reason { trailers.append(Trailer(key: "Reason", value: reason)) }
            }
            self.trailers = trailers
        }
    }

    struct Result {
        let title: String
        let page = "result"
        let kind: String
        let heading: String
        let lines: [String]
        let conflicts: [FileConflict]
        let id: String
    }

    struct Problem {
        let title: String
        let page = "problem"
        let heading: String
        let message: String
    }

    struct Login {
        let title = "Log in"
        let page = "login"
    }

    static func subject(of record: ChangeRecord) -> String {
        record.summary.flatMap { $0.split(separator: "\n").first.map(String.init) }
            ?? (record.paths.count == 1 ? "Update \(record.paths[0])" : "Update \(record.paths.count) files")
    }

    /// A commit message cut into subject, body and trailers (`Key: value` lines of the last paragraph).
    static func split(message: String) -> (subject: String, body: String?, trailers: [Trailer]) {
        var paragraphs = message.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n\n")
        var trailers: [Trailer] = []
        if paragraphs.count > 1, let last = paragraphs.last {
            let lines = last.split(separator: "\n")
            let parsed = lines.compactMap { line -> Trailer? in
                guard let colon = line.range(of: ": "), !line[..<colon.lowerBound].contains(" ") else { return nil }
                return Trailer(key: String(line[..<colon.lowerBound]), value: String(line[colon.upperBound...]))
            }
            if parsed.count == lines.count {
                trailers = parsed
                paragraphs.removeLast()
            }
        }
        let subject = paragraphs.first ?? ""
        let body = paragraphs.dropFirst().joined(separator: "\n\n")
        return (subject, body.isEmpty ? nil : body, trailers)
    }

    static func when(_ time: Int64) -> String {
        UTCTimestamp.iso8601(time)
    }
}
