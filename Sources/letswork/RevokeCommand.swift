import ArgumentParser
import Foundation

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Cut a guest off this repository's running session at once.",
        discussion: """
            Their token is refused from their next request on and their MCP sessions end. Their \
            pending changes stay for you to approve or reject.

              letswork revoke bob
            """
    )

    @Argument(help: "The guest's name, as `letswork invite` printed it or get_status shows it.")
    var name: String

    @OptionGroup var repository: RepositoryOptions

    func run() throws {
        try reportingErrors {
            let store = try repository.openStore()
            do {
                let admin = try SessionAdmin.running(store)
                let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
                let answer = try admin.request("DELETE", "/letswork/guests/" + encoded)
                print("Revoked \(answer["revoked"] as? String ?? name): their token no longer works and their sessions are closed.")
            } catch let error as ValidationErrorMessage {
                Terminal.error(error.description)
                throw ExitCode.failure
            }
        }
    }
}
