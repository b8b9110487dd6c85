import Foundation
import LetsworkProtocol

/// Where the proxy gets the guest's token — never from its own command line, where `ps` would
/// show it to every user of the machine.
///
/// In order: `--token-file FILE`, the `LETSWORK_TOKEN_FILE` environment variable (what
/// `letswork join` registers with Claude Code), then `LETSWORK_TOKEN`.
public enum TokenSource {
    /// Reads the token.
    /// - Throws: ``ProxyError`` when no source is set, the file cannot be read, is readable by
    ///   group or others, or holds something that is not a token.
    public static func resolve(tokenFile: String?, environment: [String: String]) throws -> String {
        if let file = file(tokenFile: tokenFile, environment: environment) {
            return try read(file: file)
        }
        if let token = environment["LETSWORK_TOKEN"], !token.isEmpty {
            return try validated(token, from: "LETSWORK_TOKEN")
        }
        throw ProxyError("no token: set LETSWORK_TOKEN, or give --token-file FILE (mode 0600) holding the token from the host's join command; `letswork join URL --token TOKEN` sets this up for Claude Code")
    }

    /// The file the token is read from (`--token-file` or `LETSWORK_TOKEN_FILE`), if any: the
    /// proxy keeps its event cursor beside it.
    public static func file(tokenFile: String?, environment: [String: String]) -> String? {
        tokenFile ?? environment["LETSWORK_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The host's own session, when the token file is a running session's state file
    /// (`.git/letswork/session.json`): its host token and loopback URL. This is how `letswork
    /// start` registers the host's Claude Code, so the registration outlives one session's token
    /// and port.
    public static func session(file: String) throws -> (token: String, url: String)? {
        guard file.hasSuffix(".json") else { return nil }
        guard let object = JSONReader.parse(Data(try contents(of: file).utf8))?.objectValue,
              let token = object["hostToken"]?.stringValue, let url = object["localURL"]?.stringValue else {
            throw ProxyError("\(file) is not a letswork session file (no hostToken and localURL); is the session running? Start it with `letswork start`")
        }
        return (try validated(token, from: file), url)
    }

    /// The token in `file` (or the host token of a session file).
    public static func read(file: String) throws -> String {
        if let session = try session(file: file) { return session.token }
        return try validated(contents(of: file), from: file)
    }

    /// What `file` holds; only its owner may read it (like ssh's private keys).
    private static func contents(of file: String) throws -> String {
        var info = stat()
        guard stat(file, &info) == 0 else {
            throw ProxyError("cannot read the token file \(file): \(String(cString: strerror(errno))); run `letswork join` again to store the token")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw ProxyError("the token file \(file) is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(file)` and ask the host for a new token if others may have read it")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ProxyError("cannot read the token file \(file); check that it is yours and readable (chmod 600)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A token is one word of printable ASCII: anything else (a line break above all) could
    /// smuggle a header into the request.
    static func validated(_ raw: String, from source: String) throws -> String {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ProxyError("\(source) does not hold a token (expected one word such as Xb6UBEwT34FL…, as in the host's join command)")
        }
        return token
    }
}
