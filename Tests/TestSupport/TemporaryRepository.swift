import Foundation

/// A real git repository in a temporary folder, made and inspected with the git CLI (the product
/// uses libgit2; checking with git means a bug cannot hide in both). Removed when the test ends.
public struct TemporaryRepository: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// A fresh repository holding `files` in one first commit (none: no commit yet).
    public static func make(files: [String: String] = ["README.md": "hello\n"]) throws -> TemporaryRepository {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("letswork-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let repository = TemporaryRepository(path: folder)
        do {
            try repository.git("init", "-q", "-b", "main")
            try repository.git("config", "user.name", "Hosta Host")
            try repository.git("config", "user.email", "hosta@example.com")
            try repository.git("config", "core.autocrlf", "false")
            for (name, content) in files { try repository.write(name, content) }
            if !files.isEmpty { try repository.commitAll("first commit") }
        } catch {
            repository.remove()
            throw error
        }
        return repository
    }

    /// Deletes the repository's folder.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` with a fresh repository, removed afterwards even when `body` throws.
    public static func with<T>(files: [String: String] = ["README.md": "hello\n"],
                               _ body: (TemporaryRepository) throws -> T) throws -> T {
        let repository = try make(files: files)
        defer { repository.remove() }
        return try body(repository)
    }

    /// The same for async test bodies.
    public static func withAsync(files: [String: String] = ["README.md": "hello\n"],
                                 _ body: (TemporaryRepository) async throws -> Void) async throws {
        let repository = try make(files: files)
        defer { repository.remove() }
        try await body(repository)
    }

    /// Runs git in the repository and returns its standard output.
    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try run(["git", "-C", path] + arguments)
    }

    /// Runs `command` (looked up on PATH) and returns its standard output.
    /// - Throws: ``CommandFailed`` with its standard error when it exits non-zero.
    @discardableResult
    public func run(_ command: [String], environment: [String: String] = [:]) throws -> String {
        let result = try runProcess("/usr/bin/env", command, environment: environment)
        guard result.status == 0 else {
            throw CommandFailed(command: command.joined(separator: " "), status: result.status, output: result.errors)
        }
        return result.output
    }

    public func write(_ name: String, _ content: String) throws {
        try writeBytes(name, Array(content.utf8))
    }

    public func writeBytes(_ name: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    public func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: path + "/" + name).map { String(decoding: $0, as: UTF8.self) }
    }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }

    public func commitAll(_ message: String) throws {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }

    /// Lines of `git log --format=FORMAT RANGE`.
    public func log(_ range: String, format: String = "%H") throws -> [String] {
        try git("log", "--format=\(format)", range).split(separator: "\n").map(String.init)
    }
}

public struct CommandFailed: Error, CustomStringConvertible {
    public let command: String
    public let status: Int32
    public let output: String

    public init(command: String, status: Int32, output: String) {
        self.command = command
        self.status = status
        self.output = output
    }

    public var description: String { "\(command) exited \(status): \(output)" }
}
