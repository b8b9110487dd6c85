import Foundation
import LetsworkReview
import Logging

/// The review engine's latencies on one repository size, measured through its public API.
struct EngineBenchmark {
    let fileCount: Int
    let changes: Int

    struct Row: Codable {
        let operation: String
        let files: Int
        let samples: Int
        let p50: Double
        let p95: Double
        let p99: Double
    }

    func run(in folder: String) throws -> [Row] {
        let root = folder + "/repo-\(fileCount)"
        let paths = try RepositoryGenerator.make(at: root, count: fileCount, fileSize: 1024)
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let store = try ChangeStore.open(containing: root, logger: logger)
        var submit = Samples(), revise = Samples(), diff = Samples(), approve = Samples(), reject = Samples()
        var list = Samples(), listWithStatus = Samples(), scan = Samples(), scanWithSizes = Samples()
        // What a recursive list_files, find_files or search_files walks: every file git does not
        // ignore (names only, as they use it), and the same with every file's size.
        for _ in 0..<10 { try measure(into: &scan) { _ = try store.scanWorkingTree(sizes: false) } }
        for _ in 0..<5 { try measure(into: &scanWithSizes) { _ = try store.scanWorkingTree() } }
        // Spread the touched files over the whole tree.
        let stride = max(1, paths.count / (changes * 3))
        func proposal(_ index: Int, _ text: String) throws -> FileOperation {
            let path = paths[(index * stride) % paths.count]
            let original = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            return .write(try RepoPath(path), content: Array((original + text).utf8))
        }
        var ids: [String] = []
        for index in 0..<changes {
            let guest = Person(id: "guest-\(index % 4)", name: "guest \(index % 4)")
            let operation = try proposal(index, "// change \(index)\n")
            try measure(into: &submit) { ids.append(try store.submit([operation], by: guest).changeID) }
        }
        for index in 0..<changes {
            let guest = Person(id: "guest-\(index % 4)", name: "guest \(index % 4)")
            let operation = try proposal(index, "// change \(index), revised\n")
            try measure(into: &revise) { _ = try store.submit([operation], by: guest) }
        }
        for id in ids { try measure(into: &diff) { _ = try store.details(of: id) } }
        for _ in 0..<20 { try measure(into: &list) { _ = try store.pendingChanges() } }
        for _ in 0..<5 { try measure(into: &listWithStatus) { _ = try store.pendingChanges(withStatus: true) } }
        // Approve the newest half one by one, reject the rest (newest first: the common case of
        // reviewing what just arrived); then the oldest-first order is measured separately.
        for (index, id) in ids.enumerated().reversed() {
            if index % 2 == 0 { try measure(into: &approve) { _ = try store.approve(id) } }
            else { try measure(into: &reject) { try store.reject(id, reason: "bench") } }
        }
        var approveOldest = Samples()
        var more: [String] = []
        for index in 0..<changes {
            let guest = Person(id: "guest-x\(index)", name: "guest x\(index)")
            more.append(try store.submit([try proposal(index + changes, "// more \(index)\n")], by: guest).changeID)
        }
        for id in more { try measure(into: &approveOldest) { _ = try store.approve(id) } }
        func row(_ name: String, _ samples: Samples) -> Row {
            Row(operation: name, files: fileCount, samples: samples.values.count, p50: samples.p50, p95: samples.p95, p99: samples.p99)
        }
        return [
            row("scan the working tree: every file, .gitignore honoured", scan),
            row("the same scan with each file's size (a stat per file)", scanWithSizes),
            row("submit (new change, 1 file)", submit),
            row("submit (new revision)", revise),
            row("diff of one change", diff),
            row("list \(changes) pending, with diffs", list),
            row("list \(changes) pending, with apply status", listWithStatus),
            row("approve (newest first)", approve),
            row("reject", reject),
            row("approve (oldest of \(changes) first)", approveOldest),
        ]
    }
}
