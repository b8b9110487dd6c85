import Foundation
import LetsworkReview
import LetsworkProtocol
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Collaboration {
    /// The most hits one search collects (and paginates); beyond it only the count goes on.
    static let searchHitLimit = 100_000
    /// More hits than one page can show: every hit renders to 4+ bytes.
    static var searchPageHits: Int { ResultPage<String>.budget / 4 }

    /// The files a guest may see under the root: not ignored by .gitignore, not secret, not
    /// links, in path order. The same enumeration feeds search_files and find_files.
    func visibleFiles() throws -> [String] {
        try store.scanWorkingTree(sizes: false).files.lazy
            .filter { $0.kind == .file && !self.sandbox.isSecret(path: $0.path) }.map(\.path)
    }

    func globs(_ arguments: Arguments, _ name: String) throws -> [Glob]? {
        try arguments.optionalStrings(name).map { try $0.map(Glob.init) }
    }

    /// search_files: grep over the host's working tree, paginated with the total count.
    func searchFiles(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let pattern = try arguments.string("pattern")
        let regex = try arguments.bool("regex", default: false)
        let caseSensitive = try arguments.bool("case_sensitive", default: true)
        let include = try globs(arguments, "include")
        let exclude = try globs(arguments, "exclude")
        let context = min(try arguments.optionalInt("context", minimum: 0) ?? 0, 10)
        let offset = try arguments.optionalInt("offset", minimum: 0) ?? 0
        let limit = try arguments.optionalInt("limit", minimum: 1)
        let matcher = try ContentSearch.matcher(pattern, regex: regex, caseSensitive: caseSensitive)
        let paths = try visibleFiles().filter { path in
            (include.map { $0.contains { $0.matches(path) } } ?? true) && !(exclude?.contains { $0.matches(path) } ?? false)
        }
        // Only the hits up to this page can be shown: collect those (a page holds at most a
        // quarter of its budget in lines) and count the rest, so a search matching every line of a large
        // tree costs a page's memory, not the whole result's (4 such searches at once held
        // 187 MB in a soak before this).
        let window = min(Self.searchHitLimit, offset + (limit.map { min($0, Self.searchPageHits) } ?? Self.searchPageHits))
        let search = ContentSearch(root: store.root, realRoot: sandbox.realRoot, matcher: matcher, context: context, hitLimit: window)
        // A search reads every file on one thread per core, and glibc keeps what those threads
        // freed in per-thread arenas: hand it back once the search is done, so a burst of
        // searches does not stay resident (the soak in bench/soak.py shows the difference).
        defer { memoryReturn.release() }
        let (hits, total, searched) = search.run(paths)
        let rendered = hits.map { hit -> String in
            var lines = hit.before.map { "\(hit.path)-\($0.0)-\($0.1)" }
            lines.append("\(hit.path):\(hit.line):\(hit.text)")
            lines += hit.after.map { "\(hit.path)-\($0.0)-\($0.1)" }
            return lines.joined(separator: "\n") + (context > 0 ? "\n--" : "")
        }
        let page = ResultPage(rendered, from: offset, limit: limit) { $0.utf8.count }
        // Hits past the collected window exist unless the overall cap was reached.
        let capped = total > hits.count && hits.count >= Self.searchHitLimit
        let next = page.next ?? (total > hits.count && !capped && page.items.endIndex == hits.count && !page.items.isEmpty ? hits.count : nil)
        let files = Set(hits.map(\.path)).count
        var text: String
        if total == 0 {
            text = "No matches for \(regex ? "regular expression" : "text") \(Self.quoted(pattern)) in \(searched) file\(searched == 1 ? "" : "s") searched."
        } else {
            text = page.items.joined(separator: "\n")
            let shown = page.items.isEmpty ? "no matching lines from \(page.start) (there are \(total))" : "matching lines \(page.start + 1)–\(page.items.endIndex) of \(total)"
            var note = "[letswork: \(shown) in \(files)\(total > hits.count ? "+" : "") file\(files == 1 ? "" : "s") (\(searched) files searched)"
            if capped { note += "; only the first \(hits.count) can be listed, narrow the search with include/exclude or a more precise pattern" }
            if let next { note += "; more follows: call search_files again with the same arguments and offset=\(next)" }
            text += "\n" + note + "]"
        }
        let structured: JSONValue = [
            "pattern": .string(pattern), "regex": .bool(regex), "case_sensitive": .bool(caseSensitive),
            "total": .int(total), "listed": .int(hits.count), "files_with_matches": .int(files), "files_searched": .int(searched),
            "offset": .int(page.start), "returned": .int(page.items.count), "next_offset": next.map { .int($0) } ?? .null,
        ]
        return ToolOutput(text: text, structured: structured)
    }

    /// find_files: paths matching a glob, paginated.
    func findFiles(_ arguments: Arguments, _ caller: Caller) throws -> ToolOutput {
        let patterns = try arguments.optionalStrings("pattern") ?? { throw ToolFailure("find_files needs the argument 'pattern' (a glob such as **/*.swift).") }()
        let globs = try patterns.map(Glob.init)
        let exclude = try self.globs(arguments, "exclude")
        let offset = try arguments.optionalInt("offset", minimum: 0) ?? 0
        let visible = try visibleFiles()
        // A count, not `visible` itself: the defer must not keep the whole listing alive.
        let scanned = visible.count
        defer { memoryReturn.afterScan(of: scanned) }
        let matches = visible.filter { path in
            globs.contains { $0.matches(path) } && !(exclude?.contains { $0.matches(path) } ?? false)
        }
        let page = ResultPage(matches, from: offset) { $0.utf8.count }
        var text = matches.isEmpty ? "No files match \(patterns.map(Self.quoted).joined(separator: ", "))." : page.items.joined(separator: "\n")
        if page.start > 0 || page.next != nil {
            text += "\n[letswork: \(page.range("files"))\(page.next.map { "; more follows: call find_files again with the same pattern and offset=\($0)" } ?? "")]"
        }
        return ToolOutput(text: text, structured: ["pattern": .array(patterns.map { .string($0) }), "total": .int(matches.count),
                                                   "offset": .int(page.start), "returned": .int(page.items.count),
                                                   "next_offset": page.next.map { .int($0) } ?? .null])
    }

    static func quoted(_ text: String) -> String { "\"" + String(text.prefix(200)) + "\"" }
}
