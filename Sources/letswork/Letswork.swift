import ArgumentParser

/// The `letswork` command: one subcommand per file in this folder.
@main
struct Letswork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letswork",
        abstract: "Two developers, their own AI agents, one codebase — every guest edit is a git commit the host reviews.",
        discussion: """
            Review what guests proposed, in the repository that contains the current folder:
              letswork pending              list pending changes and whether they apply cleanly
              letswork show 3f9c2a1b        the change's diff
              letswork approve 3f9c2a1b     write it into your working tree (merging with your edits)
              letswork reject 3f9c2a1b --reason "keep the old API"
              letswork log                  decided changes, newest first
              letswork review               all of the above in your browser

            Everything is in git too: git log HEAD..refs/letswork/pending, git log refs/letswork/approved.
            """,
        version: BuildInfo.description,
        subcommands: [StartCommand.self, DoctorCommand.self, StatusCommand.self, StopCommand.self, InviteCommand.self, RevokeCommand.self, JoinCommand.self, ProxyCommand.self, PendingCommand.self, ShowCommand.self, ApproveCommand.self, RejectCommand.self, LogCommand.self, ReviewCommand.self]
    )
}
