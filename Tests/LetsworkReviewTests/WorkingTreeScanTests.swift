import Foundation
import Testing
import LetsworkTestSupport
@testable import LetsworkReview

@Suite("Scanning the working tree: what git would list, fast")
struct WorkingTreeScanTests {
    @Test("the scan lists exactly the files git ls-files --cached --others --exclude-standard lists")
    func matchesGit() throws {
        let files = ["README.md": "hello\n", ".gitignore": "*.log\nbuild/\n/top-only.txt\n",
                     "src/main.swift": "print(1)\n", "src/deep/a/b/c.txt": "c\n",
                     "keep.log": "tracked although ignored\n", "z/Last.txt": "z\n"]
        try TemporaryRepository.with(files: files) { repo in
            // keep.log is tracked (added before the rule could apply): git still lists it.
            try repo.git("add", "-f", "keep.log")
            try repo.commitAll("track keep.log")
            try repo.write("new.txt", "untracked, not ignored\n")
            try repo.write("debug.log", "ignored by *.log\n")
            try repo.write("build/out.o", "ignored folder\n")
            try repo.write("src/top-only.txt", "only the root one is ignored\n")
            try repo.write("top-only.txt", "ignored at the root\n")
            try repo.write("fresh/one.txt", "untracked folder\n")
            try repo.write("fresh/skip.log", "ignored inside an untracked folder\n")
            try FileManager.default.createSymbolicLink(atPath: repo.path + "/link", withDestinationPath: "README.md")
            try repo.write("src/deleted.txt", "x\n")
            try repo.commitAll("more")
            try FileManager.default.removeItem(atPath: repo.path + "/src/deleted.txt")
            // Another repository inside this one (untracked): neither git nor the scan go in.
            try repo.git("init", "-q", "nested")
            try repo.write("nested/inner.txt", "inside another repository\n")

            let store = try ChangeStore.open(containing: repo.path)
            let listing = try store.scanWorkingTree()
            let expected = try repo.git("ls-files", "--cached", "--others", "--exclude-standard")
                .split(separator: "\n").map(String.init)
                .filter { $0 != "src/deleted.txt" && $0 != "nested/" }
            #expect(listing.files.map(\.path) == expected.sorted())
            #expect(!listing.truncated)
            #expect(listing.files.first { $0.path == "link" }?.kind == .symlink)
            #expect(listing.files.first { $0.path == "src/main.swift" }?.size == 9)
            #expect(!listing.files.contains { $0.path.hasPrefix("nested/") || $0.path.hasPrefix(".git/") })

            let sub = try store.scanWorkingTree(under: "src")
            #expect(sub.files.map(\.path) == expected.filter { $0.hasPrefix("src/") }.sorted())
            let capped = try store.scanWorkingTree(limit: 3)
            #expect(capped.truncated)
            #expect(capped.files.map(\.path) == Array(expected.sorted().prefix(3)))
        }
    }
}
