import MCP

/// The 14 tools of letswork 2.0.9, with the same names, argument names and meanings (plus an
/// optional `reason` on reject_change and `force`/`commit` on approve_change). Every role sees
/// all of them, as in the original; the handlers refuse what a role may not do, saying why.
enum ToolCatalog {
    static let names = tools.map(\.name)

    static let tools: [Tool] = [
        Tool(
            name: "list_files",
            description: "List files and folders of the host's repository, with who holds a lock on each file and which pending changes touch it. Paths are relative to the repository root. With recursive=true, lists the whole subtree and leaves out files .gitignore excludes. Secret files (.env, keys) and .git are never listed.",
            inputSchema: schema(["path": string("Folder to list, relative to the repository root (default: the root).", default: "."),
                                 "recursive": boolean("List all files below the folder, not just its direct entries (default false).")]),
            annotations: readOnly("List files")),
        Tool(
            name: "read_file",
            description: "Read a text file of the host's repository (UTF-8, up to 1 MB). Path relative to the repository root. Returns the host's current working-tree version.",
            inputSchema: schema(["path": string("File to read, relative to the repository root.")], required: ["path"]),
            annotations: readOnly("Read a file")),
        Tool(
            name: "write_file",
            description: "Propose new full content for a file (creating it if needed). For a guest this does NOT change the host's file: it becomes a pending change (a git commit) that the host reviews and approves or rejects; writing again to a file of your own pending change makes a new revision of that change. The result gives the change id; follow it with my_pending_changes or get_notifications. For the host it writes the file directly. Text only, up to 1 MB.",
            inputSchema: schema(["path": string("File to write, relative to the repository root."),
                                 "content": string("The complete new content of the file.")], required: ["path", "content"]),
            annotations: Tool.Annotations(title: "Write a file", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        Tool(
            name: "lock_file",
            description: "Lock a file for exclusive editing, so others (the host included) know you are working on it and cannot write it meanwhile. Locks lapse after 30 minutes without activity from you, and when your change to the file is approved or rejected.",
            inputSchema: schema(["path": string("File to lock, relative to the repository root.")], required: ["path"]),
            annotations: Tool.Annotations(title: "Lock a file", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        Tool(
            name: "unlock_file",
            description: "Release a lock you hold on a file.",
            inputSchema: schema(["path": string("File to unlock, relative to the repository root.")], required: ["path"]),
            annotations: Tool.Annotations(title: "Unlock a file", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        Tool(
            name: "get_status",
            description: "Session facts: the project, who you are and your role, who is connected (seen in the last minute), current locks, and how many changes are pending.",
            inputSchema: schema([:]),
            annotations: readOnly("Session status")),
        Tool(
            name: "get_notifications",
            description: "What needs your attention since you last asked: for the host, new changes to review; for a guest, decisions on your changes (approved, merged, rejected with the reason, or conflicting); for everyone, locks taken and released by others.",
            inputSchema: schema([:]),
            annotations: Tool.Annotations(title: "Notifications", readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false)),
        Tool(
            name: "get_pending_changes",
            description: "All changes awaiting the host's decision, each with its id, proposer, files and unified diff (against what its proposer saw). For the host, also whether each applies cleanly to the working tree now, needs a merge, or conflicts.",
            inputSchema: schema([:]),
            annotations: readOnly("Pending changes")),
        Tool(
            name: "my_pending_changes",
            description: "Your own changes and where each stands: pending, approved (possibly merged with the host's edits), rejected with the host's reason, or conflicting (re-read the named files and write again to send a new revision).",
            inputSchema: schema([:]),
            annotations: readOnly("My changes")),
        Tool(
            name: "approve_change",
            description: "Host only. Approve a pending change: its files are written into the working tree; files the host edited since are merged three-way. If the same lines conflict, nothing is written and the conflicts are returned (force=true takes the proposed version anyway). commit=true also commits it onto the current branch, authored by the proposer.",
            inputSchema: schema(["change_id": string("The change's id, as get_pending_changes shows it."),
                                 "force": boolean("On conflict, take the proposed version over the host's edits (default false)."),
                                 "commit": boolean("Also commit the change onto the current branch (default false).")], required: ["change_id"]),
            annotations: Tool.Annotations(title: "Approve a change", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false)),
        Tool(
            name: "reject_change",
            description: "Host only. Reject a pending change, optionally with a reason the proposer will read. The working tree is not touched.",
            inputSchema: schema(["change_id": string("The change's id, as get_pending_changes shows it."),
                                 "reason": string("Why, for the proposer (optional).")], required: ["change_id"]),
            annotations: Tool.Annotations(title: "Reject a change", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false)),
        Tool(
            name: "force_unlock",
            description: "Host only. Release a file lock someone else holds (for example a guest who left).",
            inputSchema: schema(["path": string("File to unlock, relative to the repository root.")], required: ["path"]),
            annotations: Tool.Annotations(title: "Force unlock", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        Tool(
            name: "set_display_name",
            description: "Guest only. Set the name the host sees on your changes and in the session (1–40 characters; not the host's name, not \"host\"). Do this first.",
            inputSchema: schema(["name": string("Your display name.")], required: ["name"]),
            annotations: Tool.Annotations(title: "Set display name", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)),
        Tool(
            name: "ping",
            description: "Check the connection to the host's letswork server.",
            inputSchema: schema([:]),
            annotations: readOnly("Ping")),
    ]

    static func schema(_ properties: [String: Value], required: [String] = []) -> Value {
        var object: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        return .object(object)
    }

    static func string(_ description: String, default fallback: String? = nil) -> Value {
        var object: [String: Value] = ["type": "string", "description": .string(description)]
        if let fallback { object["default"] = .string(fallback) }
        return .object(object)
    }

    static func boolean(_ description: String) -> Value {
        ["type": "boolean", "description": .string(description), "default": false]
    }

    static func readOnly(_ title: String) -> Tool.Annotations {
        Tool.Annotations(title: title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false)
    }
}
