import Foundation
import LetsworkProtocol
import Testing

@Suite("The JSON writer")
struct JSONWriterTests {
    static let values: [JSONValue] = [
        "plain", "quotes \" backslash \\ newline \n tab \t cr \r bell \u{07} nul \u{00} é 🚀 </script>", "",
        ["path": "a/b.txt", "size": 12, "ratio": 0.25, "ok": true, "none": .null, "list": [1, "two", ["three": 3]],
         "empty": [:], "nested \"key\"": ["x\ny"]],
        [], [[], [:], [[]]], .int(Int.min), .int(Int.max), .double(-1.5e-7),
    ]

    @Test("writes JSON that the reader and Foundation read back as the same value", arguments: values)
    func roundTrip(value: JSONValue) throws {
        let data = JSONWriter.data(value)
        #expect(JSONReader.parse(data) == value)
        #expect((try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil, "Foundation reads what JSONWriter wrote")
    }

    @Test("writes a number JSON cannot hold as null, so the output stays JSON")
    func nonFinite() {
        #expect(JSONWriter.string(["x": .double(.infinity), "y": .double(.nan)]).contains("null"))
        #expect(JSONReader.parse(JSONWriter.data(["x": .double(.infinity)])) == ["x": .null])
    }

    @Test("responses keep the request's id exactly, string or number")
    func responses() throws {
        let success = try #require(JSONReader.parse(RPCResponse.success(id: "7", result: ["ok": true])))
        #expect(success == ["jsonrpc": "2.0", "id": "7", "result": ["ok": true]])
        let failure = try #require(JSONReader.parse(RPCResponse.failure(id: 7, error: .invalidParams("no"))))
        #expect(failure == ["jsonrpc": "2.0", "id": 7, "error": ["code": -32602, "message": "no"]])
    }
}
