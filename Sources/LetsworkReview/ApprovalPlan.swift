import GitKit

/// Where two sides edited the same lines: what the host's file has there and what the change proposes.
public struct ConflictHunk: Sendable, Equatable, Codable {
    /// 1-based line in the host's file where the conflict starts.
    public let line: Int
    public let host: [String]
    public let proposed: [String]
}

/// A file that cannot be approved as it stands, and why.
public struct FileConflict: Sendable, Equatable, Codable {
    public let path: String
    public let reason: String
    public let hunks: [ConflictHunk]
}

/// Whether a pending change would apply to the host's working tree as it is now.
public enum ApplyStatus: Sendable, Equatable {
    /// Every touched file is as the proposer saw it.
    case clean
    /// The host edited these files since; a three-way merge applies cleanly.
    case needsMerge([String])
    /// These files conflict; approving would write nothing.
    case conflicts([FileConflict])
}

/// What approving a change would write, file by file, decided from the change's base, the
/// host's working tree now, and the proposed content.
struct ApprovalPlan {
    enum Outcome: Equatable { case asProposed, merged, forced, conflict(FileConflict) }

    struct File {
        let path: RepoPath
        /// The working tree's bytes now (nil: absent).
        let before: [UInt8]?
        /// What to leave there (nil: delete).
        let after: [UInt8]?
        let executable: Bool
        let outcome: Outcome
        /// The base and proposed blobs, for --commit's replay onto HEAD.
        let base: TreeEntry?
        let proposed: TreeEntry?
        /// The ids of `before` and `after` where they are blobs the repository holds already
        /// (the base's or the proposed one), so the journal neither hashes nor writes them again.
        let beforeBlob: ObjectID?
        let afterBlob: ObjectID?
    }

    let change: ChangeRecord
    let revision: Commit
    let files: [File]

    var conflicts: [FileConflict] {
        files.compactMap { if case .conflict(let conflict) = $0.outcome { return conflict }; return nil }
    }
    var mergedPaths: [String] { files.filter { $0.outcome == .merged }.map(\.path.value) }
    var forcedPaths: [String] { files.filter { $0.outcome == .forced }.map(\.path.value) }

    var status: ApplyStatus {
        if !conflicts.isEmpty { return .conflicts(conflicts) }
        return mergedPaths.isEmpty ? .clean : .needsMerge(mergedPaths)
    }
}

extension ChangeStore {
    func plan(_ change: ChangeRecord, force: Bool) throws -> ApprovalPlan {
        let revision = try repository.commit(ObjectID(hex: change.revisions.last!)!)
        let baseTree = try repository.tree(ofCommit: revision.parents[0])
        var files: [ApprovalPlan.File] = []
        for path in change.paths {
            let repoPath = try RepoPath(path)
            let base = try repository.entry(at: path, inTree: baseTree)
            let proposed = try repository.entry(at: path, inTree: revision.tree)
            let baseBytes = try base.map { try repository.readBlob($0.id) }
            let proposedBytes = try proposed.map { try repository.readBlob($0.id) }
            var current: [UInt8]?
            var currentExecutable: Bool?
            var blocked: String?
            do {
                switch try workingTree.entry(at: repoPath) {
                case .absent: current = nil
                case .file(let bytes, let executable, _): (current, currentExecutable) = (bytes, executable)
                case .symlink: blocked = "it is a symbolic link on the host; letswork does not write through links"
                case .folder: blocked = "it is a folder on the host"
                case .other: blocked = "it is not a regular file on the host"
                }
            } catch let error as ReviewError {
                blocked = error.description
            }
            // The executable bit: the proposal's if it changed it, otherwise what the host has.
            let executable = proposed?.mode != base?.mode ? proposed?.isExecutable == true
                : currentExecutable ?? (proposed?.isExecutable == true)
            func file(_ after: [UInt8]?, _ outcome: ApprovalPlan.Outcome) -> ApprovalPlan.File {
                let stored = { (bytes: [UInt8]?) -> ObjectID? in
                    bytes == nil ? nil : bytes == baseBytes ? base?.id : bytes == proposedBytes ? proposed?.id : nil
                }
                return ApprovalPlan.File(path: repoPath, before: current, after: after, executable: executable,
                                         outcome: outcome, base: base, proposed: proposed,
                                         beforeBlob: stored(current), afterBlob: stored(after))
            }
            func conflict(_ reason: String, _ hunks: [ConflictHunk] = []) -> ApprovalPlan.File {
                file(current, .conflict(FileConflict(path: path, reason: reason, hunks: hunks)))
            }
            let who = change.proposer.name
            if let blocked {
                files.append(conflict(blocked))
            } else if current == baseBytes || current == proposedBytes {
                files.append(file(proposedBytes, .asProposed))
            } else if force {
                files.append(file(proposedBytes, .forced))
            } else if proposedBytes == nil {
                files.append(conflict("the host changed it since \(who) saw it, and the change deletes it"))
            } else if current == nil {
                files.append(conflict("the host deleted it since \(who) saw it, and the change edits it"))
            } else {
                let merged = try TextMerge.merge(ancestor: baseBytes, ours: current!, theirs: proposedBytes!, path: path,
                                                 ourLabel: "host", theirLabel: who)
                if merged.isClean {
                    files.append(file(merged.content, .merged))
                } else {
                    files.append(conflict("the host and \(who) changed the same lines", Self.hunks(in: merged.content, who: who)))
                }
            }
        }
        return ApprovalPlan(change: change, revision: revision, files: files)
    }

    /// Reads the conflict regions out of libgit2's merged output (`<<<<<<<`, `=======`, `>>>>>>>`).
    static func hunks(in merged: [UInt8], who: String, limit: Int = 20) -> [ConflictHunk] {
        let lines = String(decoding: merged, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var hunks: [ConflictHunk] = []
        var hostLine = 1
        var index = 0
        while index < lines.count && hunks.count < limit {
            guard lines[index].hasPrefix("<<<<<<< ") else { hostLine += 1; index += 1; continue }
            let start = hostLine
            var host: [String] = [], proposed: [String] = []
            index += 1
            while index < lines.count && !lines[index].hasPrefix("=======") { host.append(String(lines[index])); index += 1 }
            index += 1
            while index < lines.count && !lines[index].hasPrefix(">>>>>>> ") { proposed.append(String(lines[index])); index += 1 }
            index += 1
            hostLine += host.count
            hunks.append(ConflictHunk(line: start, host: host, proposed: proposed))
        }
        return hunks
    }
}
