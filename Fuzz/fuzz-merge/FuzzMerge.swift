import GitKit

// libFuzzer target: three-way merges of one file (GitKit.TextMerge over git_merge_file).
// Built by scripts/fuzz only.
//
// The input is split into ancestor, ours and theirs at its first two 0x00 bytes (missing parts
// are empty; theirs may hold more NULs: binary, only checked not to crash). Invariants: the merge never fails or crashes on any bytes, and
//   - ours == theirs: clean, the result is ours;
//   - ours == ancestor: clean, the result is theirs (only they changed it);
//   - theirs == ancestor: clean, the result is ours;
//   - a clean merge of a missing ancestor with equal sides is that side.

private func violation(_ what: String, _ parts: [[UInt8]]) -> Never {
    fatalError("merge invariant broken: \(what); ancestor/ours/theirs = \(parts.map { String(decoding: $0, as: UTF8.self).debugDescription })")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMerge(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    var parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false).map(Array.init)
    while parts.count < 3 { parts.append([]) }
    let (ancestor, ours, theirs) = (parts[0], parts[1], parts[2])
    func merge(_ ancestor: [UInt8]?) -> TextMerge.Result {
        do {
            return try TextMerge.merge(ancestor: ancestor, ours: ours, theirs: theirs, path: "file.txt", ourLabel: "host", theirLabel: "guest")
        } catch {
            violation("libgit2 failed: \(error)", parts)
        }
    }
    let result = merge(ancestor)
    // Content with a NUL is binary to libgit2, which then never merges it; letswork refuses
    // such content before any merge (ContentPolicy), so the laws below are for text only.
    guard !theirs.contains(0) else { return 0 }
    if ours == theirs && !(result.isClean && result.content == ours) { violation("equal sides did not merge to themselves", parts) }
    if ours == ancestor && !(result.isClean && result.content == theirs) { violation("only theirs changed, but the result is not theirs", parts) }
    if theirs == ancestor && !(result.isClean && result.content == ours) { violation("only ours changed, but the result is not ours", parts) }
    if ours == theirs {
        let fromNothing = merge(nil)
        if !(fromNothing.isClean && fromNothing.content == ours) { violation("equal sides without an ancestor", parts) }
    }
    return 0
}

// SwiftPM links an executable target with `main` defined as `fuzz_merge_main` (so that tests can link
// it), which keeps libFuzzer's own `main` out of the link; this entry point hands over to
// libFuzzer's driver instead (LLVMFuzzerRunDriver, in compiler-rt's libFuzzer since LLVM 11).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_merge_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzMerge(UnsafeRawPointer(data), size)
    }
}
