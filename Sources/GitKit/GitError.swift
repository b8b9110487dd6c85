import CGit2

/// An error reported by libgit2, carrying libgit2's own message and the operation that failed.
public struct GitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libgit2's return code (`git_error_code`, negative).
    public let code: Int32
    /// libgit2's error class (`git_error_t`), 0 when libgit2 gave none.
    public let category: Int32
    /// libgit2's message, or a generic one when libgit2 gave none.
    public let message: String
    /// What letswork was doing, e.g. "write blob".
    public let operation: String
    /// For a tree update refused because a path runs through an entry that is not a folder, that
    /// entry's path: the caller can say which file is in the way.
    public var notAFolder: String? = nil

    public var description: String { "\(operation): \(message)" }

    /// The object, reference or path does not exist.
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    /// A compare-and-swap on a reference lost: someone else moved it first.
    public var isConcurrentUpdate: Bool {
        code == GIT_EMODIFIED.rawValue || code == GIT_EEXISTS.rawValue || code == GIT_ELOCKED.rawValue
    }

    /// Reads libgit2's thread-local last error. Must run right after the failing call, on the
    /// same thread, with nothing in between (libgit2 `docs/threading.md`).
    static func last(status: Int32, operation: String) -> GitError {
        if let error = git_error_last(), let text = error.pointee.message {
            return GitError(code: status, category: error.pointee.klass,
                            message: String(cString: text), operation: operation)
        }
        return GitError(code: status, category: 0, message: "libgit2 returned \(status)", operation: operation)
    }
}

/// Initialises libgit2 once per process, before the first call into it. Its cache limits are
/// the composition root's to choose: see ``Libgit2Settings``.
let libgit2Initialized: Void = {
    git_libgit2_init()
}()

/// Runs one libgit2 call and turns a negative status into a ``GitError``.
/// - Throws: ``GitError`` with libgit2's message when `call` returns a negative status.
@discardableResult
@inline(__always)
func git(_ operation: @autoclosure () -> String, _ call: () -> Int32) throws -> Int32 {
    let status = call()
    if status < 0 { throw GitError.last(status: status, operation: operation()) }
    return status
}
