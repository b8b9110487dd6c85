import ArgumentParser
import Foundation
import LetsworkReview
import LetsworkReviewPage
import Logging
import ServiceLifecycle

struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review pending changes in your browser: queue, side-by-side diffs, revisions, history.",
        discussion: """
            Serves the review page on 127.0.0.1, with or without a running session, and opens it in
            your browser. The first line printed is a one-time login link; the secret is in its
            fragment (after #), so it never reaches a server log. Ctrl+C stops it.

            Examples:
              letswork review                     # any free port, opens the browser
              letswork review --port 8700 --no-open
            """
    )

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port = 0

    @Flag(name: .customLong("no-open"), help: "Only print the login link; do not open a browser.")
    var noOpen = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535.") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "letswork.review")
        let store: ChangeStore
        do {
            store = try repository.openStore()
        } catch let error as ReviewError {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        let (bell, watch) = ReviewBell.watching(store, logger: logger)
        defer { watch.stopWatching() }
        let page = ReviewPage(store: store, bell: bell, logger: logger)
        let secret = await page.access.issueLoginSecret()
        let open = !noOpen
        let application = page.application(port: port, logger: logger) { listening in
            let url = ReviewPage.loginURL(port: listening, secret: secret)
            FileHandle.standardOutput.write(Data("Review: \(url)\nThe link works once. Press Ctrl+C to stop.\n".utf8))
            if open { Browser.open(url) }
        }
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            Terminal.error("The review page could not be served on 127.0.0.1:\(port) (\(error)). Try another --port, or --port 0 for any free one.")
            throw ExitCode.failure
        }
    }
}

/// Opens a URL in the desktop's browser, quietly: no browser is not an error, the link is printed.
enum Browser {
    static func open(_ url: String) {
        #if os(macOS)
        let opener = "/usr/bin/open"
        #else
        guard let opener = ExternalTool.find("xdg-open") else { return }
        #endif
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}
