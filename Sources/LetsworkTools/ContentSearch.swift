import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Content search over files of the working tree, line by line as grep reports it.
///
/// A literal pattern is searched as bytes (``ByteSearch``) straight in the file's buffer, so no
/// file is decoded unless it has a hit; a regular expression (`NSRegularExpression`, ICU syntax)
/// runs once per file over the whole text with anchors matching at line breaks. Binary files (a
/// NUL byte in the first 8 KB) and files over 16 MB are skipped. Files are read with
/// `O_NOFOLLOW`, so a symbolic link is never followed.
struct ContentSearch {
    enum Matcher {
        case literal([UInt8])
        /// ASCII case folding: the pattern lowered, each file lowered into a scratch buffer.
        case literalIgnoringASCIICase([UInt8])
        case regex(NSRegularExpression)
    }

    struct Hit: @unchecked Sendable {
        // @unchecked: only immutable strings, integers and arrays of tuples of them (tuples are
        // not declared Sendable, but these hold nothing shared).
        let path: String
        let line: Int
        let text: String
        /// Lines before and after (with their numbers), when context was asked for.
        let before: [(Int, String)]
        let after: [(Int, String)]
    }

    static let maximumFileSize = 16 << 20
    /// The longest line shown whole; longer ones are cut (and marked) so one minified file
    /// cannot fill a page.
    static let lineDisplayLimit = 400

    let root: String
    /// The root with symbolic links resolved (ends with "/"): every opened file must be inside.
    let realRoot: String
    let matcher: Matcher
    let context: Int
    /// Stop collecting (but keep counting files) after this many hits: bounds memory.
    let hitLimit: Int

