import Foundation
import GitKit

/// What `letswork doctor` checks in the repository: that `start` can open it, that no session
/// runs or was left behind, that no approval was cut short, and that `.git/letswork` is writable.
///
/// Read through GitKit directly, not through `ChangeStore.open`, which would finish an
/// interrupted approval: the doctor looks and changes nothing.
struct RepositoryChecks {
    let folder: String

    func run() -> [Finding] {
        let repository: Repository
        do {
            repository = try Repository.discover(containing: folder)
        } catch let error as GitError where error.isNotFound {
            return [.error("not in a git repository (\(folder)): run letswork inside your project, or create one there with `letswork start --init`")]
        } catch {
            return [.error("cannot open the git repository containing \(folder): \(error)")]
        }
        guard !repository.isBare, let root = repository.workingDirectory else {
            return [.error("\(repository.gitDirectory) is a bare repository, with no working tree to review changes into: run letswork in a clone with a working tree")]
        }
        var findings: [Finding] = []
        let head: ObjectID?
        do {
            head = try repository.headCommit()
        } catch {
            return [.error("cannot read HEAD in \(root): \(error)")]
        }
        if let head {
            let branch = (try? repository.headBranch())?.replacingOccurrences(of: "refs/heads/", with: "")
            findings.append(.ok("repository \(root) (\(branch.map { "branch \($0)" } ?? "detached HEAD") at \(String(head.description.prefix(8))))"))
        } else {
            findings.append(.error("\(root) has no commit yet: letswork needs one to propose changes against; commit your files first (git add -A && git commit -m \"First commit\")"))
        }
        findings.append(sessionFile(gitDirectory: repository.gitDirectory))
        findings += approvalJournal(gitDirectory: repository.gitDirectory)
        findings.append(writeAccess(gitDirectory: repository.gitDirectory))
        return findings
    }

    private func sessionFile(gitDirectory: String) -> Finding {
        guard let state = SessionState.read(gitDirectory: gitDirectory) else { return .ok("no session running in this repository") }
        if state.isRunning {
            return .error("a session is already running here (pid \(state.pid), \(state.localURL)): see it with `letswork status`, stop it with `letswork stop`")
        }
        return .warning("a stale session file from pid \(state.pid), which ended without cleaning up: `letswork start --resume` keeps its tokens, a plain `letswork start` replaces it")
    }

    /// `.git/letswork/approval.journal`, read as plain JSON: its type is the engine's own.
    private func approvalJournal(gitDirectory: String) -> [Finding] {
        let path = gitDirectory + "letswork/approval.journal"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let journal = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let change = journal["changeID"] as? String ?? "?"
        let pid = (journal["pid"] as? Int).map(Int32.init) ?? 0
        let sameMachine = journal["host"] as? String == ProcessInfo.processInfo.hostName
        if pid > 0 && sameMachine && (kill(pid, 0) == 0 || errno == EPERM) {
            return [.ok("an approval of change \(change) is under way (pid \(pid))")]
        }
        return [.warning("an approval of change \(change) was cut short (pid \(pid) is gone): the next letswork command finishes it; run `letswork pending`")]
    }

    private func writeAccess(gitDirectory: String) -> Finding {
        let folder = gitDirectory + "letswork"
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
        // Not there yet: `start` creates it, so its parent must be writable.
        let target = exists ? folder : String(gitDirectory.dropLast())
        if exists && !isFolder.boolValue {
            return .error("\(folder) is a file, not a folder: move it away; letswork keeps its session state and approval journal there")
        }
        if access(target, W_OK | X_OK) == 0 { return .ok("\(folder) is writable") }
        return .error("cannot write \(target) (\(String(cString: strerror(errno)))): letswork keeps its session state and approval journal in \(folder); check its owner and permissions (ls -ld \(target))")
    }
}
