import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The approval journal as an exclusive lock file, `.git/letswork/approval.journal`.
///
/// Taking it (an atomic `link` that fails if the file exists) both records what an approval is
/// about to write and keeps a second approval, from this process or another, from writing the
/// working tree at the same time. It is removed once the decision is in the ledger; if its
/// process dies first, the next one to open the store finishes the approval from it.
struct ApprovalLock {
    let path: String

    init(gitDirectory: String) {
        path = gitDirectory + "letswork/approval.journal"
    }

    /// Takes the lock with `journal` in it; false if someone holds it already.
    /// - Throws: ``ReviewError/fileSystem(_:operation:reason:)`` when `.git/letswork` is unwritable.
    func acquire(_ journal: ApplyJournal) throws -> Bool {
        let folder = String(path.dropLast("/approval.journal".count))
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw failure("create") }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp"
        let data = try JSONEncoder().encode(journal)
        // Written in place, not through Foundation's atomic write: that one fsyncs, and the
        // journal only has to survive the process (kill -9), like every other letswork write.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("write") }
        defer { unlink(temporary) }
        let complete = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) == $0.count }
        close(descriptor)
        guard complete else { throw failure("write") }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("create")
    }

    /// The journal of the approval under way or interrupted, if any.
    func read() -> ApplyJournal? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ApplyJournal.self, from: data)
    }

    /// Approvals running in this process, by owner token: a journal of this process's pid is
    /// live only while its approval call is still running.
    static let running = Mutex<Set<String>>([])

    /// Whether the approval that wrote `journal` is still running: in this process, its call has
    /// not returned; in another process on this machine, that process is alive.
    func isHeldByLiveProcess(_ journal: ApplyJournal) -> Bool {
        if journal.pid == getpid() { return Self.running.withLock { $0.contains(journal.owner) } }
        return journal.host == ProcessInfo.processInfo.hostName && (kill(journal.pid, 0) == 0 || errno == EPERM)
    }

    func release() {
        unlink(path)
    }

    private func failure(_ operation: String) -> ReviewError {
        .fileSystem(path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
