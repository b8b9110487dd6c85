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

/// The host's working tree, touched only through paths that cannot leave it: every folder on
/// the way to a file must be a real folder (not a symbolic link), and files are opened with
/// `O_NOFOLLOW`, so a link planted in the tree cannot redirect a read or a write elsewhere.
struct WorkingTree {
    /// The root folder, ending with "/".
    let root: String

    func absolute(_ path: String) -> String { root + path }

    /// Reads what is at `path` without following symbolic links anywhere on the way.
    /// - Throws: ``ReviewError/unsafeOnDisk(_:reason:)`` when a parent folder is a symbolic link.
    func entry(at path: RepoPath) throws -> DiskEntry {
        for folder in path.parentFolders {
            var info = stat()
            if lstat(absolute(folder), &info) != 0 { return .absent }
            if isType(info, S_IFLNK) {
                throw ReviewError.unsafeOnDisk(path, reason: "its folder \(folder) is a symbolic link on the host; letswork does not follow links")
            }
            if !isType(info, S_IFDIR) { return .absent }
        }
        var info = stat()
        if lstat(absolute(path.value), &info) != 0 {
            if errno == ENOENT || errno == ENOTDIR { return .absent }
            throw fileError(path.value, "inspect")
        }
        if isType(info, S_IFLNK) { return .symlink }
        if isType(info, S_IFDIR) { return .folder }
        guard isType(info, S_IFREG) else { return .other }
        let descriptor = open(absolute(path.value), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw fileError(path.value, "open") }
        defer { close(descriptor) }
        var opened = stat()
        guard fstat(descriptor, &opened) == 0 else { throw fileError(path.value, "inspect") }
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
    struct Prepared {
        fileprivate(set) var renames: [(temporary: String, target: String)] = []
        fileprivate(set) var deletions: [RepoPath] = []
        fileprivate(set) var createdFolders: [String] = []
    }

    /// Phase one: writes every new content to a temporary file beside its target and creates
    /// missing folders. Nothing visible changes; on failure everything written is removed.
    /// - Throws: ``ReviewError`` when a folder is unsafe or a file cannot be written.
    func prepare(_ writes: [Write]) throws -> Prepared {
        var prepared = Prepared()
        do {
            for write in writes {
                guard let content = write.content else { prepared.deletions.append(write.path); continue }
                try createFolders(for: write.path, into: &prepared)
                let temporary = temporaryName(for: write.path)
                var permissions: mode_t = write.executable ? 0o755 : 0o644
                if case .file(_, _, let existing) = try entry(at: write.path) {
                    permissions = write.executable ? existing | ((existing & 0o444) >> 2) : existing & ~mode_t(0o111)
                }
                try writeFile(temporary, content, permissions: permissions)
                prepared.renames.append((temporary, absolute(write.path.value)))
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
        for (temporary, target) in prepared.renames where rename(temporary, target) != 0 {
            throw fileError(target, "move into place")
        }
        for path in prepared.deletions {
            if unlink(absolute(path.value)) != 0 && errno != ENOENT { throw fileError(path.value, "delete") }
            removeEmptyFolders(above: path)
        }
    }

    /// Undoes ``prepare(_:)``: removes the temporary files and the folders it created.
    func discard(_ prepared: Prepared) {
        for (temporary, _) in prepared.renames { unlink(temporary) }
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

    private func createFolders(for path: RepoPath, into prepared: inout Prepared) throws {
        for folder in path.parentFolders {
            var info = stat()
            if lstat(absolute(folder), &info) == 0 {
                if isType(info, S_IFDIR) { continue }
                let what = isType(info, S_IFLNK) ? "a symbolic link" : "a file"
                throw ReviewError.unsafeOnDisk(path, reason: "\(folder) is \(what) on the host, not a folder")
            }
            guard mkdir(absolute(folder), 0o777) == 0 else { throw fileError(folder, "create folder") }
            prepared.createdFolders.append(folder)
        }
    }

    private func removeEmptyFolders(above path: RepoPath) {
        for folder in path.parentFolders.reversed() where rmdir(absolute(folder)) != 0 { break }
    }

    private func temporaryName(for path: RepoPath) -> String {
        let folder = path.parentFolders.last.map { absolute($0) + "/" } ?? root
        return folder + "." + path.fileName + ".letswork-" + ChangeIDGenerator.make() + ".tmp"
    }

    private func writeFile(_ file: String, _ content: [UInt8], permissions: mode_t) throws {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw fileError(file, "create") }
        defer { close(descriptor) }
        var written = 0
        while written < content.count {
            let count = content.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 { if errno == EINTR { continue }; unlink(file); throw fileError(file, "write") }
            written += count
        }
        // fchmod is not subject to the umask, so the file keeps exactly the permissions it had.
        guard fchmod(descriptor, permissions) == 0 else { unlink(file); throw fileError(file, "set permissions of") }
    }

    private func isType(_ info: stat, _ type: mode_t) -> Bool { info.st_mode & S_IFMT == type }

    private func fileError(_ path: String, _ operation: String) -> ReviewError {
        let reason = String(cString: strerror(errno))
        let shown = path.hasPrefix(root) ? String(path.dropFirst(root.count)) : path
        return .fileSystem(shown, operation: operation, reason: reason)
    }
}
