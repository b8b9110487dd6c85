import Foundation
import LetsworkReview
import LetsworkProtocol

extension Collaboration {
    /// edit_file: exact-text replacements applied in order. A guest's edit becomes a pending
    /// change (or a new revision of their own, on top of its content); the host's goes to disk.
    /// `dry_run` returns the unified diff and changes nothing.
    func editFile(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "edit_file")
        let path = try sandbox.check(try arguments.string("path"))
        let dryRun = try arguments.bool("dry_run", default: false)
        let edits = try arguments.array("edits", of: "a list of {old_text, new_text, replace_all?} objects") { value, index -> TextEdit in
            let label = "edit_file: edits[\(index)]"
            guard let object = value.objectValue else {
                throw ToolFailure("\(label) must be an object {old_text, new_text, replace_all?}, not \(Arguments.kind(of: value)).")
            }
            let unknown = Set(object.keys).subtracting(["old_text", "new_text", "replace_all"])
            guard unknown.isEmpty else {
                throw ToolFailure("\(label) has unknown field(s) \(unknown.sorted().joined(separator: ", ")); use old_text, new_text and replace_all.")
            }
            guard let old = object["old_text"]?.stringValue, let new = object["new_text"]?.stringValue else {
                throw ToolFailure("\(label) needs old_text and new_text, both strings.")
            }
            guard !old.isEmpty else {
                throw ToolFailure("\(label): old_text is empty; give the exact text to replace (to write a whole new file, use write_file).")
            }
            let replaceAll = object["replace_all"].map { $0.boolValue } ?? false
            guard let replaceAll else { throw ToolFailure("\(label): replace_all must be true or false.") }
            return TextEdit(oldText: Array(old.utf8), newText: Array(new.utf8), replaceAll: replaceAll)
        }
        if !dryRun { try refuseIfLockedByOther(path, caller) }
        let file = try seenFile(path, by: caller, choice: nil)
        let before = Array(file.text.utf8)
        let (after, applied) = try TextEdit.apply(edits, to: before, in: "\(path) (\(file.version))")
        guard after != before else {
            throw ToolFailure("The edits leave \(path) unchanged (new_text equals old_text); nothing to do.")
        }
        try ContentPolicy.check(after, for: path)
        let wherePlaced = applied.enumerated().map { index, edit in
            let lines = edit.lines.prefix(10).map(String.init).joined(separator: ", ") + (edit.lines.count > 10 ? ", …" : "")
            return "edit \(index + 1): line\(edit.lines.count == 1 ? "" : "s") \(lines)"
        }.joined(separator: "; ")
        var structured: [String: JSONValue] = [
            "path": .string(path.value), "dry_run": .bool(dryRun), "size": .int(after.count),
            "edits": .array(applied.map { .object(["lines": .array($0.lines.map { .int($0) })]) }),
        ]
        structured.merge(file.structuredVersion) { $1 }

