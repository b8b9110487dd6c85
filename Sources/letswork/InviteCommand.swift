import ArgumentParser
import Foundation

struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Invite one more guest to this repository's running session, with a token of their own.",
        discussion: """
            Prints the join command for the new guest. Each guest has their own token, so you can \
            cut one off with `letswork revoke NAME` without disturbing the others.

              letswork invite --name bob
              letswork invite --name carol --read-only   # can list, read and search; cannot propose
            """
    )

    @Option(name: .long, help: "The guest's name (default: guest-2, guest-3, …). They can change it with set_display_name.")
    var name: String?

    @Flag(name: .customLong("read-only"), help: "The guest can list, read and search files, but not write, edit, submit or lock.")
    var readOnly = false

    @OptionGroup var repository: RepositoryOptions

    func validate() throws {
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--name needs a name (1 to 40 characters).") }
    }

    func run() throws {
        try reportingErrors {
            let store = try repository.openStore()
            var body: [String: Any] = ["read_only": readOnly]
            if let name { body["name"] = name }
            do {
                let admin = try SessionAdmin.running(store)
                let answer = try admin.request("POST", "/letswork/guests", json: body)
                guard let token = answer["token"] as? String, let invited = answer["name"] as? String else {
                    throw ValidationErrorMessage("The session did not return a token; try again.")
                }
                let role = answer["role"] as? String ?? (readOnly ? "read-only guest" : "guest")
                let join = JoinInstructions(url: admin.state.publicURL ?? admin.state.localURL, token: token)
                print("Invited \(invited) (\(role)). Send them this command:\n")
                print("    \(join.letsworkJoin)\n")
                print("or, for Claude Code without letswork (the token is then stored in Claude Code's config):\n")
                print("    \(join.claudeMcpAdd)\n")
                print("Cut them off at any time with: letswork revoke \(invited)")
            } catch let error as ValidationErrorMessage {
                Terminal.error(error.description)
                throw ExitCode.failure
            }
        }
    }
}
