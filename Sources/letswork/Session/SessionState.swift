import Foundation

/// What `letswork status` and `letswork stop` need to find a running session:
/// `.git/letswork/session.json`, readable by the host only (0600, it holds the tokens), removed
/// when the session ends and recognised as stale when its process is gone.
struct SessionState: Codable {
    var pid: Int32
    var port: Int
    var localURL: String
    var publicURL: String?
    var hostToken: String
    var guestToken: String
    var startedAt: Date

    static func path(gitDirectory: String) -> String { gitDirectory + "letswork/session.json" }

    func write(gitDirectory: String) throws {
        let folder = gitDirectory + "letswork"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let target = Self.path(gitDirectory: gitDirectory)
        let temporary = target + ".\(getpid()).tmp"
        // Created 0600 from the start, so the tokens are never readable by others, even briefly.
        guard FileManager.default.createFile(atPath: temporary, contents: try encoder.encode(self),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ValidationErrorMessage("could not write the session's state file in \(folder): check that the repository's .git folder is writable by you")
        }
        guard rename(temporary, target) == 0 else {
            throw ValidationErrorMessage("could not write \(target): \(String(cString: strerror(errno))); check that the repository's .git folder is writable by you")
        }
    }

    /// The state of this repository's session, if its file exists (running or stale).
    static func read(gitDirectory: String) -> SessionState? {
        guard let data = FileManager.default.contents(atPath: path(gitDirectory: gitDirectory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(SessionState.self, from: data)
    }

    static func remove(gitDirectory: String) {
        unlink(path(gitDirectory: gitDirectory))
    }

    var isRunning: Bool { kill(pid, 0) == 0 || errno == EPERM }
}

/// A plain error whose description is the message (for errors outside the engine).
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
