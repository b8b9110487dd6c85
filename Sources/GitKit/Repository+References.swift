import CGit2

extension Repository {
    /// The commit reference `name` points at (following symbolic references), or nil if absent.
    /// - Throws: ``GitError`` when the reference exists but cannot be read.
    public func reference(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let status = git_reference_name_to_id(&oid, pointer, name)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EUNBORNBRANCH.rawValue { return nil }
        if status < 0 { throw GitError.last(status: status, operation: "read \(name)") }
        return ObjectID(oid)
    }

    /// Moves reference `name` to `target` only if it still points at `expected` (nil: only if it
    /// does not exist yet). This is the compare-and-swap that keeps two processes from losing
    /// each other's updates.
    /// - Throws: ``GitError`` with `isConcurrentUpdate` when someone else moved it first.
    public func updateReference(_ name: String, to target: ObjectID, expecting expected: ObjectID?,
                                message: String) throws {
        var handle: OpaquePointer?
        var targetOID = target.raw
        if var expectedOID = expected?.raw {
            let status = git_reference_create_matching(&handle, pointer, name, &targetOID, 1, &expectedOID, message)
            if status == GIT_ENOTFOUND.rawValue {
                throw GitError(code: GIT_EMODIFIED.rawValue, category: 0,
                               message: "\(name) was deleted meanwhile", operation: "update \(name)")
            }
            if status < 0 { throw GitError.last(status: status, operation: "update \(name)") }
        } else {
            try git("create \(name)") { git_reference_create(&handle, pointer, name, &targetOID, 0, message) }
        }
        git_reference_free(handle)
    }
}
