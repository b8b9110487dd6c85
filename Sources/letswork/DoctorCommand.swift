import ArgumentParser
import Foundation

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what a session needs: the repository, libgit2, the port, cloudflared and Claude Code.",
        discussion: """
            Each line says ok, or what is wrong and what to do. Exits 1 when `letswork start` could \
            not start a session here (no usable repository, a busy port, .git/letswork not writable, \
            a session already running); warnings (no cloudflared, an old Claude Code) do not stop one.

            Examples:
              letswork doctor                # in your project, before letswork start
              letswork doctor --port 9000    # the port you mean to start on
            """
    )

    @Option(help: "The port letswork start will listen on (0: any free one).")
    var port = 8000

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port takes 0 to 65535.") }
    }

    func run() throws {
        print("letswork \(BuildInfo.description)")
        let folder = repository.folder ?? FileManager.default.currentDirectoryPath
        let findings = RepositoryChecks(folder: folder).run()
            + [ToolChecks.libgit2(), ToolChecks.port(port), ToolChecks.cloudflared(), ToolChecks.claudeCode()]
        for finding in findings { print(finding.line) }
        if findings.contains(where: { $0.level == .error }) {
            print("A session cannot start here until the errors above are fixed.")
            throw ExitCode.failure
        }
        print("Ready: letswork start")
    }
}
