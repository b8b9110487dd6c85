import Foundation
import GitKit

/// Someone who proposes or decides: a stable identity (`id`, which the session's token decides)
/// and the display name they go by.
public struct Person: Hashable, Sendable, Codable {
    /// Stable key: "host", "guest", or an invited guest's key. Survives display-name changes.
    public let id: String
    /// What they are called in commits and messages.
    public let name: String
    /// The e-mail written into commits. Guests get a stable placeholder derived from `id`.
    public let email: String

    public init(id: String, name: String, email: String? = nil) {
        self.id = id
        self.name = Person.clean(name, fallback: id)
        self.email = email ?? "\(Person.slug(id))@letswork.invalid"
    }

    /// The host of `repository`: git's `user.name`/`user.email` when configured, else "host".
    public static func host(of repository: Repository) -> Person {
        Person(id: "host", name: repository.configString("user.name") ?? "host",
               email: repository.configString("user.email") ?? "host@letswork.invalid")
    }

    /// letswork itself, the committer of everything it writes.
    static let letswork = Person(id: "letswork", name: "letswork", email: "letswork@letswork.invalid")

    func signature(at time: Int64) -> Signature {
        Signature(name: name, email: email, time: time)
    }

    /// One line of printable text, at most 64 characters: names reach terminals and commits,
    /// so control characters (terminal escapes, newlines) are dropped.
    static func clean(_ text: String, fallback: String) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !($0.value >= 0x80 && $0.value < 0xA0) }))
            .trimmingCharacters(in: .whitespaces)
        let limited = String(printable.prefix(64))
        return limited.isEmpty ? fallback : limited.replacingOccurrences(of: "<", with: "").replacingOccurrences(of: ">", with: "")
    }

    static func slug(_ text: String) -> String {
        let allowed = text.lowercased().unicodeScalars.map { scalar -> Character in
            (("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)) ? Character(scalar) : "-"
        }
        let slug = String(allowed).split(separator: "-").joined(separator: "-")
        return slug.isEmpty ? "guest" : String(slug.prefix(40))
    }
}
