import Foundation

/// What a finished program printed and how it exited.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let output: String
    public let errors: String
}

/// Runs `executable` with `arguments` (in `folder`, with `environment` added) and waits for it.
/// Standard error is read on its own thread, so a chatty program cannot fill one pipe and stall.
public func runProcess(_ executable: String, _ arguments: [String], in folder: String? = nil,
                       environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errorData = ErrorCollector()
    let reader = Thread { errorData.data = errors.fileHandleForReading.readDataToEndOfFile(); errorData.done.signal() }
    reader.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    errorData.done.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
                         errors: String(decoding: errorData.data, as: UTF8.self))
}

/// Standard error, handed from the reading thread to the waiting one.
private final class ErrorCollector: @unchecked Sendable {
    // @unchecked Sendable: `data` is written once before `done` is signalled, read after waiting.
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

/// Starts `executable` with `arguments` (in `folder`) and returns while it runs: standard output
/// into `outputPath` and standard error into `errorsPath` (both created empty; one file when
/// `errorsPath` is nil), no standard input. `environment` changes the test's own: a nil value
/// removes the variable. The caller stops and waits for the process.
public func launchProcess(_ executable: String, _ arguments: [String], in folder: String? = nil,
                          environment changes: [String: String?] = [:], outputPath: String,
                          errorsPath: String? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
    var environment = ProcessInfo.processInfo.environment
    for (name, value) in changes { environment[name] = value }
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    defer { try? output.close() }
    process.standardOutput = output
    if let errorsPath {
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
        defer { try? errors.close() }
        process.standardError = errors
        try process.run()
    } else {
        process.standardError = output
        try process.run()
    }
    return process
}
