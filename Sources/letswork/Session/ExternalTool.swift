import Foundation

/// Finding and running other programs (cloudflared, claude) safely: always an executable path
/// and an argument array, never a shell command built from strings.
enum ExternalTool {
    /// The absolute path of `name` on PATH, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    struct Result {
        let status: Int32
        /// Standard output and error together.
        let output: String
    }

    /// Runs `executable` with `arguments` to completion, capturing its output (standard output
    /// and error together), through ``ChildProcess`` so it starts with a clean signal state.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let child = try ChildProcess.spawn(executable, arguments, environment: environment, captureOutput: true)
        let output = child.output?.readDataToEndOfFile() ?? Data()
        while !child.hasExited { usleep(1_000) }
        let status = child.exitStatus ?? -1
        return Result(status: status, output: String(decoding: output, as: UTF8.self))
    }
}
