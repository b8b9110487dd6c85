import GitKit
import Mustache

/// What the templates render for one file's diff: unified rows and side-by-side rows, each line
/// cut into segments with the changed words marked. Every string here is guest-controlled and
/// reaches the page only through escaping `{{…}}` tags.
struct FileView {
    struct Cell {
        let number: String
        /// "+", "-" or " ": the diff marker, so the page reads without colour.
        let marker: String
        let kind: String
        let segments: [SegmentView]
    }
    struct SegmentView {
        let text: String
        let added: Bool
        let removed: Bool
        let plain: Bool
    }
    struct UnifiedRow {
        let oldNumber: String
        let newNumber: String
        let cell: Cell
    }
    struct SplitRow {
        let left: Cell
        let right: Cell
    }
    struct Hunk {
        let header: String
        let unified: [UnifiedRow]
        let split: [SplitRow]
    }

    let path: String
    let anchor: String
    let statusLabel: String
    let additions: Int
    let deletions: Int
    let binary: Bool
    let hunks: [Hunk]
    let empty: Bool

    init(_ diff: FileDiff, index: Int) {
        path = diff.status == .renamed ? "\(diff.oldPath) → \(diff.path)" : diff.path
        anchor = "file-\(index + 1)"
        statusLabel = diff.status.rawValue
        additions = diff.additions
        deletions = diff.deletions
        binary = diff.isBinary
        hunks = PatchParser.hunks(of: diff.patch).map(Self.hunk)
        empty = hunks.isEmpty && !diff.isBinary
    }

    private static func hunk(_ hunk: DiffHunk) -> Hunk {
        var unified: [UnifiedRow] = []
        var split: [SplitRow] = []
        var index = 0
        let lines = hunk.lines
        while index < lines.count {
            let line = lines[index]
            if line.kind == .context || line.kind == .note {
                let cell = Self.cell(line, [SegmentView(text: line.text, added: false, removed: false, plain: true)])
                unified.append(UnifiedRow(oldNumber: number(line.oldNumber), newNumber: number(line.newNumber), cell: cell))
                split.append(SplitRow(left: cell, right: cell))
                index += 1
                continue
            }
            // A block of removed lines then added lines: pair them row by row, so each removed
            // line faces its replacement and their changed words can be marked.
            var removed: [DiffLine] = [], added: [DiffLine] = []
            while index < lines.count, lines[index].kind == .removed { removed.append(lines[index]); index += 1 }
            while index < lines.count, lines[index].kind == .added { added.append(lines[index]); index += 1 }
            var leftCells: [Cell] = [], rightCells: [Cell] = []
            for row in 0..<max(removed.count, added.count) {
                let old = row < removed.count ? removed[row] : nil
                let new = row < added.count ? added[row] : nil
                var oldSegments = old.map { [Segment(text: $0.text, changed: false)] } ?? []
                var newSegments = new.map { [Segment(text: $0.text, changed: false)] } ?? []
                if let old, let new { (oldSegments, newSegments) = WordDiff.mark(old.text, new.text) }
                let left = old.map { cell($0, oldSegments.map { SegmentView(text: $0.text, added: false, removed: $0.changed, plain: !$0.changed) }) } ?? blank
                let right = new.map { cell($0, newSegments.map { SegmentView(text: $0.text, added: $0.changed, removed: false, plain: !$0.changed) }) } ?? blank
                split.append(SplitRow(left: left, right: right))
                if old != nil { leftCells.append(left) }
                if new != nil { rightCells.append(right) }
            }
            for (line, cell) in zip(removed, leftCells) {
                unified.append(UnifiedRow(oldNumber: number(line.oldNumber), newNumber: "", cell: cell))
            }
            for (line, cell) in zip(added, rightCells) {
                unified.append(UnifiedRow(oldNumber: "", newNumber: number(line.newNumber), cell: cell))
            }
        }
        return Hunk(header: hunk.header, unified: unified, split: split)
    }

    private static let blank = Cell(number: "", marker: "", kind: "blank", segments: [])

    private static func cell(_ line: DiffLine, _ segments: [SegmentView]) -> Cell {
        let marker: String
        switch line.kind {
        case .added: marker = "+"
        case .removed: marker = "-"
        case .context: marker = " "
        case .note: marker = ""
        }
        return Cell(number: number(line.kind == .added ? line.newNumber : line.oldNumber ?? line.newNumber),
                    marker: marker, kind: line.kind.rawValue, segments: segments)
    }

    private static func number(_ value: Int?) -> String { value.map(String.init) ?? "" }
}

// The diff rows are the bulk of a large page (a 50-file change has thousands of cells): they
// answer Mustache's lookups directly instead of through `Mirror`, which builds a reflection of
// the value at every lookup. docs/performance.md has the figures.
extension FileView.Cell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "marker": marker
        case "kind": kind
        case "segments": segments
        default: nil
        }
    }
}

extension FileView.SegmentView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "added": added
        case "removed": removed
        case "plain": plain
        default: nil
        }
    }
}

extension FileView.UnifiedRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "oldNumber": oldNumber
        case "newNumber": newNumber
        case "cell": cell
        default: nil
        }
    }
}

extension FileView.SplitRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "left": left
        case "right": right
        default: nil
        }
    }
}

extension FileView.Hunk: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "header": header
        case "unified": unified
        case "split": split
        default: nil
        }
    }
}

extension FileView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "path": path
        case "anchor": anchor
        case "statusLabel": statusLabel
        case "additions": additions
        case "deletions": deletions
        case "binary": binary
        case "hunks": hunks
        case "empty": empty
        default: nil
        }
    }
}
