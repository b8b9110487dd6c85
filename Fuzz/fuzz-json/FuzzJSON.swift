import Foundation
@testable import LetsworkServer

// libFuzzer target: the JSON reader that parses every tools/call request. Built by scripts/fuzz
// only (a debug build, so the internal reader is reachable through @testable).
//
// The reader must never crash, and it must stay a subset of JSON: whatever it accepts,
// JSONSerialization accepts too. (What it refuses goes to the SDK's decoder, so refusing valid
// JSON costs speed, never correctness.)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    guard JSONReader.parse(bytes) != nil else { return 0 }
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
