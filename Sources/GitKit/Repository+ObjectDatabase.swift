import CGit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Repository {
    /// Gives the handle an object database of letswork's making in place of libgit2's default:
    /// the same backends (loose objects, packs, alternates) at the same priorities, with two
    /// differences of letswork's own.
    /// - Loose objects are written by letswork (`letswork_loose_writer` in the CGit2 shim): up to
    ///   64 KiB as one stored zlib block, larger ones deflated at
    ///   ``Libgit2Settings/looseObjectCompression``. libgit2 set up a new deflate stream per object,
    ///   a quarter megabyte cleared each time, to compress trees that hardly compress.
    /// - The pack backend sits behind a gate (`letswork_pack_gate` in the CGit2 shim) that
    ///   rescans `objects/pack/` only when the folder changed. libgit2 rescans it whenever an
    ///   object is not found, and every write of a new object looks it up first: that was a
    ///   rescan per object written, about a dozen per proposal and approval.
    /// `core.fsyncObjectFiles` is honoured as libgit2 honours it.
    func installObjectDatabase() throws {
        var folder = git_buf()
        defer { git_buf_dispose(&folder) }
        try git("find the object folder") { git_repository_item_path(&folder, pointer, GIT_REPOSITORY_ITEM_OBJECTS) }
        let objects = String(cString: folder.ptr)
        var odb: OpaquePointer?
        try git("create an object database") { git_odb_new(&odb) }
        defer { git_odb_free(odb) }

        var loose: UnsafeMutablePointer<git_odb_backend>?
        let fsync: Int32 = configBool("core.fsyncObjectFiles") == true ? 1 : 0
        try git("open the loose objects of \(objects)") {
            letswork_loose_backend(&loose, objects, Libgit2Settings.looseObjectCompression.load(ordering: .relaxed), fsync)
        }
        try add(loose!, priority: 1, to: odb, objects)
        letswork_writer_adopted(loose)
        var packs: UnsafeMutablePointer<git_odb_backend>?
        try git("open the packs of \(objects)") { letswork_gated_pack_backend(&packs, objects) }
        try add(packs!, priority: 2, to: odb, objects)
        letswork_gate_adopted(packs)
        for alternate in Self.alternates(of: objects) {
            try git("open the alternate object folder \(alternate)") { git_odb_add_disk_alternate(odb, alternate) }
        }
        try git("use letswork's object database") { git_repository_set_odb(pointer, odb) }
    }

    private func add(_ backend: UnsafeMutablePointer<git_odb_backend>, priority: Int32, to odb: OpaquePointer?, _ objects: String) throws {
        let status = git_odb_add_backend(odb, backend, priority)
        guard status == 0 else {
            letswork_backend_free(backend)
            throw GitError.last(status: status, operation: "open the objects of \(objects)")
        }
    }

    /// The folders `objects/info/alternates` names, as git reads them: one per line, relative
    /// ones from the object folder, blank lines and `#` comments skipped. (Their own alternates
    /// libgit2 follows, as for its default database.)
    static func alternates(of objects: String) -> [String] {
        guard let file = fopen(objects + "/info/alternates", "r") else { return [] }
        defer { fclose(file) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            text += chunk[..<count]
        }
        return String(decoding: text, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line in
            let path = String(line)
            if path.isEmpty || path.hasPrefix("#") { return nil }
            return path.hasPrefix("/") ? path : objects + (objects.hasSuffix("/") ? "" : "/") + path
        }
    }
}
