import Foundation
@testable import LetsworkTools
import Testing

/// The line splitting under read_file's ranges and pages: every byte in exactly one line, each
/// line ending after its "\n", whatever the characters around it.
@Suite("Splitting a file into lines")
struct LineSplitTests {
    @Test("ends, empty lines, CRLF and characters of several bytes", arguments: [
        ("", [String]()),
        ("a", ["a"]),
        ("a\n", ["a\n"]),
        ("a\nb", ["a\n", "b"]),
        ("\n\n", ["\n", "\n"]),
        ("é\n日本\r\nx👋🏽\n", ["é\n", "日本\r\n", "x👋🏽\n"]),
    ])
    func split(text: String, expected: [String]) {
        let lines = Collaboration.lines(of: text)
        #expect(lines.map(String.init) == expected)
        #expect(lines.joined() == text)
    }

    @Test("a string bridged from NSString splits like a native one")
    func bridged() {
        let text = NSString(string: "one\ntwo\nthree") as String
        #expect(Collaboration.lines(of: text).map(String.init) == ["one\n", "two\n", "three"])
    }

    @Test("100,000 lines: each offset lands on its line")
    func many() {
        let text = (0..<100_000).map { "line \($0)\n" }.joined()
        let lines = Collaboration.lines(of: text)
        #expect(lines.count == 100_000)
        #expect(lines[0] == "line 0\n" && lines[99_999] == "line 99999\n")
    }
}
