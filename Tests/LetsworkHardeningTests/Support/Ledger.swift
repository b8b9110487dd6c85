import Foundation
import LetsworkTestSupport

/// Where every change stands, read with the git CLI from the refs contract (the product writes
/// them with libgit2; reading them with git means a bug cannot hide in both).
struct ChangeAccount {
    /// Change ids in each list, in `git log` order, duplicates kept so the test can find them.
    let pending: [String]
    let approved: [String]
    let rejected: [String]

    init(_ repository: TemporaryRepository) throws {
        func ids(_ range: String, ref: String) throws -> [String] {
            let exists = (try? repository.git("rev-parse", "--verify", "-q", ref)) != nil
            guard exists else { return [] }
            return try repository.log(range, format: "%(trailers:key=Change-Id,valueonly)")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        pending = try ids("HEAD..refs/letswork/pending", ref: "refs/letswork/pending")
        approved = try ids("refs/letswork/approved", ref: "refs/letswork/approved")
        rejected = try ids("refs/letswork/rejected", ref: "refs/letswork/rejected")
    }

    enum State: String { case pending, approved, rejected }

    /// The one state of `id`; nil when it is in none of the lists.
    func state(of id: String) -> State? {
        if approved.contains(id) { return .approved }
        if rejected.contains(id) { return .rejected }
        if pending.contains(id) { return .pending }
        return nil
    }

    /// Every way the lists break "each change exactly once": an id twice in one list, or in two.
    var problems: [String] {
        var problems: [String] = []
        for (name, list) in [("pending", pending), ("approved", approved), ("rejected", rejected)] {
            let repeated = Dictionary(grouping: list, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            if !repeated.isEmpty { problems.append("\(name) lists \(repeated) more than once") }
        }
        let inTwo = Set(pending).intersection(approved).union(Set(pending).intersection(rejected))
            .union(Set(approved).intersection(rejected))
        if !inTwo.isEmpty { problems.append("\(inTwo.sorted()) are in two lists at once") }
        return problems
    }
}

/// Files an interrupted atomic write could leave behind (`.name.letswork-XXXX.tmp`), anywhere in
/// the working tree outside `.git`.
func leftoverTemporaryFiles(in root: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var found: [String] = []
    while let path = walker.nextObject() as? String {
        if path == ".git" { walker.skipDescendants(); continue }
        let name = (path as NSString).lastPathComponent
        if name.contains(".letswork-") && name.hasSuffix(".tmp") { found.append(path) }
    }
    return found
}

/// Text of about `size` bytes that names `label` on every line, so that a truncated or mixed-up
/// file can never pass for the right one.
func proposalContent(_ label: String, size: Int) -> String {
    var text = ""
    var line = 0
    while text.utf8.count < size {
        text += "\(label) line \(line): the quick brown fox jumps over the lazy dog\n"
        line += 1
    }
    return text
}
