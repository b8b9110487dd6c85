import CBuildInfo

/// What `letswork --version` prints: the version and the commit it was built from.
enum BuildInfo {
    static let version = "0.1.0"
    static let commit = String(cString: letswork_build_commit())
    static var description: String { "\(version) (commit \(commit))" }
}
