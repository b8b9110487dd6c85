import Foundation
import LetsworkProtocol

// libFuzzer target: the JSON reader that parses every request the server receives and every
// message the proxy relays. Built by scripts/fuzz only.
//
// The reader must never crash, and it must stay a subset of JSON: whatever it accepts,
// JSONSerialization accepts too, whether it builds every member or skips some as the proxy does.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let skipping = JSONReader.parse(bytes) { depth, key in depth != 2 || key != "arguments" }
    guard JSONReader.parse(bytes) != nil || skipping != nil else { return 0 }
    if (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) == nil {
        fatalError("the JSON reader accepted what JSONSerialization refuses: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
    return 0
}

// As in the other targets: SwiftPM renames this executable's `main` to `fuzz_json_main`, which
// keeps libFuzzer's own `main` out of the link; this hands over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_json_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzJSONReader(UnsafeRawPointer(data), size)
    }
}
