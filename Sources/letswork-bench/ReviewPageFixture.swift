import Foundation
import LetsworkReview

/// `letswork-bench review-fixture FOLDER`: the repositories bench/review_page_bench.py serves
/// with `letswork review` — a queue of 100 pending changes, and one change of 50 files — made
/// through the engine's own API, as guests' proposals are. Prints the wide change's id.
enum ReviewPageFixture {
    static func make(in folder: String) throws {
        let queue = folder + "/queue-100"
        let paths = try RepositoryGenerator.make(at: queue, count: 300, fileSize: 4_000)
        let store = try ChangeStore.open(containing: queue)
        for index in 0..<100 {
            let proposer = Person(id: "guest-\(index % 5)", name: "guest \(index % 5)")
            let files = (0..<3).map { paths[index * 3 + $0] }
            _ = try store.submit(try files.map { .write(try RepoPath($0), content: try edited(at: queue + "/" + $0, seed: index)) },
                             by: proposer, summary: "Change \(index): rename the fox")
        }
        let wide = folder + "/change-50"
        let widePaths = try RepositoryGenerator.make(at: wide, count: 60, fileSize: 8_000)
        let wideStore = try ChangeStore.open(containing: wide)
        let result = try wideStore.submit(try widePaths.prefix(50).map { .write(try RepoPath($0), content: try edited(at: wide + "/" + $0, seed: 7)) },
                                          by: Person(id: "guest", name: "guest"), summary: "Fifty files at once")
        print(result.changeID)
    }

    /// The file with every tenth line changed by a word or two, so diffs have many hunks and
    /// the page's word marking has work to do.
    private static func edited(at path: String, seed: Int) throws -> [UInt8] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        return Array(lines.enumerated().map { index, line in
            index % 10 == 5 ? line.replacingOccurrences(of: "brown fox", with: "red fox \(seed)") : String(line)
        }.joined(separator: "\n").utf8)
    }
}
