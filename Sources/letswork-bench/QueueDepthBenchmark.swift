import Foundation
import LetsworkReview
import Logging

/// What one operation on the oldest pending change costs under a short and a deep queue: a new
/// revision, an approval and a rejection, each measured with `depths` changes pending (the
/// queue is refilled after each decision, so every sample sees the same depth).
struct QueueDepthBenchmark {
    let fileCount: Int
    let depths: [Int]
    let samples: Int

    struct Row: Codable {
        let operation: String
        let files: Int
        let depth: Int
        let p50: Double
        let p95: Double
    }

    func run(in folder: String) throws -> [Row] {
        var rows: [Row] = []
        for depth in depths {
            let root = folder + "/queue-\(fileCount)-\(depth)"
            let paths = try RepositoryGenerator.make(at: root, count: fileCount, fileSize: 1024)
            var logger = Logger(label: "bench")
            logger.logLevel = .error
            let store = try ChangeStore.open(containing: root, logger: logger)
            var next = 0
            // Each change is a new guest's edit of a file of its own, spread over the tree.
            func propose() throws -> (id: String, guest: Person, path: String) {
                let path = paths[(next * 37) % paths.count]
                let guest = Person(id: "guest-\(next)", name: "guest \(next)")
                next += 1
                let result = try store.submit([try edit(root, path, "// change \(next)\n")], by: guest)
                return (result.changeID, guest, path)
            }
            var queue: [(id: String, guest: Person, path: String)] = []
            for _ in 0..<depth { queue.append(try propose()) }
            var revise = Samples(), approve = Samples(), reject = Samples(), pair = Samples()
            for round in 0..<samples {
                // The server benchmark's pair, through the API: a new change, then its approval.
                let path = paths[(paths.count / 2 + round * 13) % paths.count]
                let operation = try edit(root, path, "// pair \(round)\n")
                try measure(into: &pair) {
                    let result = try store.submit([operation], by: Person(id: "pair", name: "pair"))
                    _ = try store.approve(result.changeID)
                }
            }
            for round in 0..<samples {
                let oldest = queue[0]
                let operation = try edit(root, oldest.path, "// revision \(round)\n")
                try measure(into: &revise) { _ = try store.submit([operation], by: oldest.guest) }
            }
            for _ in 0..<samples {
                let oldest = queue.removeFirst()
                try measure(into: &approve) { _ = try store.approve(oldest.id) }
                queue.append(try propose())
            }
            for _ in 0..<samples {
                let oldest = queue.removeFirst()
                try measure(into: &reject) { _ = try store.reject(oldest.id, reason: "bench") }
                queue.append(try propose())
            }
            for (name, values) in [("pair: a new change, then its approval", pair), ("revision of the oldest", revise), ("approve the oldest", approve), ("reject the oldest", reject)] {
                rows.append(Row(operation: name, files: fileCount, depth: depth, p50: values.p50, p95: values.p95))
            }
        }
        return rows
    }

    private func edit(_ root: String, _ path: String, _ line: String) throws -> FileOperation {
        let current = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
        return .write(try RepoPath(path), content: Array((current + line).utf8))
    }

    /// A markdown table: one line per operation, one column per depth, and the deepest over the
    /// shallowest.
    static func table(_ rows: [Row], depths: [Int]) -> String {
        var table = "| operation (\(rows.first?.files ?? 0) files), p50 / p95 ms | "
            + depths.map { "\($0) pending" }.joined(separator: " | ") + " | deepest / shallowest (p50) |\n"
        table += "|---|" + depths.map { _ in "---|" }.joined() + "---|\n"
        var operations: [String] = []
        for row in rows where !operations.contains(row.operation) { operations.append(row.operation) }
        for operation in operations {
            let mine = rows.filter { $0.operation == operation }
            let cells = depths.map { depth in
                mine.first { $0.depth == depth }.map { String(format: "%.2f / %.2f", $0.p50, $0.p95) } ?? "–"
            }
            let ratio = (mine.last?.p50 ?? .nan) / (mine.first?.p50 ?? .nan)
            table += "| \(operation) | " + cells.joined(separator: " | ") + String(format: " | %.2f× |\n", ratio)
        }
        return table
    }
}
