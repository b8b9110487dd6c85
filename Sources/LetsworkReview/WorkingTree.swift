#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the working tree holds at a path.
enum DiskEntry: Equatable {
    case absent
    case file(bytes: [UInt8], executable: Bool, permissions: mode_t)
    case symlink
    case folder
    case other

    var bytes: [UInt8]? {
        if case .file(let bytes, _, _) = self { return bytes }
        return nil
    }
}

/// The host's working tree, touched only through paths that cannot leave it. Every folder on the
/// way to a file is opened one component at a time with `openat(O_NOFOLLOW | O_DIRECTORY)`, and
/// the file is then read, created, renamed or deleted relative to that open folder. A folder
/// swapped for a symbolic link between a check and its use (a race another process on the host
/// could run) therefore cannot redirect a read or a write outside the tree: there is no second
/// lookup by path to redirect.
struct WorkingTree {
    /// The root folder, ending with "/".
    let root: String

    func absolute(_ path: String) -> String { root + path }

    /// Reads what is at `path` without following symbolic links anywhere on the way.
    /// - Throws: ``ReviewError/unsafeOnDisk(_:reason:)`` when a parent folder is a symbolic link.
    func entry(at path: RepoPath) throws -> DiskEntry {
        guard let folder = try openFolder(of: path) else { return .absent }
        defer { close(folder) }
        var info = stat()
        if fstatat(folder, path.fileName, &info, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return .absent }
            throw fileError(path.value, "inspect")
        }
        if isType(info, S_IFLNK) { return .symlink }
        if isType(info, S_IFDIR) { return .folder }
        guard isType(info, S_IFREG) else { return .other }
        let descriptor = openat(folder, path.fileName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ELOOP { return .symlink }
            throw fileError(path.value, "open")
        }
        defer { close(descriptor) }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0 else { throw fileError(path.value, "inspect") }
        // What was opened is what counts (the name may have been swapped since fstatat).
        guard isType(opened, S_IFREG) else { return isType(opened, S_IFDIR) ? .folder : .other }
        var bytes = [UInt8](repeating: 0, count: Int(opened.st_size))
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 { if errno == EINTR { continue }; throw fileError(path.value, "read") }
            if count == 0 { bytes.removeSubrange(filled...); break }
            filled += count
        }
        let permissions = opened.st_mode & 0o7777
        return .file(bytes: bytes, executable: permissions & S_IXUSR != 0, permissions: permissions)
    }

    /// One file's new state, written by ``prepare(_:)`` and ``commit(_:)``.
    struct Write {
        let path: RepoPath
        /// nil deletes the file.
        let content: [UInt8]?
        let executable: Bool
    }

    /// Temporary files written next to their targets, ready to be renamed into place.
    /// Holds open folder descriptors until ``commit(_:)`` or ``discard(_:)`` closes them.
    struct Prepared {
        fileprivate(set) var renames: [(folder: Int32, temporary: String, path: RepoPath)] = []
        fileprivate(set) var deletions: [(folder: Int32, path: RepoPath)] = []
        fileprivate(set) var createdFolders: [String] = []
        fileprivate(set) var openFolders: [Int32] = []
    }

    /// Phase one: writes every new content to a temporary file beside its target and creates
    /// missing folders. Nothing visible changes; on failure everything written is removed.
    /// - Throws: ``ReviewError`` when a folder is unsafe or a file cannot be written.
    func prepare(_ writes: [Write]) throws -> Prepared {
        var prepared = Prepared()
        do {
            for write in writes {
                guard let content = write.content else {
                    if let folder = try openFolder(of: write.path) {
                        prepared.openFolders.append(folder)
                        prepared.deletions.append((folder, write.path))
                    }
                    continue
                }
                let folder = try createFolders(for: write.path, into: &prepared)
                prepared.openFolders.append(folder)
                let temporary = "." + write.path.fileName + ".letswork-" + ChangeIDGenerator.make() + ".tmp"
                var permissions: mode_t = write.executable ? 0o755 : 0o644
                if case .file(_, _, let existing) = try entry(at: write.path) {
                    permissions = write.executable ? existing | ((existing & 0o444) >> 2) : existing & ~mode_t(0o111)
                }
                try writeFile(in: folder, temporary, content, permissions: permissions, shownAs: write.path.value)
                prepared.renames.append((folder, temporary, write.path))
            }
        } catch {
            discard(prepared)
            throw error
        }
        return prepared
    }

    /// Phase two: renames every temporary file over its target and deletes what must go.
    /// Each rename is atomic; a crash part-way is finished by the engine's journal.
    /// - Throws: ``ReviewError/fileSystem(_:operation:reason:)`` when a rename or delete fails.
    func commit(_ prepared: Prepared) throws {
        defer { for folder in prepared.openFolders { close(folder) } }
        for (folder, temporary, path) in prepared.renames where renameat(folder, temporary, folder, path.fileName) != 0 {
            throw fileError(path.value, "move into place")
        }
        for (folder, path) in prepared.deletions {
            if unlinkat(folder, path.fileName, 0) != 0 && errno != ENOENT { throw fileError(path.value, "delete") }
            removeEmptyFolders(above: path)
        }
    }

    /// Undoes ``prepare(_:)``: removes the temporary files and the folders it created.
    func discard(_ prepared: Prepared) {
        for (folder, temporary, _) in prepared.renames { unlinkat(folder, temporary, 0) }
        for folder in prepared.openFolders { close(folder) }
        for folder in prepared.createdFolders.reversed() { rmdir(absolute(folder)) }
    }

    /// Removes leftovers of an interrupted write next to `path` (temporary files only).
    func removeTemporaryFiles(near path: RepoPath) {
        let folder = path.parentFolders.last.map { absolute($0) } ?? String(root.dropLast())
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        let prefix = "." + path.fileName + ".letswork-"
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(prefix) && name.hasSuffix(".tmp") { unlink(folder + "/" + name) }
        }
    }

    /// Opens the folder that holds `path`, one component at a time, never through a link.
    /// Returns nil when a folder on the way is missing or is not a folder.
    /// - Throws: ``ReviewError/unsafeOnDisk(_:reason:)`` when a folder on the way is a link.
    private func openFolder(of path: RepoPath) throws -> Int32? {
        var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw fileError(root, "open") }
        for folder in path.parentFolders {
            let name = folder.split(separator: "/").last.map(String.init) ?? folder
            let next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 {
                let failure = errno
                var info = stat()
                let isLink = fstatat(current, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && isType(info, S_IFLNK)
                close(current)
                if isLink || failure == ELOOP {
                    throw ReviewError.unsafeOnDisk(path, reason: "its folder \(folder) is a symbolic link on the host; letswork does not follow links")
                }
                if failure == ENOENT || failure == ENOTDIR { return nil }
                errno = failure
                throw fileError(folder, "open folder")
            }
            close(current)
            current = next
        }
        return current
    }

    /// Like ``openFolder(of:)``, creating missing folders (recorded for ``discard(_:)``).
    private func createFolders(for path: RepoPath, into prepared: inout Prepared) throws -> Int32 {
        var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw fileError(root, "open") }
        for folder in path.parentFolders {
            let name = folder.split(separator: "/").last.map(String.init) ?? folder
            var next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT {
                guard mkdirat(current, name, 0o777) == 0 else { close(current); throw fileError(folder, "create folder") }
                prepared.createdFolders.append(folder)
                next = openat(current, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            if next < 0 {
                var info = stat()
                let what = fstatat(current, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && isType(info, S_IFLNK) ? "a symbolic link" : "not a folder"
                close(current)
                throw ReviewError.unsafeOnDisk(path, reason: "\(folder) is \(what) on the host")
            }
            close(current)
            current = next
        }
        return current
    }

    private func removeEmptyFolders(above path: RepoPath) {
        for folder in path.parentFolders.reversed() where rmdir(absolute(folder)) != 0 { break }
    }

    private func writeFile(in folder: Int32, _ name: String, _ content: [UInt8], permissions: mode_t, shownAs path: String) throws {
        let descriptor = openat(folder, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fileError(path, "create") }
        defer { close(descriptor) }
        var written = 0
        while written < content.count {
            let count = content.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 { if errno == EINTR { continue }; unlinkat(folder, name, 0); throw fileError(path, "write") }
            written += count
        }
        // fchmod is not subject to the umask, so the file keeps exactly the permissions it had.
        guard fchmod(descriptor, permissions) == 0 else { unlinkat(folder, name, 0); throw fileError(path, "set permissions of") }
    }

    private func isType(_ info: stat, _ type: mode_t) -> Bool { info.st_mode & S_IFMT == type }

    private func fileError(_ path: String, _ operation: String) -> ReviewError {
        let reason = String(cString: strerror(errno))
        let shown = path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
        return .fileSystem(shown, operation: operation, reason: reason)
    }
}
