import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The approval journal and the lock that guards it, one file: `.git/letswork/approval.journal`.
///
/// An approval takes an exclusive `flock` on the file, writes into it what it is about to write
/// to the working tree, writes the files, records the decision in the ledger, and then marks the
/// journal done (a zero byte at its start) and lets go of the lock. The kernel drops the lock
/// when its process dies, so a journal that is not marked done and not locked is an interrupted
/// approval's: the next process to open the store finishes it from the journal.
///
/// Why a lock on a file kept in place rather than a file created and removed per approval (as
/// letswork did before): creating and unlinking a file per approval cost more on ext4 than the
/// rest of the journal's work — each freed inode makes every later file creation in that block
/// group look past it for a while (`recently_deleted` in fs/ext4/ialloc.c) — and the original
/// letswork writes no such file at all. Overwriting a few hundred bytes in place frees nothing.
///
/// A journal cut short by a kill is never a half-applied change: it is written, whole, before the
/// first file of the working tree is touched, and a torn one does not parse, so it counts as no
/// approval at all — which is what it was.
final class ApprovalLock: @unchecked Sendable {
    // @unchecked Sendable: `held` is only used under the store's lock (every caller holds it).
    let path: String
    /// The descriptor holding the lock while this store's approval runs; -1 otherwise.
    private var held: Int32 = -1

    init(gitDirectory: String) {
        path = gitDirectory + "letswork/approval.journal"
    }

    deinit { if held >= 0 { close(held) } }

    /// Takes the lock and writes `journal` into the file; false (nothing changed) if another
    /// approval holds the lock or an interrupted approval's journal is still to be finished.
    /// - Throws: ``ReviewError/fileSystem(_:operation:reason:)`` when `.git/letswork` is unwritable.
    func acquire(_ journal: ApplyJournal) throws -> Bool {
        guard let descriptor = try lockFile() else { return false }
        if Self.decode(readAll(descriptor)) != nil {  // a dead process's, not finished yet
            close(descriptor)
            return false
        }
        var data = RecordJSON.encode(journal)
        data.append(0x0A)
        // Written in place without an fsync, like every other letswork write: it must survive the
        // process (kill -9), not a power cut.
        let complete = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) == $0.count }
        guard complete, ftruncate(descriptor, off_t(data.count)) == 0 else {
            let error = failure("write")
            close(descriptor)
            throw error
        }
        held = descriptor
        return true
    }

    /// The journal of the approval under way or interrupted, if any.
    func read() -> ApplyJournal? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return Self.decode(readAll(descriptor))
    }

    /// Whether an approval still running holds the journal, in this process or another one.
    func isHeld() -> Bool {
        if held >= 0 { return true }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }

    /// Runs `body` while no approval can touch the working tree — a shared hold on the lock,
    /// which every approval's exclusive one waits for — unless one is under way or interrupted
    /// (then nil, at once). A watcher comparing the working tree with the pending changes uses
    /// it, so a file an approval is writing is never taken for the host's edit.
    func whileIdle<T>(_ body: () throws -> T) throws -> T? {
        let descriptor = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return try body() }  // no letswork folder: no approval either
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return nil }
        defer { flock(descriptor, LOCK_UN) }
        guard Self.decode(readAll(descriptor)) == nil else { return nil }
        return try body()
    }

    /// Marks this store's journal done and lets go of the lock.
    func release() {
        guard held >= 0 else { return }
        markDone(held)
        close(held)
        held = -1
    }

    /// Lets go of the lock without marking the journal done: the approval stopped half way and
    /// is to be finished from it. Does nothing once ``release()`` ran.
    func abandon() {
        guard held >= 0 else { return }
        close(held)
        held = -1
    }

    /// Lends an interrupted approval's journal to `finish` while holding the lock, and marks it
    /// done once `finish` returns. Does nothing when there is none or a live approval holds it.
    /// - Throws: what `finish` throws (the journal then stays, for the next attempt).
    func recover(_ finish: (ApplyJournal?) throws -> Void) throws {
        guard FileManager.default.fileExists(atPath: path), held < 0 else { return }
        // A lock held for a moment after its approval let go: a child process forked by another
        // thread shares the descriptor until it execs (O_CLOEXEC closes it only then). A live
        // approval holds it for milliseconds. Either way, a short wait tells them apart from a
        // lock that stays, which is left to the next attempt.
        var descriptor = try lockFile()
        for _ in 0..<20 where descriptor == nil {
            usleep(10_000)
            descriptor = try lockFile()
        }
        guard let descriptor else { return }
        defer { close(descriptor) }
        let bytes = readAll(descriptor)
        guard !bytes.isEmpty, bytes[0] != 0 else { return }
        try finish(Self.decode(bytes))  // nil: unreadable, treated as no approval
        markDone(descriptor)
    }

    // MARK: - The file

    /// The journal file, opened and locked exclusively; nil when someone else holds the lock.
    private func lockFile() throws -> Int32? {
        let folder = String(path.dropLast("/approval.journal".count))
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw failure("create") }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("open") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    private func markDone(_ descriptor: Int32) {
        var done: UInt8 = 0
        _ = pwrite(descriptor, &done, 1, 0)
    }

    private func readAll(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { break }
            bytes += buffer.prefix(count)
            offset += off_t(count)
        }
        return bytes
    }

    /// The journal in `bytes`; nil when they are empty, marked done, or not a whole journal.
    private static func decode(_ bytes: [UInt8]) -> ApplyJournal? {
        guard let first = bytes.first, first != 0 else { return nil }
        return try? JSONDecoder().decode(ApplyJournal.self, from: Data(bytes))
    }

    private func failure(_ operation: String) -> ReviewError {
        .fileSystem(path, operation: operation, reason: String(cString: strerror(errno)))
    }
}
