import Foundation
import Testing
import LetsworkTestSupport

/// Runs `letswork` with `arguments` in `folder`, as a user would.
func letswork(_ arguments: String..., in folder: String) throws -> ProcessResult {
    try runProcess(letsworkExecutable, arguments, in: folder)
}

@Suite("The host's review commands")
struct CLITests {
    @Test("pending, show, approve, reject and log, end to end in a real repository")
    func reviewFlow() throws {
        try TemporaryRepository.with(files: ["a.txt": "old\n", "b.txt": "bee\n"]) { repo in
            #expect(try letswork("pending", in: repo.path).output == "No pending changes.\n")
            let first = try repo.propose("a.txt", "new\n", by: "alice")
            let second = try repo.propose("b.txt", "bee?\n", by: "bob")

            let pending = try letswork("pending", in: repo.path)
            #expect(pending.status == 0)
            #expect(pending.output.contains("\(first)  alice  a.txt  +1 -1"))
            #expect(pending.output.contains("applies cleanly"))
            #expect(!pending.output.contains("\u{1B}["))  // no colour when not on a terminal

            let shown = try letswork("show", first, in: repo.path)
            #expect(shown.output.contains("Proposed by alice"))
            #expect(shown.output.contains("-old\n+new\n"))

            let approve = try letswork("approve", first, in: repo.path)
            #expect(approve.status == 0)
            #expect(approve.output.contains("Approved \(first) from alice"))
            #expect(repo.read("a.txt") == "new\n")

            let again = try letswork("approve", first, in: repo.path)
            #expect(again.status == 1)
            #expect(again.errors == "letswork: Change \(first) is already approved; only pending changes can be approved or rejected. See `letswork log`.\n")

            let reject = try letswork("reject", second, "--reason", "not now", in: repo.path)
            #expect(reject.status == 0)
            #expect(repo.read("b.txt") == "bee\n")

            let log = try letswork("log", in: repo.path).output
            #expect(log.contains("\(second)  rejected by Hosta Host") && log.contains("— not now"))
            #expect(log.contains("\(first)  approved by Hosta Host"))
            #expect(!(try letswork("log", "--approved", in: repo.path).output.contains(second)))
            #expect(try letswork("log", "--rejected", "-n", "1", in: repo.path).output.contains(second))
        }
    }

    @Test("errors are one clear line and a non-zero exit")
    func errors() throws {
        try TemporaryRepository.with { repo in
            let unknown = try letswork("approve", "0000abcd", in: repo.path)
            #expect(unknown.status == 1)
            #expect(unknown.errors.hasPrefix("letswork: No change has the id 0000abcd."))
            let malformed = try letswork("show", "../../etc", in: repo.path)
            #expect(malformed.status != 0)
            #expect(malformed.errors.contains("is not a change id"))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-cli-\(UUID().uuidString.prefix(6))").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let outside = try letswork("pending", in: folder)
            #expect(outside.status == 1)
            #expect(outside.errors.contains("is not inside a git repository") && outside.errors.contains("--init"))
            #expect(outside.errors.split(separator: "\n").count == 1)
        }
    }

    @Test("a conflict exits non-zero, lists the conflicting lines, and writes nothing")
    func conflict() throws {
        try TemporaryRepository.with(files: ["a.txt": "one\ntwo\nthree\n"]) { repo in
            let id = try repo.propose("a.txt", "one\nTWO guest\nthree\n", by: "alice")
            try repo.write("a.txt", "one\nTWO host\nthree\n")
            let run = try letswork("approve", id, in: repo.path)
            #expect(run.status == 1)
            #expect(run.errors.contains("conflicts with your edits; nothing was written"))
            #expect(run.output.contains("host:     TWO host") && run.output.contains("proposed: TWO guest"))
            #expect(repo.read("a.txt") == "one\nTWO host\nthree\n")
            #expect(try letswork("pending", in: repo.path).output.contains("conflicts (a.txt)"))
        }
    }

    @Test("several processes approving and rejecting at once lose no update")
    func concurrentProcesses() throws {
        let files = Dictionary(uniqueKeysWithValues: (0..<8).map { ("f\($0).txt", "v\n") })
        try TemporaryRepository.with(files: files) { repo in
            let ids = try (0..<8).map { try repo.propose("f\($0).txt", "new \($0)\n", by: "guest\($0)") }
            let results = ResultList()
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let run = index % 2 == 0 ? try? letswork("approve", ids[index], in: repo.path)
                                         : try? letswork("reject", ids[index], "--reason", "r", in: repo.path)
                results.append(run?.status ?? -1)
            }
            #expect(results.values == Array(repeating: 0, count: 8))
            #expect(try repo.log("refs/letswork/approved").count == 4)
            #expect(try repo.log("refs/letswork/rejected").count == 4)
            #expect(try repo.log("HEAD..refs/letswork/pending").isEmpty)
            for index in stride(from: 0, to: 8, by: 2) { #expect(repo.read("f\(index).txt") == "new \(index)\n") }
            for index in stride(from: 1, to: 8, by: 2) { #expect(repo.read("f\(index).txt") == "v\n") }
        }
    }
}

final class ResultList: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched while `lock` is held.
    private let lock = NSLock()
    private var items: [Int32] = []
    func append(_ item: Int32) { lock.lock(); items.append(item); lock.unlock() }
    var values: [Int32] { lock.lock(); defer { lock.unlock() }; return items }
}
