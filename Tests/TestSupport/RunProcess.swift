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
