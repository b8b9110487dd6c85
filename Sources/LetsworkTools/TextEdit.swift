/// One exact-text replacement of edit_file: `old_text` must occur exactly once (or, with
/// `replaceAll`, at least once) in the text as the earlier edits left it.
struct TextEdit {
    let oldText: [UInt8]
    let newText: [UInt8]
    let replaceAll: Bool

    /// Where an edit matched, for the result ("edit 1: line 12").
    struct Applied {
        let lines: [Int]
    }

    /// Applies `edits` in order to `content`.
    /// - Throws: ``ToolFailure`` naming the edit that did not match once, and where it looked.
    static func apply(_ edits: [TextEdit], to content: [UInt8], in place: String) throws -> (content: [UInt8], applied: [Applied]) {
        var current = content
        var applied: [Applied] = []
        for (index, edit) in edits.enumerated() {
            let label = edits.count == 1 ? "The edit" : "Edit \(index + 1) of \(edits.count)"
            let offsets = ByteSearch.offsets(of: edit.oldText, in: current)
            if offsets.isEmpty {
                throw ToolFailure("\(label): old_text was not found in \(place)\(index > 0 ? " (after the earlier edits)" : ""). "
                                  + closest(to: edit.oldText, in: current)
                                  + " old_text must match the file exactly, indentation and line breaks included; read the file again to copy it.")
            }
            if offsets.count > 1 && !edit.replaceAll {
                let lines = lineNumbers(of: offsets, in: current)
                let shown = lines.prefix(20).map(String.init).joined(separator: ", ") + (lines.count > 20 ? ", …" : "")
                throw ToolFailure("\(label): old_text matches \(offsets.count) times in \(place), at lines \(shown). Add surrounding lines to old_text so it matches once, or set replace_all=true to replace every occurrence.")
            }
            let lines = lineNumbers(of: offsets, in: current)
            var result: [UInt8] = []
            result.reserveCapacity(current.count + offsets.count * (edit.newText.count - edit.oldText.count))
            var position = 0
            for offset in offsets {
                result.append(contentsOf: current[position..<offset])
                result.append(contentsOf: edit.newText)
                position = offset + edit.oldText.count
            }
            result.append(contentsOf: current[position...])
            current = result
            applied.append(Applied(lines: lines))
        }
        return (current, applied)
    }

    /// The 1-based line of each offset (ascending), in one pass.
    static func lineNumbers(of offsets: [Int], in bytes: [UInt8]) -> [Int] {
        var lines: [Int] = []
        var line = 1
        var position = 0
        for offset in offsets {
            for byte in bytes[position..<offset] where byte == UInt8(ascii: "\n") { line += 1 }
            position = offset
            lines.append(line)
        }
        return lines
    }

    /// The lines most like old_text's first non-blank line, so the agent sees where it went wrong.
    static func closest(to needle: [UInt8], in content: [UInt8]) -> String {
        let wanted = String(decoding: needle, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingWhitespace() }.first { !$0.isEmpty }
        guard let wanted else { return "old_text has only blank lines." }
        let target = bigrams(wanted)
        var scored: [(score: Double, line: Int, text: Substring)] = []
        for (index, line) in String(decoding: content, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            let score = trimmed == wanted ? 1 : dice(target, bigrams(trimmed))
            if score >= 0.5 { scored.append((score, index + 1, line)) }
        }
        guard !scored.isEmpty else { return "No line resembles its first line (\"\(wanted.prefix(80))\")." }
        let best = scored.sorted { $0.score == $1.score ? $0.line < $1.line : $0.score > $1.score }.prefix(3)
        let exact = best.contains { $0.score == 1 }
        return (exact ? "Its first line occurs (ignoring indentation), but what follows differs; nearest lines:" : "Closest lines to its first line:")
            + best.map { " line \($0.line): \"\($0.text.prefix(120))\"" }.joined(separator: ";") + "."
    }

    private static func bigrams(_ text: Substring) -> [UInt16: Int] {
        var counts: [UInt16: Int] = [:]
        let bytes = Array(text.utf8.prefix(400))
        for index in bytes.indices.dropLast() { counts[UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), default: 0] += 1 }
        return counts
    }

    /// Sørensen–Dice similarity of two bigram multisets (1 = same, 0 = nothing shared).
    private static func dice(_ a: [UInt16: Int], _ b: [UInt16: Int]) -> Double {
        let total = a.values.reduce(0, +) + b.values.reduce(0, +)
        guard total > 0 else { return 0 }
        let shared = a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
        return Double(2 * shared) / Double(total)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
