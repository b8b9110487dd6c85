import Foundation
import LetsworkReview
import LetsworkProtocol

/// A tool's answer: text for the agent to read, and the same facts as structured content.
struct ToolOutput {
    var text: String
    var structured: JSONValue?
}

extension Collaboration {
    /// Runs tool `name` for `caller`. Refusals and failures come back as results with
    /// `isError: true` and a sentence saying what to do; an unknown tool is a protocol error.
    /// - Throws: `RPCError.invalidParams` for a tool that does not exist.
    public func call(_ name: String, arguments: [String: JSONValue]?, as caller: Caller) async throws(RPCError) -> ToolResult {
        guard let entry = ToolCatalog.byName[name] else {
            throw .invalidParams("Unknown tool '\(name)'. letswork's tools are: \(ToolCatalog.names.joined(separator: ", ")).")
        }
        locks.touch(caller.id)
        hooks.feed(FeedEvent(kind: .call, message: "\(self.name(of: caller)) called \(name)"))
        let arguments = Arguments(tool: name, arguments)
        do {
            let output = try await PageBudget.$bytes.withValue(entry.pages.budget) {
                try await entry.run(self, arguments, caller)
            }
            return announcingNews(ToolResult(text: [output.text], structuredContent: output.structured, isError: false), to: caller, after: name)
        } catch let failure as ToolFailure {
            return announcingNews(failed(failure.message), to: caller, after: name)
        } catch let error as ReviewError {
            return announcingNews(failed(error.description), to: caller, after: name)
        } catch {
            logger.error("tool failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return failed("letswork could not complete \(name): \(error). Tell the host; their terminal shows details.")
        }
    }

    /// Ends `result` with one short line when events are waiting for `caller` that no earlier
    /// result announced ("[letswork: 2 new — …; details: get_notifications]"), and the same as
    /// `letswork_notifications` in its structured content: an agent learns of a decision or a new
    /// proposal at its next call, whatever its client, without polling.
    func announcingNews(_ result: ToolResult, to caller: Caller, after tool: String) -> ToolResult {
        guard tool != "get_notifications" else { return result }
        let (fresh, unread) = events.announce(for: caller.id)
        guard let latest = fresh.last else { return result }
        var result = result
        let gist = latest.text.count > 140 ? String(latest.text.prefix(139)) + "…" : latest.text
        result.text.append("[letswork: \(unread) new — \(gist); details: get_notifications]")
        if case .object(var structured)? = result.structuredContent {
            structured["letswork_notifications"] = ["unread": .int(unread), "latest": .string(latest.text),
                                                    "change_id": latest.changeID.value]
            result.structuredContent = .object(structured)
        }
        return result
    }

    /// The tools as `caller` sees them in `tools/list`.
    public func tools(for caller: Caller, _ presentation: ToolPresentation = ToolPresentation()) -> [ToolDescription] {
        ToolCatalog.entries.map { $0.description(for: caller, presentation) }
    }

    /// An error result whose text never carries the host's absolute paths.
    func failed(_ message: String) -> ToolResult {
        let safe = redact(message)
        return ToolResult(text: [safe], structuredContent: ["error": .string(safe)], isError: true)
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
