import CGit2

/// Who did something and when: a commit's author or committer, as plain Swift values.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    /// Seconds since 1970-01-01 UTC.
    public var time: Int64
    /// Offset from UTC in minutes.
    public var offsetMinutes: Int32

    public init(name: String, email: String, time: Int64, offsetMinutes: Int32 = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    init(_ signature: UnsafePointer<git_signature>) {
        name = String(cString: signature.pointee.name)
        email = String(cString: signature.pointee.email)
        time = signature.pointee.when.time
        offsetMinutes = signature.pointee.when.offset
    }

    /// As a commit's author and committer lines give it: `name <email> seconds +hhmm`.
    var header: String {
        let sign = offsetMinutes < 0 ? "-" : "+"
        let minutes = abs(Int(offsetMinutes))
        let zone = String(minutes / 60).leftPadded(to: 2) + String(minutes % 60).leftPadded(to: 2)
        return "\(name) <\(email)> \(time) \(sign)\(zone)"
    }

    /// Lends a libgit2 copy of this signature to `body`, freed when it returns.
    func withGitSignature<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var pointer: UnsafeMutablePointer<git_signature>?
        try git("make signature for \(name)") {
            git_signature_new(&pointer, name, email, time, offsetMinutes)
        }
        defer { git_signature_free(pointer) }
        return try body(pointer!)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
