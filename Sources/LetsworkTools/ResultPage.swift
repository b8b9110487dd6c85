/// Keeps every tool result readable by an agent: longer output is split into pages, each ending
/// with the exact call that fetches the next one. Nothing is ever cut without saying so.
struct ResultPage<Item> {
    /// The text budget of one page, in UTF-8 bytes, as the running tool's catalog entry sets it
    /// (``ToolEntry/Pages``), with room left for headers and hints.
    static var budget: Int { PageBudget.bytes }

    /// The items on this page, from `start` (an index into the whole list).
    let items: ArraySlice<Item>
    let start: Int
    let total: Int

    /// Index of the first item of the next page, nil on the last page.
    var next: Int? { items.endIndex < total ? items.endIndex : nil }

    /// Takes items from `start` while their rendered size fits `budget` (always at least one, so
    /// a page always advances) and, when given, at most `limit` of them.
    init(_ all: [Item], from start: Int, limit: Int? = nil, budget: Int = Self.budget, size: (Item) -> Int) {
        let first = min(max(start, 0), all.count)
        var end = first
        var used = 0
        while end < all.count, limit.map({ end - first < $0 }) ?? true {
            let cost = size(all[end]) + 1
            if end > first && used + cost > budget { break }
            used += cost
            end += 1
        }
        items = all[first..<end]
        self.start = first
        total = all.count
    }

    /// "entries 1–500 of 2,000", 1-based as a reader counts.
    func range(_ noun: String) -> String {
        items.isEmpty ? "no \(noun) from \(start) (there are \(total))" : "\(noun) \(start + 1)–\(items.endIndex) of \(total)"
    }
}

extension String {
    /// The first `limit` UTF-8 bytes of this string, cut at a character boundary.
    func prefix(utf8 limit: Int) -> Substring {
        guard utf8.count > limit else { return self[...] }
        var end = utf8.index(startIndex, offsetBy: limit)
        while !isCharacterBoundary(end) { end = utf8.index(before: end) }
        return self[..<end]
    }

    private func isCharacterBoundary(_ index: Index) -> Bool {
        index == startIndex || index == endIndex || index.samePosition(in: unicodeScalars) != nil
    }
}
