import GitKit
import Testing
@testable import LetsworkReviewPage

@Suite("Review page: diffs and templates")
struct RenderingTests {
    @Test("changed words are marked inside a replaced line, and nothing else")
    func wordDiff() {
        let (old, new) = WordDiff.mark("let total = price * count", "let total = price * quantity + tax")
        #expect(old.filter(\.changed).map(\.text) == ["count"])
        #expect(new.filter(\.changed).map(\.text).joined() == "quantity + tax")
        #expect(old.map(\.text).joined() == "let total = price * count")
        #expect(new.map(\.text).joined() == "let total = price * quantity + tax")
    }

    @Test("a patch is read into numbered lines, and side-by-side rows pair each removed line with its replacement")
    func patchParsing() {
        let patch = "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n\\ No newline at end of file\n"
        let hunks = PatchParser.hunks(of: patch)
        #expect(hunks.count == 1)
        #expect(hunks[0].lines.map(\.kind) == [.context, .removed, .added, .context, .note])
        #expect(hunks[0].lines[2].newNumber == 2 && hunks[0].lines[1].oldNumber == 2 && hunks[0].lines[3].newNumber == 3)
    }

    @Test("every template parses and escapes what a guest controls")
    func templatesEscape() {
        let hostile = "<img src=x onerror=alert(1)>"
        let model = PageModels.Problem(title: hostile, heading: hostile, message: "\"'&")
        let html = ReviewPage.render(model, "problem")
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.contains("<img"))
        #expect(html.contains("<script src=\"/review/assets/review.js\" defer></script>"))
        for name in Templates.all.keys {
            #expect(!ReviewPage.render(PageModels.Login(), name).isEmpty || name == "queueTable", "\(name)")
        }
        for text in Templates.all.values {
            #expect(!text.contains("{{{"))
            let unescaped = text.matches(of: /\{\{&\s*([^}\s]+)\s*\}\}/).map { String($0.output.1) }
            #expect(Set(unescaped).isSubset(of: Templates.unescapedNames), "unescaped: \(unescaped)")
        }
    }

    @Test("a diff's rows are written escaped, in both views, and only as SafeHTML")
    func diffRowsEscape() {
        let hostile = "<script>alert('x') & \"y\"</script>"
        let patch = "@@ -1,2 +1,2 @@\n-\(hostile) old\n+\(hostile) new\n <img src=x onerror=alert(1)>\n"
        let diff = FileDiff(path: "<b>.txt", oldPath: "<b>.txt", status: .modified, additions: 1, deletions: 1, isBinary: false, patch: patch)
        let file = FileView(diff, index: 0)
        for name in Templates.unescapedNames {
            let rows = file.child(named: name)
            #expect(rows is SafeHTML, "\(name) must be SafeHTML")
            let html = (rows as? SafeHTML)?.renderText ?? ""
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"), "\(name): \(html)")
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!html.contains("<script") && !html.contains("<img"))
            // The changed words are marked, and nothing but the writer's own tags is in the rows.
            #expect(html.contains("<del>old</del>") && html.contains("<ins>new</ins>"))
            let tags = Set(html.matches(of: /<\/?([a-z]+)/).map { String($0.output.1) })
            #expect(tags.isSubset(of: ["tr", "td", "span", "ins", "del"]), "\(tags)")
        }
        // Through the template, the rows go in once, not escaped a second time.
        let section = ReviewPage.render(file, "fileDiff")
        #expect(section.contains("<tr class=\"line\">") && section.contains("&lt;script&gt;"))
        #expect(!section.contains("&lt;tr") && !section.contains("&amp;lt;"))
    }

    @Test("the queue follows the live stream and never polls")
    func liveNotPolling() {
        #expect(Assets.script.contains("new EventSource(\"/review/queue/live\")"))
        #expect(!Assets.script.contains("setInterval") && !Assets.script.contains("setTimeout"))
    }
}
