import Foundation
import LetsworkReview
import Logging

/// What one operation on the oldest pending change costs under a short and a deep queue: a new
/// revision, an approval and a rejection, each measured with `depths` changes pending (the
/// queue is refilled after each decision, so every sample sees the same depth).
///
/// The depths take turns sample by sample, each on a repository and store of its own, so that
/// whatever the machine does meanwhile (another process, the kernel writing out files) falls on
/// every depth alike: the ratio is the figure that matters, and measuring the depths one after
/// the other made it swing with the minute.
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

    /// One depth's repository, store and queue of changes, oldest first.
    final class Lane {
        let root: String
        let paths: [String]
        let store: ChangeStore
        var queue: [(id: String, guest: Person, path: String)] = []
        var next = 0
        var pair = Samples(), revise = Samples(), approve = Samples(), reject = Samples()

        init(root: String, paths: [String], store: ChangeStore) {
            self.root = root
            self.paths = paths
            self.store = store
        }
    }

    func run(in folder: String) throws -> [Row] {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        var lanes: [Lane] = []
        for depth in depths {
            let root = folder + "/queue-\(fileCount)-\(depth)"
            let paths = try RepositoryGenerator.make(at: root, count: fileCount, fileSize: 1024)
            let lane = Lane(root: root, paths: paths, store: try ChangeStore.open(containing: root, logger: logger))
            for _ in 0..<depth { lane.queue.append(try propose(in: lane)) }
            lanes.append(lane)
        }
        // The generated files on disk before anything is measured (see RepositoryGenerator).
        sync()
        for round in 0..<samples {
            for lane in lanes {
                // The server benchmark's pair, through the API: a new change, then its approval.
                let path = lane.paths[(lane.paths.count / 2 + round * 13) % lane.paths.count]
                let operation = try edit(lane.root, path, "// pair \(round)\n")
                try measure(into: &lane.pair) {
                    let result = try lane.store.submit([operation], by: Person(id: "pair", name: "pair"))
                    _ = try lane.store.approve(result.changeID)
                }
            }
        }
        for round in 0..<samples {
            for lane in lanes {
                let oldest = lane.queue[0]
                let operation = try edit(lane.root, oldest.path, "// revision \(round)\n")
                try measure(into: &lane.revise) { _ = try lane.store.submit([operation], by: oldest.guest) }
            }
        }
        for _ in 0..<samples {
            for lane in lanes {
                let oldest = lane.queue.removeFirst()
                try measure(into: &lane.approve) { _ = try lane.store.approve(oldest.id) }
                lane.queue.append(try propose(in: lane))
            }
        }
        for _ in 0..<samples {
            for lane in lanes {
                let oldest = lane.queue.removeFirst()
                try measure(into: &lane.reject) { _ = try lane.store.reject(oldest.id, reason: "bench") }
                lane.queue.append(try propose(in: lane))
            }
        }
        var rows: [Row] = []
        for (lane, depth) in zip(lanes, depths) {
            for (name, values) in [("pair: a new change, then its approval", lane.pair), ("revision of the oldest", lane.revise),
                                   ("approve the oldest", lane.approve), ("reject the oldest", lane.reject)] {
                rows.append(Row(operation: name, files: fileCount, depth: depth, p50: values.p50, p95: values.p95))
            }
        }
        return rows
    }

    /// A new guest's edit of a file of its own, spread over the tree.
    private func propose(in lane: Lane) throws -> (id: String, guest: Person, path: String) {
        let path = lane.paths[(lane.next * 37) % lane.paths.count]
        let guest = Person(id: "guest-\(lane.next)", name: "guest \(lane.next)")
        lane.next += 1
        let result = try lane.store.submit([try edit(lane.root, path, "// change \(lane.next)\n")], by: guest)
        return (result.changeID, guest, path)
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
