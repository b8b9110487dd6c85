import Foundation
import LetsworkProxy

// libFuzzer target: the proxy's SSE parser and JSON-RPC peek. Built by scripts/fuzz only.
//
// SSE: the events do not depend on how the network cut the stream. The input's first byte seeds
// the cut points; the stream fed whole and fed in pieces must give the same events, and no
// event's data may hold a CR, nor an LF the stream did not put between two data lines.
// JSON-RPC: MessagePeek never crashes; and on any object JSONSerialization can read and write
// back (a canonical message: no duplicate keys, no odd spacing), it finds the same top-level
// "method" and sees "id" exactly when there is one.

private func violation(_ what: String, _ input: [UInt8]) -> Never {
    fatalError("proxy parsing invariant broken: \(what) for input \(String(decoding: input, as: UTF8.self).debugDescription)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProxyParsing(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let seed = input.first else { return 0 }
    let stream = Array(input.dropFirst())

    var whole = SSEParser()
    let expected = whole.feed(stream)
    var pieces = SSEParser()
    var events: [SSEEvent] = []
    var index = 0
    var step = Int(seed % 7) + 1
    while index < stream.count {
        let end = min(stream.count, index + step)
        events += pieces.feed(stream[index..<end])
        index = end
        step = (step * 5 + Int(seed)) % 11 + 1
    }
    if events != expected { violation("events depend on the cut points (\(events.count) vs \(expected.count))", input) }
    for event in expected where event.data.contains(UInt8(ascii: "\r")) { violation("a CR inside an event's data", input) }

    _ = MessagePeek(stream)
    if let object = try? JSONSerialization.jsonObject(with: Data(stream)) as? [String: Any],
       JSONSerialization.isValidJSONObject(object),
       let canonical = try? JSONSerialization.data(withJSONObject: object) {
        guard let peek = MessagePeek(Array(canonical)) else { violation("a JSON object not peeked", Array(canonical)) }
        if peek.method != object["method"] as? String { violation("method \(peek.method ?? "nil") vs \(object["method"] ?? "nil")", Array(canonical)) }
        if (peek.rawID != nil) != (object["id"] != nil) { violation("id seen \(peek.rawID != nil) vs present \(object["id"] != nil)", Array(canonical)) }
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `fuzz_sse_main` (so that tests can link
// it), which keeps libFuzzer's own `main` out of the link; this entry point hands over to
// libFuzzer's driver instead (LLVMFuzzerRunDriver, in compiler-rt's libFuzzer since LLVM 11).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_sse_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzProxyParsing(UnsafeRawPointer(data), size)
    }
}
