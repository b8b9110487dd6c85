import GitKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file of the working tree that git does not ignore.
public struct ScannedFile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case file, symlink }
    /// Relative to the repository root.
    public let path: String
    public let kind: Kind
    /// Bytes on disk (of the link itself for a symbolic link); nil when the scan skipped sizes.
    public let size: Int?
}

/// The result of a scan: files in path order, and whether it stopped at its limit.
public struct WorkingTreeListing: Sendable {
    public let files: [ScannedFile]
    public let truncated: Bool
}

extension ChangeStore {
    /// Every file under `folder` ("" for the whole tree) that `.gitignore` does not exclude, in
    /// path order (names compared bytewise, folders where they sort), never inside `.git` or a
    /// nested repository. Stops after `limit` files. Without `sizes` it saves a `stat` per file
    /// (the folder entry says what each name is), which is most of a large scan's time.
    ///
    /// Fast on large trees: tracked files come from the index and need no ignore check (git
    /// shows tracked files whatever the rules say); only folders without tracked files and
    /// untracked files are asked of libgit2's ignore rules. It runs on a handle of its own, so a
    /// listing never holds up submissions and approvals.
    /// - Throws: ``ReviewError`` when the index or ignore rules cannot be read.
    public func scanWorkingTree(under folder: String = "", limit: Int = .max, sizes: Bool = true) throws -> WorkingTreeListing {
        try translatingGitErrors {
            let repository = try Repository.open(at: root)
            let prefix = folder.isEmpty ? "" : folder + "/"
            let tracked = try repository.trackedPaths(under: prefix)
            var scan = Scan(root: root, repository: repository, tracked: tracked, limit: limit, sizes: sizes)
            try scan.walk(folder)
            return WorkingTreeListing(files: scan.files, truncated: scan.truncated)
        }
    }
}

/// One walk over the working tree, with what it knows of the index.
private struct Scan {
    let root: String
    let repository: Repository
    let trackedFiles: Set<String>
    /// Every folder that holds a tracked file, at any depth ("a/b" for "a/b/c.txt").
    let trackedFolders: Set<String>
    let limit: Int
    let sizes: Bool
    var files: [ScannedFile] = []
    var truncated = false

    init(root: String, repository: Repository, tracked: [String], limit: Int, sizes: Bool) {
        self.root = root
        self.sizes = sizes
        self.repository = repository
        self.limit = limit
        trackedFiles = Set(tracked)
        var folders = Set<String>()
        for path in tracked {
            var end = path.utf8.endIndex
            // Insert each ancestor until one is already known (its own ancestors are then too).
            while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
                guard folders.insert(String(path[..<slash])).inserted else { break }
                end = slash
            }
        }
        trackedFolders = folders
    }

    mutating func walk(_ folder: String) throws {
        guard !truncated else { return }
        let absolute = root + folder
        guard let directory = opendir(absolute) else { return }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var children: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." || name == ".git" { continue }
            children.append((name, entry.pointee.d_type))
        }
        // Bytewise order, as git sorts paths (String's < compares Unicode scalars, which for
        // UTF-8 is the same order, and is cheaper on ASCII).
        children.sort { $0.name < $1.name }
        for child in children {
            guard files.count < limit else { truncated = true; return }
            let path = folder.isEmpty ? child.name : folder + "/" + child.name
            var type = child.type
            var info = stat()
            let needsStat = type == UInt8(DT_UNKNOWN) || (sizes && (type == UInt8(DT_REG) || type == UInt8(DT_LNK)))
            if needsStat {
                guard fstatat(descriptor, child.name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = UInt8(DT_DIR)
                case S_IFREG: type = UInt8(DT_REG)
                case S_IFLNK: type = UInt8(DT_LNK)
                default: continue
                }
            }
            switch type {
            case UInt8(DT_DIR):
                if !trackedFolders.contains(path) {
                    // No tracked file below: ignored as a whole, or a nested repository, is skipped.
                    if try repository.isIgnored(path + "/") { continue }
                    if access(root + path + "/.git", F_OK) == 0 { continue }
                }
                try walk(path)
                if truncated { return }
            case UInt8(DT_REG), UInt8(DT_LNK):
                if !trackedFiles.contains(path), try repository.isIgnored(path) { continue }
                files.append(ScannedFile(path: path, kind: type == UInt8(DT_LNK) ? .symlink : .file, size: sizes ? Int(info.st_size) : nil))
            default:
                continue
            }
        }
    }
}
