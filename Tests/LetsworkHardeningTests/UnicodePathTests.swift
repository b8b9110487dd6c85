import LetsworkReview
import Testing

@Suite("Paths are split on the '/' byte, whatever Unicode does to Characters")
struct UnicodePathTests {
    /// A combining mark right after "/" forms one Character with it, so Character-based
    /// `hasPrefix("/")` and `split(separator: "/")` missed the slash; the file system does not.
    /// Found by scripts/fuzz (fuzz-sandbox).
    @Test("a combining mark after a slash does not hide '..', '.git' or a leading '/'",
          arguments: ["../\u{0301}outside.txt", "a/../\u{0301}../x", ".git/\u{0301}hooks/pre-commit", "/\u{0329}etc/passwd", "x\\\u{0301}y"])
    func refused(raw: String) {
        #expect(throws: ReviewError.self) { try RepoPath(raw) }
    }

    @Test("a name that starts with a combining mark is an ordinary name, split where the bytes say")
    func ordinary() throws {
        let path = try RepoPath("src/\u{0301}name/file.txt")
        #expect(path.parentFolders == ["src", "src/\u{0301}name"])
        #expect(path.fileName == "file.txt")
        let leaf = try RepoPath("src/\u{0301}leaf")
        #expect(leaf.fileName == "\u{0301}leaf")
        #expect(leaf.parentFolders == ["src"])
        #expect(leaf.value.utf8.elementsEqual("src/\u{0301}leaf".utf8))
    }
}
