import Foundation
import LetsworkReview
import LetsworkTools

// libFuzzer target: the path sandbox (RepoPath + PathSandbox.check). Built by scripts/fuzz only.
//
// Invariants, for any input the sandbox accepts:
//   - the normalised path is relative, has no "." / ".." / empty part, no ".git" part (any case),
//     no NUL or control character, no backslash, and fits RepoPath.maximumLength;
//   - normalising it again gives itself (the check is idempotent);
//   - with every symbolic link resolved, root + path stays inside the root's real path;
//   - it is not a secret, and a listing would not hide it.
// The root is a real folder with links planted in it (to a folder outside, to the root itself,
// a loop, a link to a file), so the resolution has something to get wrong.

private let stage: (sandbox: PathSandbox, root: String, realRoot: String) = {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("letswork-fuzz-\(getpid())").path
    let root = base + "/repo"
    let outside = base + "/outside"
    let manager = FileManager.default
    try? manager.createDirectory(atPath: root + "/src/deep", withIntermediateDirectories: true)
    try? manager.createDirectory(atPath: outside, withIntermediateDirectories: true)
    try? manager.createDirectory(atPath: root + "/.git", withIntermediateDirectories: true)
    manager.createFile(atPath: root + "/README.md", contents: Data("hi\n".utf8))
    manager.createFile(atPath: outside + "/secret.txt", contents: Data("secret\n".utf8))
    try? manager.createSymbolicLink(atPath: root + "/out", withDestinationPath: outside)
    try? manager.createSymbolicLink(atPath: root + "/src/up", withDestinationPath: "../..")
    try? manager.createSymbolicLink(atPath: root + "/self", withDestinationPath: ".")
    try? manager.createSymbolicLink(atPath: root + "/loop", withDestinationPath: "loop")
    try? manager.createSymbolicLink(atPath: root + "/secret-link", withDestinationPath: outside + "/secret.txt")
    try? manager.createSymbolicLink(atPath: root + "/gitdir", withDestinationPath: ".git")
    manager.createFile(atPath: root + "/.letsworkignore", contents: Data("private/\n*.secret\n".utf8))
    atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("letswork-fuzz-\(getpid())").path) }
    let real = URL(fileURLWithPath: root).resolvingSymlinksInPath().path + "/"
    return (PathSandbox(root: root), root + "/", real)
}()

private func violation(_ what: String, _ raw: String) -> Never {
    fatalError("sandbox invariant broken: \(what) for input \(raw.debugDescription)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSandbox(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let raw = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let accepted = try? stage.sandbox.check(raw) else { return 0 }
    let value = accepted.value
    // Bytes and scalars, never Characters: a combining mark can fuse with a "/" into one Character.
    let parts = value.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
    if value.isEmpty || value.utf8.first == UInt8(ascii: "/") { violation("empty or absolute", raw) }
    if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { violation("an empty, . or .. part", raw) }
    if parts.contains(where: { $0.lowercased() == ".git" }) { violation("a .git part", raw) }
    if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) || value.unicodeScalars.contains("\\") {
        violation("a control character or backslash", raw)
    }
    if value.utf8.count > RepoPath.maximumLength { violation("too long", raw) }
    guard let again = try? RepoPath(value), again == accepted else { violation("not idempotent", raw) }
    if stage.sandbox.isHidden(value) { violation("accepted but hidden from listings (a secret)", raw) }
    let resolved = URL(fileURLWithPath: stage.root + value).resolvingSymlinksInPath().path
    let bytes = Array(resolved.utf8)
    if Array((resolved + "/").utf8) != Array(stage.realRoot.utf8) && !bytes.starts(with: stage.realRoot.utf8) {
        violation("resolves outside the root to \(resolved)", raw)
    }
    if bytes.starts(with: (stage.realRoot + ".git/").utf8) || bytes == Array((stage.realRoot + ".git").utf8) { violation("resolves into .git", raw) }
    return 0
}

// SwiftPM links an executable target with `main` defined as `fuzz_sandbox_main` (so that tests can link
// it), which keeps libFuzzer's own `main` out of the link; this entry point hands over to
// libFuzzer's driver instead (LLVMFuzzerRunDriver, in compiler-rt's libFuzzer since LLVM 11).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("fuzz_sandbox_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        guard let data else { return 0 }
        return fuzzSandbox(UnsafeRawPointer(data), size)
    }
}