        if dryRun {
            // The diff the change will show once this edit is in: for a guest who already has a
            // pending change to the file, from the version they started from, not from their
            // previous revision (get_pending_changes shows the change as a whole).
            let origin = file.pending.map { $0.base } ?? before
            let against = file.pending.map { "the host's version your change \($0.changeID) started from, with your earlier revisions included" } ?? file.version
            let diff = try store.previewDiff(of: path, from: origin, to: after, executable: file.executable)?.patch ?? ""
            structured["diff"] = diff.utf8.count <= ResultPage<String>.budget ? .string(diff) : .null
            let shown = diff.utf8.count <= ResultPage<String>.budget
                ? diff : String(diff.prefix(utf8: ResultPage<String>.budget)) + "\n[letswork: the diff is longer than \(Self.size(ResultPage<String>.budget)); only its start is shown]\n"
            return ToolOutput(text: "Dry run: nothing was changed. The diff against \(against) (\(wherePlaced)):\n\n" + shown, structured: .object(structured))
        }
        if caller.isHost {
            try store.writeAsHost(path, content: after)
            await tellOfOwnChange()
            structured["written"] = true
            return ToolOutput(text: "Edited \(path) on disk (\(wherePlaced)); it is now \(Self.size(after.count)).", structured: .object(structured))
        }
        let result = try await propose([.write(path, content: after)], summary: nil, by: caller)
        structured["change_id"] = .string(result.changeID)
        structured["revision"] = .int(result.revision)
        structured["state"] = "pending"
        return ToolOutput(
            text: "Proposed the edit to \(path) as \(Self.describe(result)) (\(wherePlaced)). The host's file is unchanged until the host approves it; read_file now returns your pending version, and further edits build on it.",
            structured: .object(structured))
    }

    /// submit_change: several writes, deletions and renames as ONE change with one message,
    /// approved or rejected as a whole.
    func submitChange(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "submit_change")
        guard !caller.isHost else {
            throw ToolFailure("submit_change is how guests propose a change for review; as the host, write your files directly with write_file or edit_file.")
        }
        let message = try arguments.string("message").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty else { throw ToolFailure("submit_change needs a message saying what the change does (the host reads it first).") }
        var problems: [String] = []
        var operations: [FileOperation] = []
        var described: [String] = []
        let entries = try arguments.array("files", of: "a list of {path, content} / {path, delete: true} / {path, rename_to} objects") { value, index in (value, index) }
        for (value, index) in entries {
            let label = "files[\(index)]"
            guard let object = value.objectValue, let raw = object["path"]?.stringValue else {
                problems.append("\(label): each entry is an object with a 'path' (a string) and one of content, delete: true or rename_to.")
                continue
            }
            do {
                let unknown = Set(object.keys).subtracting(["path", "content", "delete", "rename_to"])
                guard unknown.isEmpty else {
                    throw ToolFailure("unknown field(s) \(unknown.sorted().joined(separator: ", ")); use content, delete: true or rename_to")
                }
                let path = try sandbox.check(raw)
                let delete = object["delete"]?.boolValue ?? false
                let actions = [object["content"] != nil, delete, object["rename_to"] != nil].filter { $0 }.count
                guard actions == 1 else {
                    throw ToolFailure("give exactly one of content (new text), delete: true, or rename_to (a new path)")
                }
                if object["delete"] != nil && object["delete"]?.boolValue == nil { throw ToolFailure("delete must be true") }
                try refuseIfLockedByOther(path, caller)
                if let content = object["content"] {
                    guard let text = content.stringValue else { throw ToolFailure("content must be a string (the file's complete new text)") }
                    operations.append(.write(path, content: Array(text.utf8)))
                    described.append("write \(path)")
                } else if delete {
                    operations.append(.delete(path))
                    described.append("delete \(path)")
                } else {
                    guard let target = object["rename_to"]?.stringValue else { throw ToolFailure("rename_to must be a string (the new path)") }
                    let destination = try sandbox.check(target)
                    guard destination != path else { throw ToolFailure("rename_to is the same path") }
                    try refuseIfLockedByOther(destination, caller)
                    if (try? store.readWorkingFile(destination)) != nil, try store.proposedFile(destination, by: caller.id) == nil {
                        throw ToolFailure("\(destination) already exists on the host; rename to a free path, or write it with content")
                    }
                    // What is renamed is what the guest sees: their pending version if they changed it.
                    let file = try seenFile(path, by: caller, choice: nil)
                    operations.append(.delete(path))
                    operations.append(.write(destination, content: Array(file.text.utf8)))
                    described.append("rename \(path) → \(destination)")
                }
            } catch let failure as ToolFailure {
                problems.append("\(label) (\(raw)): \(failure.message)")
            } catch let error as ReviewError {
                problems.append("\(label) (\(raw)): \(error.description)")
            }
        }
        guard problems.isEmpty else {
            throw ToolFailure("Nothing was proposed; fix these entries and call submit_change again:\n" + problems.map { "- " + $0 }.joined(separator: "\n"))
        }
        let result = try await propose(operations, summary: message, by: caller)
        return ToolOutput(
            text: "Proposed \(Self.describe(result)): \(described.joined(separator: ", ")). The host approves or rejects it as a whole; the host's files are unchanged until then. Follow it with my_pending_changes or get_notifications.",
            structured: ["change_id": .string(result.changeID), "revision": .int(result.revision),
                         "paths": result.paths.structured, "state": "pending", "message": .string(message)])
    }

    /// Submits `operations` as `caller`'s change and tells the host.
    func propose(_ operations: [FileOperation], summary: String?, by caller: Caller) async throws -> SubmitResult {
        let result = try await store.serial.submit(operations, by: person(for: caller), summary: summary, then: await followUpTelling())
        return result
    }

    static func describe(_ result: SubmitResult) -> String {
        result.isRevision ? "revision \(result.revision) of change \(result.changeID)" : "change \(result.changeID)"
    }

    func refuseIfLockedByOther(_ path: RepoPath, _ caller: Caller) throws {
        if let lock = locks.holder(of: path.value), lock.holderID != caller.id {
            throw ToolFailure("\(path) is locked by \(lock.holderName) (\(Self.ago(clock() - lock.since))); wait for them to unlock it\(caller.isHost ? ", or use force_unlock" : "").")
        }
    }
}
