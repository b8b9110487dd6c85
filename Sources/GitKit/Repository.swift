import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open git repository. Owns its `git_repository` handle and frees it in `deinit`.
///
/// Not `Sendable`: libgit2 objects must not be used from two threads at once, so whoever holds
/// a `Repository` confines it (the review engine keeps it behind a lock).
public final class Repository {
    let pointer: OpaquePointer

    /// The `.git` folder (ends with `/`).
    public let gitDirectory: String
    /// The working tree's root folder (ends with `/`), nil for a bare repository.
    public let workingDirectory: String?
    private init(pointer: OpaquePointer) throws {
        self.pointer = pointer
        gitDirectory = String(cString: git_repository_path(pointer))
        workingDirectory = git_repository_workdir(pointer).map { String(cString: $0) }
        installPlaceholderIndex()
        try installObjectDatabase()
    }

    /// Gives the handle an empty in-memory index in place of the repository's.
    ///
    /// Why: libgit2 loads the whole index into the handle the first time it looks up a file's
    /// attributes, which every diff does (for diff drivers and binary detection), and keeps it
    /// for the handle's life: 20 MB and about 100 ms of parsing at 100,000 files, in a server
    /// that only needs the index for `approve --commit`. Attribute lookups now read the
    /// `.gitattributes` files of the working tree and `.git/info/attributes`, not the index's
    /// copies; the functions that need the index itself open it from its file (`withIndex`).
    func installPlaceholderIndex() {
        var index: OpaquePointer?
        guard git_index_new(&index) == 0 else { return }  // only out of memory; the real one then loads as before
        git_repository_set_index(pointer, index)
        git_index_free(index)  // the handle holds its own reference
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository that contains `path` (any folder inside a work tree works).
    /// - Throws: ``GitError`` with `isNotFound` when no repository contains `path`.
    public static func discover(containing path: String) throws -> Repository {
        _ = libgit2Initialized
        var found = git_buf()
        defer { git_buf_dispose(&found) }
        try git("find the git repository containing \(path)") {
            git_repository_discover(&found, path, 0, nil)
        }
        return try open(at: String(cString: found.ptr))
    }

    /// Opens the repository at `path` (its work tree or its `.git` folder).
    /// - Throws: ``GitError`` when `path` is not a repository.
    public static func open(at path: String) throws -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try git("open the git repository at \(path)") { git_repository_open(&handle, path) }
        return try Repository(pointer: handle!)
    }

    /// Creates a new, empty, non-bare repository at `path`.
    /// - Throws: ``GitError`` when the folder cannot be initialised.
    public static func create(at path: String) throws -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try git("create a git repository at \(path)") { git_repository_init(&handle, path, 0) }
        return try Repository(pointer: handle!)
    }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The commit HEAD points at, or nil when the branch has no commit yet.
    /// - Throws: ``GitError`` when HEAD cannot be read.
    public func headCommit() throws -> ObjectID? {
        var oid = git_oid()
        let status = git_reference_name_to_id(&oid, pointer, "HEAD")
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EUNBORNBRANCH.rawValue { return nil }
        if status < 0 { throw GitError.last(status: status, operation: "read HEAD") }
        return ObjectID(oid)
    }

    /// The full name of the branch HEAD is on (`refs/heads/main`), nil when HEAD is detached.
    public func headBranch() throws -> String? {
        if git_repository_head_detached(pointer) == 1 { return nil }
        var head: OpaquePointer?
        try git("read HEAD") { git_reference_lookup(&head, pointer, "HEAD") }
        defer { git_reference_free(head) }
        guard let target = git_reference_symbolic_target(head) else { return nil }
        return String(cString: target)
    }

    /// A string value from the repository's configuration (with the user's and system's), or nil.
    public func configString(_ key: String) -> String? {
        withConfigSnapshot { config in
            var buffer = git_buf()
            defer { git_buf_dispose(&buffer) }
            guard git_config_get_string_buf(&buffer, config, key) == 0, let text = buffer.ptr else { return nil }
            return String(cString: text)
        }
    }

    /// A boolean value from the repository's configuration (with the user's and system's), or
    /// nil when it is not set or not a boolean.
    public func configBool(_ key: String) -> Bool? {
        withConfigSnapshot { config in
            var value: Int32 = 0
            guard git_config_get_bool(&value, config, key) == 0 else { return nil }
            return value != 0
        }
    }

    private func withConfigSnapshot<T>(_ body: (OpaquePointer?) -> T?) -> T? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        return body(config)
    }

    /// The identity libgit2 writes into reflogs for this handle's reference updates. Set, it
    /// spares every update a snapshot of the whole configuration just to find `user.name`.
    /// - Throws: ``GitError`` when libgit2 refuses it.
    public func setReflogIdentity(name: String, email: String) throws {
        try git("set the reflog identity") { git_repository_set_ident(pointer, name, email) }
    }
}

extension Repository {
    /// Whether the repository's ignore rules (`.gitignore`, `info/exclude`, core.excludesFile)
    /// exclude `path`, relative to the work tree (folders with a trailing "/").
    /// - Throws: ``GitError`` when the rules cannot be read.
    public func isIgnored(_ path: String) throws -> Bool {
        var ignored: Int32 = 0
        try git("check whether \(path) is ignored") { git_ignore_path_is_ignored(&ignored, pointer, path) }
        return ignored == 1
    }
}
