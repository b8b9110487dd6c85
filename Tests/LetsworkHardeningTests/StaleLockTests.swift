import Foundation
import LetsworkTestSupport
import Testing

@Suite("A ref lock left by a killed process does not block letswork forever")
struct StaleLockTests {
    @Test("letswork pending succeeds after a kill left refs/letswork/ledger.lock, and removes it")
    func leftoverLedgerLock() throws {
        try TemporaryRepository.with { repo in
            let id = try repo.propose("notes.txt", "a proposal\n", by: "alice")
            let lock = repo.path + "/.git/refs/letswork/ledger.lock"
            // What a process killed in the middle of a ref update leaves: a lock with the new id.
            try (try repo.git("rev-parse", "refs/letswork/ledger")).write(toFile: lock, atomically: true, encoding: .utf8)
            let pending = try runProcess(letsworkExecutable, ["pending"], in: repo.path, environment: ["NO_COLOR": "1"])
            #expect(pending.status == 0, "letswork pending: \(pending.output) \(pending.errors)")
            #expect(pending.output.contains(id))
            #expect(!FileManager.default.fileExists(atPath: lock))
            // And the ledger moves again.
            let second = try repo.propose("more.txt", "another\n", by: "alice")
            #expect(try ChangeAccount(repo).pending.contains(second))
        }
    }
}
