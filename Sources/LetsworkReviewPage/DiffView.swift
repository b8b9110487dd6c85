import GitKit
import Mustache

/// What the page shows of one file's diff: unified rows and side-by-side rows, each line cut
/// into segments with the changed words marked. Every string here is guest-controlled and
/// reaches the page only escaped: through `{{…}}` tags, or through ``HTMLWriter`` for the rows.
struct FileView {
    /// One side of a line. Most lines have no marked words: their `text` is the whole line and
    /// `segments` is empty, so the template makes one lookup for them instead of four per segment.
    struct Cell {
        let number: String
        /// "+", "-" or " ": the diff marker, so the page reads without colour.
        let marker: String
        let kind: String
        /// The whole line when no word in it is marked, else "".
        let text: String
        /// The line cut into marked and unmarked pieces, when a word in it is marked.
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
                let cell = Self.cell(line, [])
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
                var oldSegments: [Segment] = [], newSegments: [Segment] = []
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

    private static let blank = Cell(number: "", marker: "", kind: "blank", text: "", segments: [])

    /// A cell of `line`; `segments` empty means no word is marked (then the cell is its text).
    private static func cell(_ line: DiffLine, _ segments: [SegmentView]) -> Cell {
        let marker: String
        switch line.kind {
        case .added: marker = "+"
        case .removed: marker = "-"
        case .context: marker = " "
        case .note: marker = ""
        }
        let marked = segments.contains { !$0.plain }
        return Cell(number: number(line.kind == .added ? line.newNumber : line.oldNumber ?? line.newNumber),
                    marker: marker, kind: line.kind.rawValue, text: marked ? "" : line.text, segments: marked ? segments : [])
    }

    private static func number(_ value: Int?) -> String { value.map(String.init) ?? "" }
}

// The rows are written by ``HTMLWriter`` rather than by the templates: a 50-file change has
// thousands of cells, and each Mustache lookup costs a name split and dynamic casts
// (docs/performance.md has the figures). The rest of the page stays in the templates.
extension FileView {
    /// The unified table's rows: each hunk's header, then its lines.
    var unifiedRows: SafeHTML {
        var html = HTMLWriter(capacity: hunks.reduce(0) { $0 + $1.unified.count } * 160)
        for hunk in hunks {
            html.element(.tr, [.class: "hunk"]) { $0.element(.td, [.colspan: "3"]) { $0.text(hunk.header) } }
            for row in hunk.unified {
                html.element(.tr, [.class: "line " + row.cell.kind]) { html in
                    html.element(.td, [.class: "num"]) { $0.text(row.oldNumber) }
                    html.element(.td, [.class: "num"]) { $0.text(row.newNumber) }
                    html.element(.td, [.class: "code"]) { $0.content(of: row.cell) }
                }
            }
        }
        return html.html
    }

    /// The side-by-side table's rows: the old line's number and text, then the new line's.
    var splitRows: SafeHTML {
        var html = HTMLWriter(capacity: hunks.reduce(0) { $0 + $1.split.count } * 240)
        for hunk in hunks {
            html.element(.tr, [.class: "hunk"]) { $0.element(.td, [.colspan: "4"]) { $0.text(hunk.header) } }
            for row in hunk.split {
                html.element(.tr, [.class: "line"]) { html in
                    for cell in [row.left, row.right] {
                        html.element(.td, [.class: "num"]) { $0.text(cell.number) }
                        html.element(.td, [.class: "code " + cell.kind]) { $0.content(of: cell) }
                    }
                }
            }
        }
        return html.html
    }
}

private extension HTMLWriter {
    /// A cell's marker and text, its changed words in `<ins>` (added) or `<del>` (removed).
    mutating func content(of cell: FileView.Cell) {
        element(.span, [.class: "marker"]) { $0.text(cell.marker) }
        guard !cell.segments.isEmpty else { return text(cell.text) }
        for segment in cell.segments {
            if segment.added {
                element(.ins) { $0.text(segment.text) }
            } else if segment.removed {
                element(.del) { $0.text(segment.text) }
            } else {
                text(segment.text)
            }
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
        case "empty": empty
        case "unifiedRows": unifiedRows
        case "splitRows": splitRows
        default: nil
        }
    }
}
