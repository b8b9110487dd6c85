import Foundation
import LetsworkReview
import MCP

/// A tool's answer: text for the agent to read, and the same facts as structured content.
struct ToolOutput {
    var text: String
    var structured: Value?
}

extension Collaboration {
    /// Runs tool `name` for `caller`. Refusals and failures come back as results with
    /// `isError: true` and a sentence saying what to do; an unknown tool is a protocol error.
    /// - Throws: `MCPError.invalidParams` for a tool that does not exist.
    public func call(_ name: String, arguments: [String: Value]?, as caller: Caller) async throws -> CallTool.Result {
        guard ToolCatalog.names.contains(name) else {
            throw MCPError.invalidParams("Unknown tool '\(name)'. letswork's tools are: \(ToolCatalog.names.joined(separator: ", ")).")
        }
        locks.touch(caller.id)
        hooks.feed(FeedEvent(kind: .call, message: "\(self.name(of: caller)) called \(name)"))
        let arguments = Arguments(tool: name, arguments)
        do {
            let output = try await run(name, arguments, caller)
            return CallTool.Result(content: [.text(text: output.text, annotations: nil, _meta: nil)], structuredContent: output.structured, isError: false)
        } catch let failure as ToolFailure {
            return failed(failure.message)
        } catch let error as ReviewError {
            return failed(error.description)
        } catch {
            logger.error("tool failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return failed("letswork could not complete \(name): \(error). Tell the host; their terminal shows details.")
        }
    }

    private func run(_ name: String, _ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        switch name {
        case "list_files": return try listFiles(arguments, caller)
        case "read_file": return try readFile(arguments, caller)
        case "read_multiple_files": return try readMultipleFiles(arguments, caller)
        case "edit_file": return try await editFile(arguments, caller)
        case "submit_change": return try await submitChange(arguments, caller)
        case "search_files": return try searchFiles(arguments, caller)
        case "find_files": return try findFiles(arguments, caller)
        case "write_file": return try await writeFile(arguments, caller)
        case "lock_file": return try await lockFile(arguments, caller)
        case "unlock_file": return try await unlockFile(arguments, caller)
        case "force_unlock": return try await forceUnlock(arguments, caller)
        case "get_status": return try await status(caller)
        case "get_notifications": return try notifications(caller)
        case "get_pending_changes": return try pendingChanges(arguments, caller)
        case "my_pending_changes": return try myChanges(caller)
        case "approve_change": return try await approve(arguments, caller)
        case "reject_change": return try await reject(arguments, caller)
        case "set_display_name": return try await setDisplayName(arguments, caller)
        default: return ping(caller)
        }
    }

    /// An error result whose text never carries the host's absolute paths.
    func failed(_ message: String) -> CallTool.Result {
        let safe = redact(message)
        return CallTool.Result(content: [.text(text: safe, annotations: nil, _meta: nil)], structuredContent: ["error": .string(safe)], isError: true)
    }

    func redact(_ text: String) -> String {
        text.replacingOccurrences(of: store.root, with: "").replacingOccurrences(of: String(store.root.dropLast()), with: ".")
    }

    func requireHost(_ caller: Caller, _ tool: String) throws {
        guard caller.isHost else {
            throw ToolFailure("\(tool) is for the host only: guests propose changes, the host decides on them.")
        }
    }

    func requireWriter(_ caller: Caller, _ tool: String) throws {
        guard caller.role != .readOnlyGuest else {
            throw ToolFailure("\(tool) is not available to a read-only guest: you can list, read and search, but not change files. Ask the host for a guest invitation that can write.")
        }
    }

    func changeID(_ arguments: Arguments) throws -> String {
        let id = try arguments.string("change_id").trimmingCharacters(in: .whitespaces).lowercased()
        guard ChangeID.isWellFormed(id) else {
            throw ToolFailure("'\(id)' is not a change id: ids are 8 hexadecimal digits, as get_pending_changes shows them.")
        }
        return id
    }

    static func size(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) B" : bytes < 1 << 20 ? String(format: "%.1f KB", Double(bytes) / 1024) : String(format: "%.1f MB", Double(bytes) / 1048576)
    }

    static func ago(_ seconds: Int64) -> String {
        seconds < 60 ? "\(seconds)s ago" : seconds < 3600 ? "\(seconds / 60) min ago" : "\(seconds / 3600) h ago"
    }
}
