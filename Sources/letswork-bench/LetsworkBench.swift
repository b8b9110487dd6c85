import Foundation
import GitKit
import LetsworkReview

/// `letswork-bench`: measures letswork and writes a markdown table and a JSON file.
/// Run through `scripts/bench`, which builds it in release mode.
@main
struct LetsworkBench {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        // The engine as `letswork start` runs it: the libgit2 settings of Tuning.server
        // (Sources/letswork/Tuning.swift), which this executable cannot import.
        try Libgit2Settings.setCacheLimits(largestTree: 1 << 20, total: 4 << 20)
        try Libgit2Settings.setObjectChecks(verifyHashes: false, checkReferences: false)
        try Libgit2Settings.setLooseObjectCompression(level: 1)
        if arguments.first == "scan", let path = arguments.dropFirst().first {
            // `letswork-bench scan REPO [N]`: N scans of an existing repository, for profilers.
            let store = try ChangeStore.open(containing: path)
            for _ in 0..<(arguments.dropFirst(2).first.flatMap { Int($0) } ?? 10) {
                let start = DispatchTime.now().uptimeNanoseconds
                let listing = try store.scanWorkingTree(sizes: ProcessInfo.processInfo.environment["SIZES"] != "0")
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                print(String(format: "%d files in %.1f ms", listing.files.count, elapsed))
            }
            return
        }
        if arguments.first == "review-fixture", let folder = arguments.dropFirst().first {
            try ReviewPageFixture.make(in: folder)
            return
        }
        if arguments.first == "queue" {
            // `letswork-bench queue [FILES] [OUTPUT]`: the deep-queue rows (1 vs 100 pending).
            let files = arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000
            let output = arguments.dropFirst(2).first ?? "bench-results"
            let base = ProcessInfo.processInfo.environment["LETSWORK_BENCH_DIR"] ?? NSTemporaryDirectory()
            let folder = base + "/letswork-queue-\(getpid())"
            defer { if ProcessInfo.processInfo.environment["LETSWORK_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: folder) } }
            // LETSWORK_BENCH_DEPTHS="1,100" by default; one depth alone is for profiling it.
            let depths = ProcessInfo.processInfo.environment["LETSWORK_BENCH_DEPTHS"]
                .map { $0.split(separator: ",").compactMap { Int($0) } }.flatMap { $0.isEmpty ? nil : $0 } ?? [1, 100]
            let rows = try QueueDepthBenchmark(fileCount: files, depths: depths, samples: 30).run(in: folder)
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let table = QueueDepthBenchmark.table(rows, depths: depths)
            try table.write(toFile: output + "/queue-\(files).md", atomically: true, encoding: .utf8)
            print(table)
            return
        }
        let sizes = arguments.first.map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1_000, 10_000, 100_000]
        let output = arguments.dropFirst().first ?? "bench-results"
        let base = ProcessInfo.processInfo.environment["LETSWORK_BENCH_DIR"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let folder = base.appendingPathComponent("letswork-bench-\(getpid())").path
        // scripts/bench sets LETSWORK_BENCH_KEEP and removes its scratch folder once, at the end.
        defer { if ProcessInfo.processInfo.environment["LETSWORK_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var rows: [EngineBenchmark.Row] = []
        for size in sizes {
            FileHandle.standardError.write(Data("engine: \(size) files…\n".utf8))
            rows += try EngineBenchmark(fileCount: size, changes: 100).run(in: folder)
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(rows).write(to: URL(fileURLWithPath: output + "/engine.json"))
        var table = "| operation | " + sizes.map { "\($0) files p50 / p95 (ms)" }.joined(separator: " | ") + " |\n"
        table += "|---|" + sizes.map { _ in "---|" }.joined() + "\n"
        var operations: [String] = []
        for row in rows where !operations.contains(row.operation) { operations.append(row.operation) }
        for operation in operations {
            let cells = sizes.map { size -> String in
                guard let row = rows.first(where: { $0.operation == operation && $0.files == size }) else { return "–" }
                return String(format: "%.2f / %.2f", row.p50, row.p95)
            }
            table += "| \(operation) | " + cells.joined(separator: " | ") + " |\n"
        }
        try table.write(toFile: output + "/engine.md", atomically: true, encoding: .utf8)
        print(table)
    }
}
