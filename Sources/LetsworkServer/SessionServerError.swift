/// Why the session server could not do what was asked. `message` is a sentence a user can act on.
public struct SessionServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that branches on it.
    public enum Code: String, Sendable, Equatable {
        /// The server could not listen on the requested port (usually: the port is busy).
        case cannotListen
        /// The server stopped (or failed) before it was listening.
        case notRunning
        /// `run()` was called a second time; a server runs once.
        case alreadyStarted
    }

    /// What went wrong.
    public let code: Code
    /// A sentence the user can act on.
    public let message: String

    /// The message.
    public var description: String { message }

    static func cannotListen(port: Int, underlying: any Error) -> SessionServerError {
        return SessionServerError(
            code: .cannotListen,
            message: "letswork could not listen on 127.0.0.1:\(port): \(underlying). "
                + "Another program is probably using it: choose another port with --port, "
                + "or --port 0 to let letswork pick a free one."
        )
    }

    /// `run()` was called a second time.
    public static let alreadyStarted = SessionServerError(
        code: .alreadyStarted,
        message: "this letswork server was already started; make a new SessionHTTPServer to serve again"
    )

    /// The server stopped, or failed, before it was listening.
    public static let notRunning = SessionServerError(
        code: .notRunning,
        message: "the letswork server is not running (it was stopped or failed to start)"
    )
}
