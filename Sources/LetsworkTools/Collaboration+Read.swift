import Foundation
import LetsworkReview
import LetsworkProtocol

extension Collaboration {
    /// A text file as one caller sees it: the host's working tree, or their own pending change.
    struct SeenFile {
        let path: RepoPath
        let text: String
        let executable: Bool
        /// Set when the text is the caller's own pending revision.
        let pending: ProposedFile?

        /// "the host's working tree" or "your pending change 3f9c2a1b, revision 2".
        var version: String {
            pending.map { "your pending change \($0.changeID), revision \($0.revision)" } ?? "the host's working tree"
        }

        var structuredVersion: [String: JSONValue] {
            ["version": .string(pending == nil ? "host" : "pending"), "change_id": (pending?.changeID).value,
             "revision": pending.map { .int($0.revision) } ?? .null]
        }
    }

    enum VersionChoice: String { case pending, host }

    /// Which version `caller` asked for: by default their pending revision when they have one.
    func versionChoice(_ arguments: Arguments) throws -> VersionChoice? {
        guard let raw = try arguments.optionalString("version") else { return nil }
        guard let choice = VersionChoice(rawValue: raw.lowercased()) else {
            throw ToolFailure("\(arguments.tool): version must be \"pending\" (your own pending change of the file) or \"host\" (the host's working tree), not \"\(raw)\".")
        }
        return choice
    }

    /// Reads `path` as `caller` sees it. A guest with a pending change on the file sees that
    /// revision (unless `choice` is `.host`), so their next edit builds on their own work.
    /// - Throws: ``ToolFailure`` or ``ReviewError`` saying what to do.
    func seenFile(_ path: RepoPath, by caller: Caller, choice: VersionChoice?) throws -> SeenFile {
        if choice != .host, !caller.isHost, let proposed = try store.proposedFile(path, by: caller.id) {
            guard let content = proposed.content else {
                throw ToolFailure("Your pending change \(proposed.changeID) (revision \(proposed.revision)) deletes \(path); read it with version=\"host\" to see the host's file.")
            }
            return SeenFile(path: path, text: try Self.text(content, path), executable: proposed.executable, pending: proposed)
        }
        if choice == .pending {
            throw ToolFailure("You have no pending change to \(path); read it without version (or with version=\"host\") to get the host's file.")
        }
        let file = try store.readWorkingFile(path)
        guard file.content.count <= ContentPolicy.maximumFileSize else {
            throw ToolFailure("\(path) is \(Self.size(file.content.count)); letswork reads text files up to 1 MB.")
        }
        return SeenFile(path: path, text: try Self.text(file.content, path), executable: file.executable, pending: nil)
    }