    /// The matcher for `pattern`.
    /// - Throws: ``ToolFailure`` for an invalid regular expression.
    static func matcher(_ pattern: String, regex: Bool, caseSensitive: Bool) throws -> Matcher {
        guard !pattern.isEmpty else { throw ToolFailure("search_files needs a non-empty pattern.") }
        if !regex {
            let bytes = Array(pattern.utf8)
            if caseSensitive { return .literal(bytes) }
            if bytes.allSatisfy({ $0 < 0x80 }) { return .literalIgnoringASCIICase(bytes.map(Self.lower)) }
            // Non-ASCII letters need Unicode case folding: let ICU do it on the escaped pattern.
            return .regex(try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: pattern), options: [.caseInsensitive]))
        }
        do {
            return .regex(try NSRegularExpression(pattern: pattern, options: caseSensitive ? [.anchorsMatchLines] : [.anchorsMatchLines, .caseInsensitive]))
        } catch {
            throw ToolFailure("'\(pattern)' is not a valid regular expression (ICU syntax, as in most languages: \\b, \\d, (a|b), [^x]). To search for the text itself, call without regex=true.")
        }
    }

    static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// Searches `paths` in order; returns the hits (at most `hitLimit`), the total number of
    /// hits counted, and how many files were searched. Large searches are split into contiguous
    /// slices, one per core, so the order of the hits stays the order of `paths`.
    func run(_ paths: [String]) -> (hits: [Hit], total: Int, searched: Int) {
        let slices = paths.count < 256 ? 1 : min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
        guard slices > 1 else { return run(paths[...]) }
        let size = (paths.count + slices - 1) / slices
        let results = Mutex<[Int: (hits: [Hit], total: Int, searched: Int)]>([:])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let part = run(paths[min(slice * size, paths.count)..<min((slice + 1) * size, paths.count)])
            results.withLock { $0[slice] = part }
        }
        return results.withLock { parts in
            (0..<slices).compactMap { parts[$0] }.reduce(into: (hits: [Hit](), total: 0, searched: 0)) { merged, part in
                merged.hits += part.hits.prefix(max(0, hitLimit - merged.hits.count))
                merged.total += part.total
                merged.searched += part.searched
            }
        }
    }

    private func run(_ paths: ArraySlice<String>) -> (hits: [Hit], total: Int, searched: Int) {
        var hits: [Hit] = []
        var total = 0
        var searched = 0
        var scratch: [UInt8] = []
        for path in paths {
            guard let bytes = Self.readFile(root + path, inside: realRoot) else { continue }
            if bytes.withUnsafeBytes({ buffer in buffer.baseAddress.map { memchr($0, 0, min(buffer.count, 8192)) != nil } ?? false }) { continue }
            searched += 1
            let lineStarts: [Int]
            switch matcher {
            case .literal(let needle):
                lineStarts = Self.matchingLineStarts(ByteSearch.offsets(of: needle, in: bytes), in: bytes)
            case .literalIgnoringASCIICase(let needle):
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: bytes.lazy.map(Self.lower))
                lineStarts = Self.matchingLineStarts(ByteSearch.offsets(of: needle, in: scratch), in: bytes)
            case .regex(let expression):
                lineStarts = Self.regexLineStarts(expression, in: bytes)
            }
            guard !lineStarts.isEmpty else { continue }
            total += lineStarts.count
            guard hits.count < hitLimit else { continue }
            hits.append(contentsOf: describe(lineStarts.prefix(hitLimit - hits.count), in: bytes, path: path))
        }
        return (hits, total, searched)
    }

    /// The start offset of each line holding at least one of `offsets` (ascending), once per line.
    static func matchingLineStarts(_ offsets: [Int], in bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var lineEnd = -1
        for offset in offsets where offset >= lineEnd {
            var start = offset
            while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            starts.append(start)
            lineEnd = (bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count) + 1
        }
        return starts
    }

    static func regexLineStarts(_ expression: NSRegularExpression, in bytes: [UInt8]) -> [Int] {
        guard let text = String(validating: bytes, as: UTF8.self) else { return [] }
        let utf16 = Array(text.utf16)
        var starts: [Int] = []
        var lastLine = -1
        // Map UTF-16 offsets of matches back to byte offsets of line starts, walking forward once.
        var unit = 0, byte = 0, lineStart = 0
        expression.enumerateMatches(in: text, options: [], range: NSRange(location: 0, length: utf16.count)) { match, _, _ in
            guard let match else { return }
            let target = match.range.location
            while unit < target {
                let codeUnit = utf16[unit]
                if codeUnit == 0x0A { lineStart = byte + 1 }
                // UTF-8 length of this code unit's scalar (surrogate pairs count 4 bytes together).
                byte += codeUnit < 0x80 ? 1 : codeUnit < 0x800 ? 2 : (0xD800...0xDBFF).contains(codeUnit) ? 4 : (0xDC00...0xDFFF).contains(codeUnit) ? 0 : 3
                unit += 1
            }
            if lineStart != lastLine {
                starts.append(lineStart)
                lastLine = lineStart
            }
        }
        return starts
    }

    private func describe(_ starts: ArraySlice<Int>, in bytes: [UInt8], path: String) -> [Hit] {
        // Every line's start, only when context is wanted (and only for files with hits).
        let lineIndex: [Int]? = context > 0 ? [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") && $0 + 1 < bytes.count }.map { $0 + 1 } : nil
        var hits: [Hit] = []
        var line = 1, position = 0
        for start in starts {
            for byte in bytes[position..<start] where byte == UInt8(ascii: "\n") { line += 1 }
            position = start
            var before: [(Int, String)] = [], after: [(Int, String)] = []
            if let lineIndex {
                for number in max(1, line - context)..<line { before.append((number, Self.text(ofLineAt: lineIndex[number - 1], in: bytes))) }
                for number in (line + 1)..<min(lineIndex.count + 1, line + context + 1) { after.append((number, Self.text(ofLineAt: lineIndex[number - 1], in: bytes))) }
            }
            hits.append(Hit(path: path, line: line, text: Self.text(ofLineAt: start, in: bytes), before: before, after: after))
        }
        return hits
    }

    static func text(ofLineAt start: Int, in bytes: [UInt8]) -> String {
        var end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        return line.utf8.count <= lineDisplayLimit ? line : String(line.prefix(utf8: lineDisplayLimit)) + " …[line cut]"
    }

    /// The bytes of a regular file, never through a symbolic link; nil when unreadable, too
    /// large, or (a folder swapped for a link after the scan) opened outside `realRoot`.
    static func readFile(_ path: String, inside realRoot: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        #if os(Linux)
        // O_NOFOLLOW guards the last component only; the kernel's name for the open file tells
        // where it really is, whatever links its folders went through (one readlink per file).
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/fd/\(descriptor)", &target, target.count - 1)
        guard length > 0, String(decoding: target[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self).hasPrefix(realRoot) else { return nil }
        #endif
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size <= maximumFileSize else { return nil }
        let size = Int(info.st_size)
        guard size > 0 else { return [] }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let got = read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { failed = got < 0; break }
                count += got
            }
        }
        return failed ? nil : bytes
    }
}
