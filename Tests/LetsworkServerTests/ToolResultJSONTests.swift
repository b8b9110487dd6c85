import Foundation
import MCP
import Testing
@testable import LetsworkServer

@Suite("Tool results written as JSON in one pass")
struct ToolResultJSONTests {
    static let results: [CallTool.Result] = [
        CallTool.Result(content: [.text(text: "plain", annotations: nil, _meta: nil)]),
        CallTool.Result(content: [.text(text: "quotes \" backslash \\ newline \n tab \t cr \r bell \u{07} nul \u{00} é 🚀 </script>", annotations: nil, _meta: nil),
                                  .text(text: "", annotations: nil, _meta: nil)],
                        structuredContent: ["path": "a/b.txt", "size": 12, "ratio": 0.25, "ok": true, "none": .null,
                                            "list": [1, "two", ["three": 3]], "empty": [:], "nested \"key\"": ["x\ny"]] as Value?,
                        isError: false),
        CallTool.Result(content: [.text(text: "refused", annotations: nil, _meta: nil)], structuredContent: ["error": "refused"] as Value?, isError: true),
        CallTool.Result(content: []),
    ]

    @Test("decodes to exactly the result JSONEncoder would have sent", arguments: results)
    func sameAsEncoder(result: CallTool.Result) throws {
        let fast = try #require(ToolResultJSON.encode(result))
        #expect(try JSONDecoder().decode(CallTool.Result.self, from: fast) == result)
        // And it is plain JSON to any parser, not only to the SDK's decoder.
        #expect(try JSONSerialization.jsonObject(with: fast) is [String: Any])
    }

    @Test("falls back to JSONEncoder for what it does not write itself")
    func fallsBack() {
        let image = CallTool.Result(content: [.image(data: "AAAA", mimeType: "image/png", annotations: nil, _meta: nil)])
        #expect(ToolResultJSON.encode(image) == nil)
        let infinite = CallTool.Result(content: [], structuredContent: ["x": .double(.infinity)] as Value?)
        #expect(ToolResultJSON.encode(infinite) == nil)
    }
}
