import LetsworkProtocol

/// Each tool's `outputSchema`: the shape of its `structuredContent` on success (refusals carry
/// `{"error": …}` with `isError`, which clients do not validate). A test calls every tool and
/// checks its structured content against these with an independent JSON Schema validator.
enum Output {
    static let listFiles = result(
        ["path": type("string"), "recursive": type("boolean"), "truncated": type("boolean"), "count": type("integer"),
         "offset": type("integer"), "returned": type("integer"), "next_offset": nullable("integer"),
         "locked": type("integer"), "with_pending_changes": type("integer")],
        required: ["path", "recursive", "count", "offset", "returned", "next_offset"])

    static let readFile = result(
        version.merging(["path": type("string"), "size": type("integer"), "lines": type("integer"), "first_line": type("integer"),
                         "last_line": type("integer"), "more": type("boolean"), "next_offset": nullable("integer"),
                         "truncated_line": type("boolean")]) { $1 },
        required: ["path", "size", "lines", "first_line", "last_line", "more", "next_offset", "version"])

    static let readMultipleFiles = result(
        ["files": array(object(version.merging(["path": type("string"), "lines": type("integer"), "size": type("integer"),
                                                "included": type("boolean"), "error": type("string")]) { $1 },
                               required: ["path"]))],
        required: ["files"])

    static let searchFiles = result(
        ["pattern": type("string"), "regex": type("boolean"), "case_sensitive": type("boolean"), "total": type("integer"),
         "listed": type("integer"), "files_with_matches": type("integer"), "files_searched": type("integer"),
         "offset": type("integer"), "returned": type("integer"), "next_offset": nullable("integer")],
        required: ["pattern", "total", "offset", "returned", "next_offset"])

    static let findFiles = result(
        ["pattern": array(type("string")), "total": type("integer"), "offset": type("integer"), "returned": type("integer"),
         "next_offset": nullable("integer")],
        required: ["pattern", "total", "offset", "returned", "next_offset"])

    /// write_file: the host's write (`written`) or a guest's proposal (`change_id`).
    static let writeFile = result(
        ["path": type("string"), "written": type("boolean"), "size": type("integer"), "change_id": type("string"),
         "revision": type("integer"), "state": type("string"), "paths": array(type("string"))],
        required: [])

    static let editFile = result(
        version.merging(["path": type("string"), "dry_run": type("boolean"), "size": type("integer"),
                         "edits": array(object(["lines": array(type("integer"))], required: ["lines"])),
                         "diff": nullable("string"), "written": type("boolean"), "change_id": type("string"),
                         "revision": type("integer"), "state": type("string")]) { $1 },
        required: ["path", "dry_run", "size", "edits"])

    static let submitChange = result(
        ["change_id": type("string"), "revision": type("integer"), "paths": array(type("string")), "state": type("string"),
         "message": type("string")],
        required: ["change_id", "revision", "paths", "state"])

    static let lockFile = result(["path": type("string"), "locked": type("boolean")], required: ["path", "locked"])
    static let unlockFile = lockFile
    static let forceUnlock = result(["path": type("string"), "locked": type("boolean"), "was_held_by": type("string")],
                                    required: ["path", "locked"])

    static let getStatus = result(
        ["project": type("string"), "branch": nullable("string"), "you": type("object"), "pending_changes": type("integer"),
         "participants": array(participant), "locks": array(lock), "lock_timeout_minutes": type("integer")],
        required: ["pending_changes", "participants", "locks"])

    static let getNotifications = result(
        ["notifications": array(object(["time": type("integer"), "kind": type("string"), "message": type("string"),
                                        "change_id": nullable("string")], required: ["kind", "message"]))],
        required: ["notifications"])

    static let getPendingChanges = result(
        ["changes": array(object(["change_id": type("string"), "proposer": type("string"), "summary": nullable("string"),
                                  "revision": type("integer"), "paths": array(type("string")), "additions": type("integer"),
                                  "deletions": type("integer"), "status": nullable("string"), "diff": nullable("string")],
                                 required: ["change_id", "proposer", "revision", "paths", "additions", "deletions"])),
         "offset": type("integer"), "lines": type("integer"), "next_offset": nullable("integer")],
        required: ["changes"])

    static let myPendingChanges = result(
        ["changes": array(object(["change_id": type("string"), "state": type("string"), "revision": type("integer"),
                                  "paths": array(type("string")),
                                  "summary": nullable("string"), "reason": nullable("string"), "merged": nullable("boolean"),
                                  "conflicting_paths": ["type": ["array", "null"], "items": type("string")]],
                                 required: ["change_id", "state", "paths"]))],
        required: ["changes"])

    static let approveChange = result(
        ["change_id": type("string"), "approved": type("boolean"), "written": array(type("string")),
         "deleted": array(type("string")), "merged": array(type("string")), "forced": array(type("string")),
         "commit": nullable("string")],
        required: ["change_id", "approved", "written", "deleted", "merged"])

    static let rejectChange = result(["change_id": type("string"), "rejected": type("boolean"), "reason": nullable("string")],
                                     required: ["change_id", "rejected"])

    static let setDisplayName = result(["name": type("string")], required: ["name"])
    static let ping = result(["pong": type("boolean"), "role": type("string")], required: ["pong", "role"])

    // MARK: - Parts

    private static let version: [String: JSONValue] = [
        "version": ["type": "string", "enum": ["host", "pending"]], "change_id": nullable("string"), "revision": nullable("integer"),
    ]
    private static let participant = object(
        ["id": type("string"), "name": type("string"), "role": type("string"), "connected": type("boolean"),
         "last_seen_seconds_ago": nullable("integer")], required: ["id", "name", "role"])
    private static let lock = object(
        ["path": type("string"), "holder": type("string"), "holder_id": type("string"), "since": type("integer")],
        required: ["path", "holder"])

    /// A tool's structured content; every result may also carry `letswork_notifications` (see
    /// `Collaboration.announcingNews`).
    private static func result(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        object(properties.merging(["letswork_notifications": news]) { first, _ in first }, required: required)
    }

    private static let news = object(["unread": type("integer"), "latest": type("string"), "change_id": nullable("string")],
                                     required: ["unread", "latest"])

    private static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string))]
    }

    private static func type(_ name: String) -> JSONValue { ["type": .string(name)] }
    private static func nullable(_ name: String) -> JSONValue { ["type": [.string(name), "null"]] }
    private static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
}
