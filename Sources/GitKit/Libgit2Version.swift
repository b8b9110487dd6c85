import CGit2

/// The version of the libgit2 this process runs with (the shared library loaded, which may
/// differ from the headers it was built against), from `git_libgit2_version`.
public struct Libgit2Version: Sendable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let revision: Int

    /// The loaded library's version.
    public static var loaded: Libgit2Version {
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return Libgit2Version(major: Int(major), minor: Int(minor), revision: Int(revision))
    }

    public init(major: Int, minor: Int, revision: Int) {
        self.major = major
        self.minor = minor
        self.revision = revision
    }

    public var description: String { "\(major).\(minor).\(revision)" }

    public static func < (lhs: Libgit2Version, rhs: Libgit2Version) -> Bool {
        (lhs.major, lhs.minor, lhs.revision) < (rhs.major, rhs.minor, rhs.revision)
    }
}
