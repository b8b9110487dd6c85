import Foundation
import Testing

@Suite("The README, as a user opens it")
struct ReadmeTests {
    static let readme = InstallTests.packageRoot + "/README.md"

    @Test("stays under 16,000 bytes and opens with the two commands: a session, and the tests CI runs")
    func sizeAndFirstCommands() throws {
        let text = try String(contentsOfFile: Self.readme, encoding: .utf8)
        #expect(text.utf8.count < 16_000, "README.md is \(text.utf8.count) bytes: move detail to docs/")
        let block = try #require(text.components(separatedBy: "```bash\n").dropFirst().first?.components(separatedBy: "```").first)
        let commands = block.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(commands == ["~/letswork/scripts/install && cd ~/your-project && letswork start", "~/letswork/scripts/test"])
        let ci = try String(contentsOfFile: InstallTests.packageRoot + "/.ci/run", encoding: .utf8)
        #expect(ci.contains("scripts/test"), ".ci/run must call the README's test command")
    }
}
