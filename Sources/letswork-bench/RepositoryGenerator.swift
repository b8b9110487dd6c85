import Foundation
import GitKit

/// Makes a benchmark repository: `count` text files of about `fileSize` bytes in a two-level
/// folder layout (like a real project: few entries at the root), committed once with libgit2.
enum RepositoryGenerator {
    static func make(at path: String, count: Int, fileSize: Int) throws -> [String] {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let repository = try Repository.create(at: path)
        var paths: [String] = []
        paths.reserveCapacity(count)
        let perFolder = 100
        let line = "let value = \"the quick brown fox jumps over the lazy dog\" // filler\n"
        let body = String(repeating: line, count: max(1, fileSize / line.utf8.count))
        for index in 0..<count {
            let folder = "module\(index / (perFolder * 100))/part\((index / perFolder) % 100)"
            let file = "\(folder)/file\(index).swift"
            if index % perFolder == 0 {
                try FileManager.default.createDirectory(atPath: path + "/" + folder, withIntermediateDirectories: true)
            }
            try Data("// \(file)\n\(body)".utf8).write(to: URL(fileURLWithPath: path + "/" + file))
            paths.append(file)
        }
        let tree = try repository.stageAllFiles()
        let signature = Signature(name: "bench", email: "bench@letswork.invalid", time: 1_700_000_000)
        let commit = try repository.createCommit(tree: tree, parents: [], author: signature, committer: signature,
                                                 message: "Generated \(count) files\n")
        try repository.updateReference(try repository.headBranch() ?? "refs/heads/main", to: commit, expecting: nil,
                                       message: "bench")
        return paths
    }
}