    static func text(_ bytes: [UInt8], _ path: RepoPath) throws -> String {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw ToolFailure("\(path) is a binary file; letswork only reads text (UTF-8) files.")
        }
        return text
    }

    /// The lines of `text`, each with its line break; a last line without one counts too.
    static func lines(of text: String) -> [Substring] {
        // The newlines are found with memchr over the UTF-8 bytes (the generic firstIndex(of:)
        // on the UTF-8 view was a tenth of a 10 KB read_file's time); a byte after "\n" always
        // starts a character, so each offset is a valid index into the string.
        var text = text
        var ends: [Int] = []
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var position = 0
            while position < bytes.count,
                  let found = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position) {
                position = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                ends.append(position)
            }
        }
        let utf8 = text.utf8
        var lines: [Substring] = []
        lines.reserveCapacity(ends.count + 1)
        var start = text.startIndex
        for end in ends {
            let next = utf8.index(utf8.startIndex, offsetBy: end)
            lines.append(text[start..<next])
            start = next
        }
        if start < text.endIndex { lines.append(text[start...]) }
        return lines
    }

    /// read_file: the whole file, or `limit` lines from line `offset` (1-based), paginated so a
    /// result stays under the agents' size limit.
    func readFile(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let path = try sandbox.check(try arguments.string("path"))
        let offset = try arguments.optionalInt("offset", minimum: 1)
        let limit = try arguments.optionalInt("limit", minimum: 1)
        let file = try seenFile(path, by: caller, choice: try versionChoice(arguments))
        let lines = Self.lines(of: file.text)
        let first = offset ?? 1
        if first > max(lines.count, 1) {
            throw ToolFailure("\(path) has \(lines.count) line\(lines.count == 1 ? "" : "s"); offset \(first) is past its end. Give an offset from 1 to \(max(lines.count, 1)).")
        }
        var page = ResultPage(lines, from: first - 1, limit: limit) { $0.utf8.count }
        // The page's lines are adjacent slices of one string: one slice of it, not a join
        // (joining a 10 KB file's lines was a tenth of the call).
        var body = page.items.first.map { first in String(first.base[first.startIndex..<page.items.last!.endIndex]) } ?? ""
        var cutLine = false
        if body.utf8.count > ResultPage<Substring>.budget {
            // One line longer than a whole page (minified code): show its start and say so.
            body = String(body.prefix(utf8: ResultPage<Substring>.budget))
            cutLine = true
            page = ResultPage(lines, from: first - 1, limit: 1) { _ in 0 }
        }
        let whole = page.start == 0 && page.next == nil && !cutLine
        var notes: [String] = []
        if !whole {
            notes.append(lines.isEmpty ? "\(path) is empty" : "lines \(page.start + 1)–\(page.items.endIndex) of \(lines.count) of \(path)")
        }
        if cutLine { notes.append("line \(page.start + 1) is longer than \(Self.size(ResultPage<Substring>.budget)): only its first \(Self.size(ResultPage<Substring>.budget)) are shown") }
        if let next = page.next { notes.append("more follows: call read_file with path=\"\(path)\" and offset=\(next + 1) to read on") }
        if file.pending != nil { notes.append("this is \(file.version), not yet on the host's disk; version=\"host\" reads the host's file") }
        if !whole, page.next == nil, let last = lines.last, !last.hasSuffix("\n") { notes.append("the file ends without a newline") }
        var text = body
        if !notes.isEmpty {
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
            text += "[letswork: " + notes.joined(separator: "; ") + "]"
        }
        var structured: [String: JSONValue] = [
            "path": .string(path.value), "size": .int(file.text.utf8.count), "lines": .int(lines.count),
            "first_line": .int(page.items.isEmpty ? 0 : page.start + 1), "last_line": .int(page.items.endIndex),
            "more": .bool(page.next != nil), "next_offset": page.next.map { .int($0 + 1) } ?? .null, "truncated_line": .bool(cutLine),
        ]
        structured.merge(file.structuredVersion) { $1 }
        // The content travels once, as the text; structured content describes it.
        return ToolOutput(text: text, structured: .object(structured))
    }

    /// read_multiple_files: several files in one call; each file succeeds or fails on its own.
    func readMultipleFiles(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let raw = try arguments.array("paths", of: "a list of file paths") { value, index -> String in
            guard let text = value.stringValue else {
                throw ToolFailure("read_multiple_files: paths[\(index)] must be a string (a file path), not \(Arguments.kind(of: value)).")
            }
            return text
        }
        guard raw.count <= 100 else {
            throw ToolFailure("read_multiple_files reads up to 100 files at once (got \(raw.count)); split the list.")
        }
        let choice = try versionChoice(arguments)
        var sections: [String] = []
        var files: [JSONValue] = []
        var used = 0
        for name in raw {
            var section: String
            var entry: [String: JSONValue] = ["path": .string(name)]
            do {
                let path = try sandbox.check(name)
                let file = try seenFile(path, by: caller, choice: choice)
                let lines = Self.lines(of: file.text).count
                entry["lines"] = .int(lines)
                entry["size"] = .int(file.text.utf8.count)
                entry.merge(file.structuredVersion) { $1 }
                let header = "=== \(path) (\(lines) line\(lines == 1 ? "" : "s")\(file.pending == nil ? "" : ", \(file.version)")) ==="
                if used + file.text.utf8.count + header.utf8.count > ResultPage<String>.budget {
                    section = "=== \(path) (\(lines) lines, \(Self.size(file.text.utf8.count))): not included, this result would pass its size limit; read it with read_file (path=\"\(path)\"), in ranges if it is large ==="
                    entry["included"] = false
                } else {
                    section = header + "\n" + file.text
                    if !file.text.hasSuffix("\n") && !file.text.isEmpty { section += "\n" }
                    entry["included"] = true
                }
            } catch let failure as ToolFailure {
                section = "=== \(name): \(redact(failure.message)) ==="
                entry["error"] = .string(redact(failure.message))
            } catch let error as ReviewError {
                section = "=== \(name): \(redact(error.description)) ==="
                entry["error"] = .string(redact(error.description))
            }
            used += section.utf8.count + 1
            sections.append(section)
            files.append(.object(entry))
        }
        return ToolOutput(text: sections.joined(separator: "\n"), structured: ["files": .array(files)])
    }
}
