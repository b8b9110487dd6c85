import Foundation

/// The built `letswork` executable, found next to the test bundle in the build folder (whatever
/// the scratch path), so tests run the program exactly as a user would.
public let letsworkExecutable: String = {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("letswork").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return Bundle.main.bundleURL.appendingPathComponent("letswork").path
}()
