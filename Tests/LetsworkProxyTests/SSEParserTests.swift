import LetsworkProxy
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    private func parse(_ pieces: [String]) -> [SSEEvent] {
        var parser = SSEParser()
        return pieces.flatMap { parser.feed(Array($0.utf8)) }
    }

    @Test("one event, one piece")
    func single() {
        let events = parse(["event: message\ndata: {\"id\":1}\n\n"])
        #expect(events == [SSEEvent(type: "message", data: Array("{\"id\":1}".utf8))])
    }

    @Test("an event split at every byte comes out whole, once")
    func splitEverywhere() {
        let stream = "id: 7\r\ndata: {\"a\":\r\ndata: 2}\r\n\r\n: keep-alive\r\n\r\ndata: x\r\n\r\n"
        let events = parse(stream.map { String($0) })
        #expect(events.map(\.text) == ["{\"a\":\n2}", "x"])
        #expect(events.map(\.lastEventID) == ["7", "7"])
    }

    @Test("CR, LF and CRLF line endings, including a CRLF split between pieces")
    func lineEndings() {
        #expect(parse(["data: a\r", "\n\r", "\n"]).map(\.text) == ["a"])
        #expect(parse(["data: a\r\rdata: b\n\n"]).map(\.text) == ["a", "b"])
        #expect(parse(["data: a\r\n\r\n"]).map(\.text) == ["a"])
    }

    @Test("multi-line data joins with newlines; a lone colon-less field and unknown fields are ignored")
    func multiLine() {
        let events = parse(["data: one\ndata:two\ndata\nfoo: bar\n\n"])
        #expect(events.map(\.text) == ["one\ntwo\n"])
    }

    @Test("comments and data-less events dispatch nothing; an unfinished event is not dispatched")
    func comments() {
        #expect(parse([": ping\n\n", "event: x\n\n", "data: never finished\n"]).isEmpty)
    }

    @Test("event type and retry are read")
    func fields() {
        var parser = SSEParser()
        let events = parser.feed(Array("retry: 1500\nevent: endpoint\ndata: /x\n\n".utf8))
        #expect(events == [SSEEvent(type: "endpoint", data: Array("/x".utf8))])
        #expect(parser.retry == 1500)
    }

    @Test("bytes of the data pass through unchanged (UTF-8, escapes, spaces)")
    func bytesUnchanged() {
        let json = #"{"text":"caf\u00e9 ☕  \"quoted\"","isError":true}"#
        #expect(parse(["data: " + json + "\n\n"]).map(\.text) == [json])
        #expect(parse(["data:  two leading spaces\n\n"]).map(\.text) == [" two leading spaces"])
    }
}
