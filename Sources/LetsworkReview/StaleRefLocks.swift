import Foundation

extension ChangeStore {
    /// How old a lock on one of letswork's refs must be to count as left by a dead process.
    /// letswork holds such a lock for the moment of one ref update (microseconds to
    /// milliseconds), so three seconds is far beyond any live update.
    static let staleRefLockAge: TimeInterval = 3

    /// Removes `<ref>.lock` files under `refs/letswork/` older than ``staleRefLockAge``.
    ///
    /// Why: a process killed (kill -9, power loss) while updating a ref leaves its lock file
    /// behind, and libgit2 then refuses every later update of that ref as a concurrent one —
    /// forever, since no process will ever release it. Only letswork writes `refs/letswork/*`,
    /// so an old lock there can only be such a leftover. Found by the kill -9 crash test
    /// (LetsworkHardeningTests/CrashTests). Returns the names removed.
    @discardableResult
    func removeStaleRefLocks(now: Date = Date()) -> [String] {
        let folder = gitDirectory + "refs/letswork/"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var removed: [String] = []
        for name in names where name.hasSuffix(".lock") {
            let path = folder + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > Self.staleRefLockAge, unlink(path) == 0 else { continue }
            logger.warning("Removed a stale lock left by a letswork process that died while updating a ref",
                           metadata: ["lock": "refs/letswork/\(name)"])
            removed.append(name)
        }
        return removed
    }

    /// Waits (up to ``staleRefLockAge`` and a little) until every lock under `refs/letswork/`
    /// is either released by its live owner or old enough to be a dead one's, and removes the
    /// latter. Costs nothing when there is no lock, which is always but after a crash.
    func clearRefLocks() {
        let folder = gitDirectory + "refs/letswork/"
        let deadline = Date().addingTimeInterval(Self.staleRefLockAge + 1)
        while Date() < deadline {
            removeStaleRefLocks()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            guard names.contains(where: { $0.hasSuffix(".lock") }) else { return }
            usleep(50_000)
        }
    }
}
