import LetsworkProtocol

/// The 14 tools of letswork 2.0.9, with the same names, argument names and meanings (plus an
/// optional `reason` on reject_change and `force`/`commit` on approve_change), and what an agent
/// needs on a remote codebase: line ranges, several files at once, exact edits, multi-file
/// changes, search. Every role sees all of them, as in the original; the handlers refuse what a
/// role may not do, saying why.
///
/// Each entry holds everything about its tool — schemas, annotations, page size and handler — so
/// a tool cannot be listed without being callable, or called without being listed.
enum ToolCatalog {
    static let names = entries.map(\.name)
    static let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    static let entries: [ToolEntry] = [
        ToolEntry(
            name: "list_files",
            description: "List files and folders of the host's repository, with who holds a lock on each file and which pending changes touch it. Paths are relative to the repository root. With recursive=true, lists the whole subtree and leaves out files .gitignore excludes. Secret files (.env, keys) and .git are never listed.",
            inputSchema: schema(["path": string("Folder to list, relative to the repository root (default: the root).", default: "."),
                                 "recursive": boolean("List all files below the folder, not just its direct entries (default false)."),
                                 "offset": integer("Entries to skip: a long listing comes in pages of about 90 KB, each naming the offset of the next (default 0).", minimum: 0)]),
            annotations: readOnly("List files"),
            output: Output.listFiles,
            run: { try $0.listFiles($1, $2) }),
        ToolEntry(
            name: "read_file",
            description: "Read a text file of the host's repository (UTF-8, up to 1 MB). Path relative to the repository root. Give offset (first line, 1-based) and limit (number of lines) to read a range; the result says the file's total line count and, when more follows, the offset to call again with (long files come in pages of about 400 KB). If you have a pending change to the file, you get YOUR pending version by default (the result says so); version=\"host\" reads the host's working tree instead.",
            inputSchema: schema(["path": string("File to read, relative to the repository root."),
                                 "offset": integer("First line to return, 1-based (default 1).", minimum: 1),
                                 "limit": integer("How many lines to return (default: as many as fit in one result).", minimum: 1),
                                 "version": version], required: ["path"]),
            annotations: readOnly("Read a file"),
            output: Output.readFile,
            pages: .large,
            run: { try $0.readFile($1, $2) }),
        ToolEntry(
            name: "read_multiple_files",
            description: "Read several text files at once (up to 100 paths), each under a '=== path ===' header. A file that cannot be read gets its own error and does not fail the others; files that would push the result past about 400 KB are named but left out (read them with read_file). Same versions as read_file.",
            inputSchema: schema(["paths": ["type": "array", "items": ["type": "string"], "minItems": 1, "maxItems": 100,
                                           "description": "Files to read, relative to the repository root."],
                                 "version": version], required: ["paths"]),
            annotations: readOnly("Read several files"),
            output: Output.readMultipleFiles,
            pages: .large,
            run: { try $0.readMultipleFiles($1, $2) }),
        ToolEntry(
            name: "search_files",
            description: "Search the contents of the host's repository, like grep: each matching line as path:line:text (with context lines as path-line-text when context > 0), and the total count. pattern is literal text unless regex=true (ICU/PCRE-style syntax, applied line by line). include/exclude are path globs (**/*.swift, src/*.c; a glob without '/' matches file names at any depth). Files .gitignore excludes, secret files (.env, keys), binary files and symbolic links are never searched. Long results come in pages of about 400 KB; call again with the offset the result names. Searches the host's working tree (not your pending changes).",
            inputSchema: schema(["pattern": string("Text to find, or a regular expression when regex is true."),
                                 "regex": boolean("Treat pattern as a regular expression (default false: literal text)."),
                                 "case_sensitive": ["type": "boolean", "description": "Match case exactly (default true).", "default": true],
                                 "include": globList("Only search files matching one of these globs, e.g. [\"**/*.swift\"]."),
                                 "exclude": globList("Skip files matching any of these globs, e.g. [\"Tests/**\"]."),
                                 "context": integer("Lines of context before and after each match, 0–10 (default 0).", minimum: 0),
                                 "offset": integer("Matching lines to skip, for the next page (default 0).", minimum: 0),
                                 "limit": integer("At most this many matching lines in this page (default: as many as fit).", minimum: 1)],
                                required: ["pattern"]),
            annotations: readOnly("Search file contents"),
            output: Output.searchFiles,
            pages: .large,
            run: { try $0.searchFiles($1, $2) }),
        ToolEntry(
            name: "find_files",
            description: "Find files of the host's repository by path glob: **/*.swift (any depth), src/*.c (one folder), *.{h,c}, Tests/**. A glob without '/' matches file names at any depth. Honours .gitignore; secret files and .git are never returned. Paginated like list_files.",
            inputSchema: schema(["pattern": string("The glob, relative to the repository root."),
                                 "exclude": globList("Leave out files matching any of these globs."),
                                 "offset": integer("Files to skip, for the next page (default 0).", minimum: 0)],
                                required: ["pattern"]),
            annotations: readOnly("Find files"),
            output: Output.findFiles,
            run: { try $0.findFiles($1, $2) }),
        ToolEntry(
            name: "write_file",
            description: "Propose new full content for a file (creating it if needed). For a guest this does NOT change the host's file: it becomes a pending change (a git commit) that the host reviews and approves or rejects; writing again to a file of your own pending change makes a new revision of that change. The result gives the change id; follow it with my_pending_changes or get_notifications. For the host it writes the file directly. Text only, up to 1 MB.",
            inputSchema: schema(["path": string("File to write, relative to the repository root."),
                                 "content": string("The complete new content of the file.")], required: ["path", "content"]),
            annotations: ToolAnnotations(title: "Write a file", readOnly: false, destructive: false, idempotent: true),
            output: Output.writeFile,
            run: { try await $0.writeFile($1, $2) }),
        ToolEntry(
            name: "edit_file",
            description: "Change part of a text file by exact replacements instead of resending it whole. edits is a list of {old_text, new_text, replace_all?}, applied in order; each old_text must match exactly once (indentation and line breaks included) unless replace_all is true; a miss or an ambiguous match fails the whole call, showing the closest lines or the matching line numbers. dry_run=true returns the unified diff without changing anything. For a guest, the edit becomes a pending change for the host to review (or a new revision of your own pending change to the file, applied on top of your pending version); for the host it writes the file.",
            inputSchema: schema(["path": string("File to edit, relative to the repository root."),
                                 "edits": ["type": "array", "minItems": 1, "description": "Replacements, applied in order.",
                                           "items": ["type": "object", "additionalProperties": false, "required": ["old_text", "new_text"],
                                                     "properties": ["old_text": string("Exact text to find (must occur once unless replace_all)."),
                                                                    "new_text": string("Text to put in its place."),
                                                                    "replace_all": boolean("Replace every occurrence (default false).")]]],
                                 "dry_run": boolean("Only show the diff; change nothing (default false).")], required: ["path", "edits"]),
            annotations: ToolAnnotations(title: "Edit a file", readOnly: false, destructive: false, idempotent: false),
            output: Output.editFile,
            run: { try await $0.editFile($1, $2) }),
        ToolEntry(
            name: "submit_change",
            description: "Guests: propose several files as ONE change with one message, which the host approves or rejects as a whole. files is a list of {path, content} (write or create the file with this complete text), {path, delete: true} (delete it) or {path, rename_to} (move it, keeping its content — your pending version if you changed it). If you already have a pending change touching these files, this becomes its new revision. Nothing is proposed if any entry is invalid; each problem is listed.",
            inputSchema: schema(["message": string("What the change does and why, for the host (the change's commit message)."),
                                 "files": ["type": "array", "minItems": 1, "description": "The change's files.",
                                           "items": ["type": "object", "additionalProperties": false, "required": ["path"],
                                                     "properties": ["path": string("File, relative to the repository root."),
                                                                    "content": string("The complete new text of the file."),
                                                                    "delete": ["type": "boolean", "description": "true to delete the file."],
                                                                    "rename_to": string("New path for the file.")]]]],
                                required: ["message", "files"]),
            annotations: ToolAnnotations(title: "Submit a change", readOnly: false, destructive: false, idempotent: false),
            output: Output.submitChange,
            run: { try await $0.submitChange($1, $2) }),
        ToolEntry(
            name: "lock_file",
            description: "Lock a file for exclusive editing, so others (the host included) know you are working on it and cannot write it meanwhile. Locks lapse after 30 minutes without activity from you, and when your change to the file is approved or rejected.",
            inputSchema: schema(["path": string("File to lock, relative to the repository root.")], required: ["path"]),
            annotations: ToolAnnotations(title: "Lock a file", readOnly: false, destructive: false, idempotent: true),
            output: Output.lockFile,
            run: { try await $0.lockFile($1, $2) }),
        ToolEntry(
            name: "unlock_file",
            description: "Release a lock you hold on a file.",
            inputSchema: schema(["path": string("File to unlock, relative to the repository root.")], required: ["path"]),
            annotations: ToolAnnotations(title: "Unlock a file", readOnly: false, destructive: false, idempotent: true),
            output: Output.unlockFile,
            run: { try await $0.unlockFile($1, $2) }),
        ToolEntry(
            name: "get_status",
            description: "Session facts: the project, who you are and your role, who is connected (seen in the last minute), current locks, and how many changes are pending.",
            inputSchema: schema([:]),
            annotations: readOnly("Session status"),
            output: Output.getStatus,
            run: { try await $0.status($2) }),
        ToolEntry(
            name: "get_notifications",
            description: "What needs your attention since you last asked: for the host, new changes to review; for a guest, decisions on your changes (approved, merged, rejected with the reason, or conflicting); for everyone, locks taken and released by others.",
            inputSchema: schema([:]),
            annotations: ToolAnnotations(title: "Notifications", readOnly: true, destructive: false, idempotent: false),
            output: Output.getNotifications,
            run: { try await $0.notifications($2) }),
        ToolEntry(
            name: "get_pending_changes",
            description: "All changes awaiting the host's decision, each with its id, proposer, files and unified diff (against what its proposer saw). For the host, also whether each applies cleanly to the working tree now, needs a merge, or conflicts. A listing over about 400 KB comes in pages of lines: call again with the offset the result names.",
            inputSchema: schema(["offset": integer("Lines to skip, for the next page of a long listing (default 0).", minimum: 0)]),
            annotations: readOnly("Pending changes"),
            output: Output.getPendingChanges,
            pages: .large,
            run: { try $0.pendingChanges($1, $2) }),
        ToolEntry(
            name: "my_pending_changes",
            description: "Your own changes and where each stands: pending, approved (possibly merged with the host's edits), rejected with the host's reason, or conflicting (re-read the named files and write again to send a new revision).",
            inputSchema: schema([:]),
            annotations: readOnly("My changes"),
            output: Output.myPendingChanges,
            run: { try $0.myChanges($2) }),
        ToolEntry(
            name: "approve_change",
            description: "Host only. Approve a pending change: its files are written into the working tree; files the host edited since are merged three-way. If the same lines conflict, nothing is written and the conflicts are returned (force=true takes the proposed version anyway). commit=true also commits it onto the current branch, authored by the proposer.",
            inputSchema: schema(["change_id": string("The change's id, as get_pending_changes shows it."),
                                 "force": boolean("On conflict, take the proposed version over the host's edits (default false)."),
                                 "commit": boolean("Also commit the change onto the current branch (default false).")], required: ["change_id"]),
            annotations: ToolAnnotations(title: "Approve a change", readOnly: false, destructive: true, idempotent: false),
            output: Output.approveChange,
            decision: true,
            run: { try await $0.approve($1, $2) }),
        ToolEntry(
            name: "reject_change",
            description: "Host only. Reject a pending change, optionally with a reason the proposer will read. The working tree is not touched.",
            inputSchema: schema(["change_id": string("The change's id, as get_pending_changes shows it."),
                                 "reason": string("Why, for the proposer (optional).")], required: ["change_id"]),
            annotations: ToolAnnotations(title: "Reject a change", readOnly: false, destructive: false, idempotent: false),
            output: Output.rejectChange,
            decision: true,
            run: { try await $0.reject($1, $2) }),
        ToolEntry(
            name: "force_unlock",
            description: "Host only. Release a file lock someone else holds (for example a guest who left).",
            inputSchema: schema(["path": string("File to unlock, relative to the repository root.")], required: ["path"]),
            annotations: ToolAnnotations(title: "Force unlock", readOnly: false, destructive: false, idempotent: true),
            output: Output.forceUnlock,
            decision: true,
            run: { try await $0.forceUnlock($1, $2) }),
        ToolEntry(
            name: "set_display_name",
            description: "Guest only. Set the name the host sees on your changes and in the session (1–40 characters; not the host's name, not \"host\"). Do this first.",
            inputSchema: schema(["name": string("Your display name.")], required: ["name"]),
            annotations: ToolAnnotations(title: "Set display name", readOnly: false, destructive: false, idempotent: true),
            output: Output.setDisplayName,
            run: { try await $0.setDisplayName($1, $2) }),
        ToolEntry(
            name: "ping",
            description: "Check the connection to the host's letswork server.",
            inputSchema: schema([:]),
            annotations: readOnly("Ping"),
            output: Output.ping,
            run: { $0.ping($2) }),
    ]

    static func schema(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var object: [String: JSONValue] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { object["required"] = .array(required.map { .string($0) }) }
        return .object(object)
    }

    static func string(_ description: String, default fallback: String? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["type": "string", "description": .string(description)]
        if let fallback { object["default"] = .string(fallback) }
        return .object(object)
    }

    static func globList(_ description: String) -> JSONValue {
        ["type": "array", "items": ["type": "string"], "description": .string(description)]
    }

    static func integer(_ description: String, minimum: Int) -> JSONValue {
        ["type": "integer", "description": .string(description), "minimum": .int(minimum)]
    }

    static let version: JSONValue = ["type": "string", "enum": ["pending", "host"],
                                 "description": "Which version to read: \"pending\" (your own pending change of the file; the default when you have one) or \"host\" (the host's working tree)."]

    static func boolean(_ description: String) -> JSONValue {
        ["type": "boolean", "description": .string(description), "default": false]
    }

    static func readOnly(_ title: String) -> ToolAnnotations {
        ToolAnnotations(title: title, readOnly: true, destructive: false, idempotent: true)
    }
}
