import Foundation
import LetsworkReview
import MCP

extension Collaboration {
    struct ListedEntry {
        let path: String
        let type: String
        let size: Int?
        let lockedBy: String?
        let pendingChanges: [String]?
    }

    static let listingLimit = 5000

    func listFiles(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let raw = try arguments.optionalString("path") ?? "."
        let recursive = try arguments.bool("recursive", default: false)
        let folder = [".", "", "./", "/"].contains(raw) ? "" : try sandbox.check(raw).value
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: store.root + folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ToolFailure("\(folder.isEmpty ? "." : folder) is not a folder of the repository. Call list_files without a path to see the root.")
        }
        var pending: [String: [String]] = [:]
        for record in try store.pendingRecords() { for path in record.paths { pending[path, default: []].append(record.id) } }
        let locked = Dictionary(uniqueKeysWithValues: locks.all().map { ($0.path, $0.holderName) })
        var entries: [ListedEntry] = []
        var truncated = false
        if recursive {
            // The fast scan: tracked files from the index, ignore rules only where they can matter.
            let listing = try store.scanWorkingTree(under: folder, limit: Self.listingLimit)
            truncated = listing.truncated
            for file in listing.files where !sandbox.isHidden(file.path) {
                entries.append(ListedEntry(path: file.path, type: file.kind == .symlink ? "symlink" : "file", size: file.size,
                                           lockedBy: locked[file.path], pendingChanges: pending[file.path]))
            }
        } else {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: store.root + folder))?.sorted() ?? []
            for name in names where name != ".git" {
                guard entries.count < Self.listingLimit else { truncated = true; break }
                let path = folder.isEmpty ? name : folder + "/" + name
                if sandbox.isHidden(path) { continue }
                var info = stat()
                guard lstat(store.root + path, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                if type == S_IFDIR {
                    entries.append(ListedEntry(path: path + "/", type: "folder", size: nil, lockedBy: nil, pendingChanges: nil))
                } else {
                    entries.append(ListedEntry(path: path, type: type == S_IFLNK ? "symlink" : "file", size: Int(info.st_size),
                                               lockedBy: locked[path], pendingChanges: pending[path]))
                }
            }
        }
        var lines = entries.map { entry -> String in
            var line = entry.path
            if let size = entry.size, entry.type == "file" { line += "  (\(Self.size(size)))" }
            if entry.type == "symlink" { line += "  (symbolic link, not followed)" }
            if let holder = entry.lockedBy { line += "  [locked by \(holder)]" }
            if let ids = entry.pendingChanges { line += "  [pending: \(ids.joined(separator: ", "))]" }
            return line
        }
        if lines.isEmpty { lines = ["(empty)"] }
        if truncated { lines.append("… stopped after \(Self.listingLimit) entries; list a subfolder to see more.") }
        // The entries travel once, as text (one per line); structured content describes the
        // listing rather than repeating it, which would double every listing's size.
        let structured: Value = ["path": .string(folder.isEmpty ? "." : folder), "recursive": .bool(recursive),
                                 "truncated": .bool(truncated), "count": .int(entries.count),
                                 "locked": .int(entries.filter { $0.lockedBy != nil }.count),
                                 "with_pending_changes": .int(entries.filter { $0.pendingChanges != nil }.count)]
        return ToolOutput(text: lines.joined(separator: "\n"), structured: structured)
    }

    func readFile(_ arguments: Arguments) throws -> ToolOutput {
        let path = try sandbox.check(try arguments.string("path"))
        let file = try store.readWorkingFile(path)
        guard file.content.count <= ContentPolicy.maximumFileSize else {
            throw ToolFailure("\(path) is \(Self.size(file.content.count)); read_file returns files up to 1 MB.")
        }
        guard !file.content.contains(0), let text = String(validating: file.content, as: UTF8.self) else {
            throw ToolFailure("\(path) is a binary file; letswork only reads text (UTF-8) files.")
        }
        let lines = text.isEmpty ? 0 : text.split(separator: "\n", omittingEmptySubsequences: false).count - (text.hasSuffix("\n") ? 1 : 0)
        // The content travels once, as the text; structured content describes it.
        return ToolOutput(text: text, structured: ["path": .string(path.value), "size": .int(file.content.count),
                                                   "lines": .int(lines)])
    }

    func writeFile(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "write_file")
        let path = try sandbox.check(try arguments.string("path"))
        let content = Array(try arguments.string("content").utf8)
        if let lock = locks.holder(of: path.value), lock.holderID != caller.id {
            throw ToolFailure("\(path) is locked by \(lock.holderName) (\(Self.ago(clock() - lock.since))); wait for them to unlock it\(caller.isHost ? ", or use force_unlock" : "").")
        }
        if caller.isHost {
            try store.writeAsHost(path, content: content)
            return ToolOutput(text: "Wrote \(path) (\(Self.size(content.count))).",
                              structured: ["path": .string(path.value), "written": true, "size": .int(content.count)])
        }
        let who = name(of: caller)
        let result = try store.submit([.write(path, content: content)], by: person(for: caller))
        let what = result.isRevision ? "revision \(result.revision) of change \(result.changeID)" : "change \(result.changeID)"
        notify("submission", "\(who) proposed \(what) to \(result.paths.joined(separator: ", "))", change: result.changeID, to: ["host"])
        hooks.feed(FeedEvent(kind: .submission, message: "📝 \(who) proposed \(what): \(result.paths.joined(separator: ", ")) — review with `letswork show \(result.changeID)`"))
        return ToolOutput(
            text: "Proposed \(path) as \(what). The host's file is unchanged until the host approves it. Writing again to a file of this change makes a new revision; call my_pending_changes or get_notifications to learn the decision.",
            structured: ["change_id": .string(result.changeID), "revision": .int(result.revision),
                         "paths": .array(result.paths.map { .string($0) }), "state": "pending"])
    }

    func lockFile(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "lock_file")
        let path = try sandbox.check(try arguments.string("path"))
        let who = name(of: caller)
        if let other = locks.acquire(path.value, by: caller.id, name: who) {
            throw ToolFailure("\(path) is already locked by \(other.holderName) (\(Self.ago(clock() - other.since))); wait for them to unlock it\(caller.isHost ? ", or use force_unlock" : "").")
        }
        await announce("\(who) locked \(path)", except: caller)
        return ToolOutput(text: "Locked \(path). It stays yours until you unlock it, your change to it is decided, or 30 minutes pass without activity from you.",
                          structured: ["path": .string(path.value), "locked": true])
    }

    func unlockFile(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "unlock_file")
        let path = try sandbox.check(try arguments.string("path"))
        guard locks.release(path.value, by: caller.id) != nil else {
            let holder = locks.holder(of: path.value)
            throw ToolFailure(holder.map { "\(path) is locked by \($0.holderName), not by you; only they (or the host, with force_unlock) can release it." }
                              ?? "\(path) is not locked.")
        }
        await announce("\(name(of: caller)) unlocked \(path)", except: caller)
        return ToolOutput(text: "Unlocked \(path).", structured: ["path": .string(path.value), "locked": false])
    }

    func forceUnlock(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireHost(caller, "force_unlock")
        let path = try sandbox.check(try arguments.string("path"))
        guard let lock = locks.release(path.value, by: nil) else { throw ToolFailure("\(path) is not locked.") }
        notify("lock", "The host released your lock on \(path)", to: [lock.holderID])
        hooks.feed(FeedEvent(kind: .lock, message: "🔓 released \(lock.holderName)'s lock on \(path)"))
        return ToolOutput(text: "Released \(lock.holderName)'s lock on \(path).",
                          structured: ["path": .string(path.value), "locked": false, "was_held_by": .string(lock.holderName)])
    }

    /// Tells everyone else in the session about a lock change.
    func announce(_ message: String, except caller: Caller) async {
        var recipients = Set(await hooks.participants().map(\.id))
        recipients.insert("host")
        recipients.remove(caller.id)
        notify("lock", message, to: Array(recipients))
        hooks.feed(FeedEvent(kind: .lock, message: "🔒 " + message))
    }
}
