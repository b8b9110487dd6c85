import Foundation
import LetsworkReview
import LetsworkProtocol

extension Collaboration {
    struct ListedEntry {
        let path: String
        let type: String
        let size: Int?
        let lockedBy: String?
        let pendingChanges: [String]?
    }

    /// A safety stop for pathological trees; below it, listings are paginated (ResultPage).
    static let listingLimit = 200_000

    func listFiles(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let raw = try arguments.optionalString("path") ?? "."
        let recursive = try arguments.bool("recursive", default: false)
        let offset = try arguments.optionalInt("offset", minimum: 0) ?? 0
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
        var scanned = 0
        // glibc keeps what a scan of a large tree freed (about 70 MB at 100,000 files) unless asked.
        defer { memoryReturn.afterScan(of: scanned) }
        if recursive {
            // The fast scan: tracked files from the index, ignore rules only where they can matter.
            // Without sizes: only the entries of the page returned are stat'ed (in `line`).
            let listing = try store.scanWorkingTree(under: folder, limit: Self.listingLimit, sizes: false)
            truncated = listing.truncated
            scanned = listing.files.count
            // Scanned paths are valid already: the byte-level secret rules suffice, and the
            // lock and pending lookups are skipped when there is nothing to find.
            entries.reserveCapacity(listing.files.count)
            for file in listing.files where !sandbox.isSecret(path: file.path) {
                entries.append(ListedEntry(path: file.path, type: file.kind == .symlink ? "symlink" : "file", size: file.size,
                                           lockedBy: locked.isEmpty ? nil : locked[file.path],
                                           pendingChanges: pending.isEmpty ? nil : pending[file.path]))
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
        func line(_ entry: ListedEntry) -> String {
            var line = entry.path
            if entry.type == "file", let size = entry.size ?? Self.sizeOnDisk(store.root + entry.path) { line += "  (\(Self.size(size)))" }
            if entry.type == "symlink" { line += "  (symbolic link, not followed)" }
            if let holder = entry.lockedBy { line += "  [locked by \(holder)]" }
            if let ids = entry.pendingChanges { line += "  [pending: \(ids.joined(separator: ", "))]" }
            return line
        }
        // Long listings come in pages that fit an agent's result limit, each naming the next
        // offset. Lines are rendered for this page only: a 100,000-file listing costs its scan,
        // not 100,000 formatted lines.
        let page = ResultPage(entries, from: offset) { line($0).utf8.count }
        var lines = page.items.map(line)
        if entries.isEmpty { lines = ["(empty)"] }
        if page.start > 0 || page.next != nil {
            lines.append("[letswork: \(page.range("entries"))\(page.next.map { "; more follows: call list_files again with the same path and recursive, and offset=\($0)" } ?? "")]")
        }
        if truncated { lines.append("… stopped after \(Self.listingLimit) entries; list a subfolder to see more.") }
        // The entries travel once, as text (one per line); structured content describes the
        // listing rather than repeating it, which would double every listing's size.
        let structured: JSONValue = ["path": .string(folder.isEmpty ? "." : folder), "recursive": .bool(recursive),
                                 "truncated": .bool(truncated), "count": .int(entries.count),
                                 "offset": .int(page.start), "returned": .int(page.items.count),
                                 "next_offset": page.next.map { .int($0) } ?? .null,
                                 "locked": .int(entries.filter { $0.lockedBy != nil }.count),
                                 "with_pending_changes": .int(entries.filter { $0.pendingChanges != nil }.count)]
        return ToolOutput(text: lines.joined(separator: "\n"), structured: structured)
    }

    /// The size of a file on disk (not following a link), nil when it is gone.
    static func sizeOnDisk(_ path: String) -> Int? {
        var info = stat()
        return lstat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    func writeFile(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireWriter(caller, "write_file")
        let path = try sandbox.check(try arguments.string("path"))
        let content = Array(try arguments.string("content").utf8)
        try refuseIfLockedByOther(path, caller)
        if caller.isHost {
            try store.writeAsHost(path, content: content)
            await tellOfOwnChange()
            return ToolOutput(text: "Wrote \(path) (\(Self.size(content.count))).",
                              structured: ["path": .string(path.value), "written": true, "size": .int(content.count)])
        }
        let result = try await propose([.write(path, content: content)], summary: nil, by: caller)
        return ToolOutput(
            text: "Proposed \(path) as \(Self.describe(result)). The host's file is unchanged until the host approves it. Writing again to a file of this change makes a new revision; call my_pending_changes or get_notifications to learn the decision.",
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
        await announce(.lockTaken, "\(who) locked \(path)", path: path.value, except: caller)
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
        await announce(.lockReleased, "\(name(of: caller)) unlocked \(path)", path: path.value, except: caller)
        return ToolOutput(text: "Unlocked \(path).", structured: ["path": .string(path.value), "locked": false])
    }

    func forceUnlock(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        try requireHost(caller, "force_unlock")
        let path = try sandbox.check(try arguments.string("path"))
        guard let lock = locks.release(path.value, by: nil) else { throw ToolFailure("\(path) is not locked.") }
        notify(EventDraft(.lockForced, "The host released your lock on \(path); lock it again before editing it.",
                          meta: ["path": path.value, "holder": lock.holderName]), to: [lock.holderID])
        hooks.feed(FeedEvent(kind: .lock, message: "🔓 released \(lock.holderName)'s lock on \(path)"))
        return ToolOutput(text: "Released \(lock.holderName)'s lock on \(path).",
                          structured: ["path": .string(path.value), "locked": false, "was_held_by": .string(lock.holderName)])
    }

    /// Tells everyone else in the session about a lock change.
    func announce(_ kind: SessionEvent.Kind, _ message: String, path: String, except caller: Caller) async {
        var recipients = Set(await hooks.participants().map(\.id))
        recipients.insert("host")
        recipients.remove(caller.id)
        notify(EventDraft(kind, message + ".", meta: ["path": path, "holder": name(of: caller)]), to: Array(recipients))
        hooks.feed(FeedEvent(kind: .lock, message: "🔒 " + message))
    }
}
