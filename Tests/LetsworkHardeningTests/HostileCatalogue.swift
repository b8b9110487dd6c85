import Foundation

/// The catalogue of hostile input: every row says what is sent and the clear refusal it must
/// get. ``HostileInputTests`` runs each row against a real `letswork start` and checks that
/// nothing changed (working tree, HEAD, letswork refs, the folder outside the repository) and
/// that no reply leaks a secret or the repository's absolute path.
enum HostileCatalogue {
    /// Marker strings planted in secret files; no reply may ever contain one.
    static let secretMarkers = ["TOP-SECRET-OUTSIDE", "TOP-SECRET-ENV", "TOP-SECRET-PEM", "TOP-SECRET-GIT"]

    /// Paths that try to leave the repository or reach what it keeps private, with the words
    /// the refusal must contain.
    static func escapingPaths(outside: String) -> [(name: String, path: String, says: String)] {
        [
            ("parent folder", "../outside.txt", "'..' is not accepted"),
            ("deep parent folders", "../../../../../../etc/passwd", "'..' is not accepted"),
            ("parent folder in the middle", "src/../../outside.txt", "'..' is not accepted"),
            ("absolute path", "/etc/passwd", "absolute paths are not accepted"),
            ("absolute path of the outside secret", outside + "/secret.txt", "absolute paths are not accepted"),
            ("double slash absolute", "//etc/passwd", "absolute paths are not accepted"),
            ("backslash traversal", "..\\..\\etc\\passwd", "backslashes are not accepted"),
            ("NUL byte", "README.md\u{0}.txt", "NUL or control character"),
            ("NUL then traversal", "a\u{0}/../../etc/passwd", "NUL or control character"),
            ("newline", "src/app.swift\n", "NUL or control character"),
            ("10 KB path", String(repeating: "a/", count: 5_000) + "f", "longer than 1024 bytes"),
            (".git config", ".git/config", "inside .git are off limits"),
            (".git in capitals", ".GIT/config", "inside .git are off limits"),
            (".git hooks", ".git/hooks/pre-commit", "inside .git are off limits"),
            (".git deeper down", "src/.git/config", "inside .git are off limits"),
            ("./.git", "./.git/HEAD", "inside .git are off limits"),
            (".env", ".env", "looks like a secret"),
            (".env.local", "config/.env.local", "looks like a secret"),
            ("private key", "keys/server.pem", "looks like a secret"),
            ("ssh key", "id_rsa", "looks like a secret"),
            (".ssh folder", "home/.ssh/authorized_keys", "looks like a secret"),
            ("symlink to a file outside", "link-file", "symbolic link"),
            ("symlink to a folder outside", "link-dir/secret.txt", "symbolic link"),
            ("new file through a folder symlink", "link-dir/new.txt", "symbolic link"),
            // A combining mark after "/" hides the slash from Character-based string functions
            // (found by scripts/fuzz; RepoPath now checks scalars).
            ("combining mark after ../", "../\u{0301}outside.txt", "'..' is not accepted"),
            ("combining mark after .git/", ".git/\u{0301}hooks/pre-commit", "inside .git are off limits"),
            ("combining mark after a leading /", "/\u{0329}etc/passwd", "absolute paths are not accepted"),
            ("combining mark after \\", "..\\\u{0301}x", "backslashes are not accepted"),
            ("the repository root", ".", "names the repository root"),
            ("empty path", "", "the path is empty"),
        ]
    }

    /// Names that look like traversal but are ordinary names inside the repository: read_file
    /// finds no such file, and a guest's write proposes exactly that name, inside.
    static let lookAlikes: [(name: String, path: String)] = [
        ("percent-encoded ..", "%2e%2e/outside.txt"),
        ("percent-encoded slash", "..%2f..%2foutside.txt"),
        ("two-dot leader ‥", "\u{2025}/outside.txt"),
        ("fullwidth dots ．．", "\u{FF0E}\u{FF0E}/outside.txt"),
        ("fullwidth solidus ／", "..\u{FF0F}outside.txt"),
        ("division slash ∕", "..\u{2215}outside.txt"),
        ("one-dot leader ․․", "\u{2024}\u{2024}/outside.txt"),
    ]

    static func json(_ object: Any) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]), as: UTF8.self)
    }

    static func cases(outside: String, port: Int) -> [HostileCase] {
        var rows: [HostileCase] = []
        func add(_ category: String, _ name: String, _ probe: Probe, _ refusal: Refusal) {
            rows.append(HostileCase(category: category, name: name, probe: probe, refusal: refusal))
        }

        // Paths: every escape, for every tool that takes a path, as guest (and writes as host too).
        for escape in escapingPaths(outside: outside) {
            let path = json(escape.path)
            add("path", "read_file: \(escape.name)", .tool(.guest, "read_file", arguments: #"{"path":\#(path)}"#), .toolError(escape.says))
            add("path", "write_file (guest): \(escape.name)", .tool(.guest, "write_file", arguments: #"{"path":\#(path),"content":"pwned\n"}"#), .toolError(escape.says))
            add("path", "write_file (host): \(escape.name)", .tool(.host, "write_file", arguments: #"{"path":\#(path),"content":"pwned\n"}"#), .toolError(escape.says))
            add("path", "lock_file: \(escape.name)", .tool(.guest, "lock_file", arguments: #"{"path":\#(path)}"#), .toolError(escape.says))
            if !escape.name.contains("new file"), escape.path != ".", !escape.path.isEmpty {
                add("path", "list_files: \(escape.name)", .tool(.guest, "list_files", arguments: #"{"path":\#(path)}"#), .toolError(""))
            }
        }
        for lookAlike in lookAlikes {
            let path = json(lookAlike.path)
            add("look-alike", "read_file: \(lookAlike.name)", .tool(.guest, "read_file", arguments: #"{"path":\#(path)}"#), .toolError("no such file"))
            add("look-alike", "write_file: \(lookAlike.name)", .tool(.guest, "write_file", arguments: #"{"path":\#(path),"content":"x\n"}"#),
                .literalPathInside(lookAlike.path))
        }
        add("symlink", "list_files through a folder symlink", .tool(.guest, "list_files", arguments: #"{"path":"link-dir"}"#), .toolError(""))
        add("symlink", "read a symlink to a file inside", .tool(.guest, "read_file", arguments: #"{"path":"inside-link"}"#), .toolError("symbolic link"))

        // Content.
        let big = String(repeating: "a", count: (1 << 20) + 1)
        add("content", "write_file 1 MiB + 1 (guest)", .tool(.guest, "write_file", arguments: #"{"path":"big.txt","content":"\#(big)"}"#), .toolError("1 MiB"))
        add("content", "write_file 1 MiB + 1 (host)", .tool(.host, "write_file", arguments: #"{"path":"big.txt","content":"\#(big)"}"#), .toolError("1 MiB"))
        add("content", "write_file with a NUL byte", .tool(.guest, "write_file", arguments: #"{"path":"bin.txt","content":"a\u0000b"}"#), .toolError("binary"))
        add("content", "write_file with a lone surrogate", .tool(.guest, "write_file", arguments: #"{"path":"bin.txt","content":"a\ud800b"}"#), .rpcError("Parse error"))
        add("content", "read_file of a binary file", .tool(.guest, "read_file", arguments: #"{"path":"image.bin"}"#), .toolError("binary"))

        // Roles: the guest token on host-only tools, the host on guest-only ones.
        add("role", "approve_change as guest", .tool(.guest, "approve_change", arguments: #"{"change_id":"12345678"}"#), .toolError("host"))
        add("role", "reject_change as guest", .tool(.guest, "reject_change", arguments: #"{"change_id":"12345678"}"#), .toolError("host"))
        add("role", "force_unlock as guest", .tool(.guest, "force_unlock", arguments: #"{"path":"README.md"}"#), .toolError("host"))
        add("role", "set_display_name \"host\"", .tool(.guest, "set_display_name", arguments: #"{"name":"host"}"#), .toolError("host"))
        add("role", "set_display_name with a terminal escape", .tool(.guest, "set_display_name", arguments: #"{"name":"evil\u001b[2J"}"#), .sanitized("\u{1B}"))
        add("role", "set_display_name of 41 characters", .tool(.guest, "set_display_name", arguments: #"{"name":"\#(String(repeating: "n", count: 41))"}"#), .toolError(""))
        add("role", "approve_change of a traversal id", .tool(.host, "approve_change", arguments: #"{"change_id":"../../x"}"#), .toolError("not a change id"))
        add("role", "reject_change of an unknown id", .tool(.host, "reject_change", arguments: #"{"change_id":"deadbeef"}"#), .toolError(""))

        // JSON-RPC.
        add("json-rpc", "unknown tool", .tool(.guest, "rm_rf", arguments: "{}"), .rpcError("Unknown tool"))
        add("json-rpc", "unknown method", .message(.guest, #"{"jsonrpc":"2.0","id":7,"method":"tools/destroy"}"#), .rpcError(""))
        add("json-rpc", "arguments not an object", .message(.guest, #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read_file","arguments":[1,2]}}"#), .rpcError(""))
        add("json-rpc", "params a string", .message(.guest, #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":"read_file"}"#), .rpcError(""))
        let nestedArguments = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        add("json-rpc", "100k nested arrays inside arguments", .message(.guest, #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read_file","arguments":{"path":\#(nestedArguments)}}}"#), .http(400, ""))
        add("json-rpc", "batch of two calls", .http(.guest, session: .own, body: Array(#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]"#.utf8)), .http(400, "batches are not supported"))
        add("json-rpc", "malformed JSON", .http(.guest, session: .own, body: Array(#"{"jsonrpc":"2.0","id":1,"#.utf8)), .http(400, "Parse error"))
        add("json-rpc", "100k nested [", .http(.guest, session: .own, body: Array(repeating: UInt8(ascii: "["), count: 100_000)), .http(400, ""))
        add("json-rpc", "100k nested {\"a\":", .http(.guest, session: .own, body: Array(String(repeating: #"{"a":"#, count: 100_000).utf8)), .http(400, "Parse error"))
        add("json-rpc", "a JSON string, not an object", .http(.guest, session: .own, body: Array(#""hello""#.utf8)), .http(400, "a JSON-RPC message is a JSON object"))
        add("json-rpc", "empty body", .http(.guest, session: .own, body: []), .http(400, ""))
        add("json-rpc", "invalid UTF-8", .http(.guest, session: .own, body: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), .http(400, ""))
        add("json-rpc", "a message without a session", .http(.guest, body: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)), .http(400, "Mcp-Session-Id"))
        add("json-rpc", "an unknown session", .http(.guest, session: .unknown, body: Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)), .http(404, "does not exist"))
        add("json-rpc", "initialize again on a session", .http(.guest, session: .own, body: Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#.utf8)), .http(400, "already initialized"))

        // Tokens.
        let ping = Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8)
        let initialize = Array(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}"#.utf8)
        add("token", "no Authorization header", .http(.none, body: initialize), .http(401, "needs a token"))
        add("token", "a wrong token", .http(.wrong, body: initialize), .http(401, "not valid"))
        add("token", "a token of an ended session", .http(.revoked, body: initialize), .http(401, "not valid"))
        add("token", "Basic instead of Bearer", .http(.header("Basic Z3Vlc3Q6Z3Vlc3Q="), body: initialize), .http(401, "Bearer <token>"))
        add("token", "Bearer with nothing after it", .http(.header("Bearer "), body: initialize), .http(401, ""))
        add("token", "a 64 KB token", .http(.header("Bearer " + String(repeating: "A", count: 65_536)), body: initialize), .http(0, ""))
        add("token", "the guest token on the host's session", .http(.guest, session: .hosts, body: ping), .http(403, "belongs to another participant"))
        add("token", "no token on the host's session", .http(.none, session: .hosts, body: ping), .http(401, ""))

        // Host and Origin (DNS rebinding), each with a valid host token.
        for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example", "localhost.evil.example:\(port)",
                     "localhost@evil.example", "127.0.0.1:\(port)@evil.example", "[::2]:\(port)", "0.0.0.0:\(port)",
                     "127.0.0.2:\(port)", "localhost:\(port)/x", "evil.example\t"] {
            add("host header", "Host: \(host.debugDescription)", .http(.host, host: host, body: initialize), .http(403, "does not answer to the Host"))
        }
        for origin in ["https://evil.example", "null", "http://127.0.0.1.evil.example", "file://", "http://localhost@evil.example",
                       "https://evil.example/http://127.0.0.1", "chrome-extension://abcdef"] {
            add("origin header", "Origin: \(origin)", .http(.host, extra: [Header("Origin", origin)], body: initialize), .http(403, "web origin"))
        }

        // Size and method.
        let limit = 4 * 1024 * 1024
        add("limits", "a body of 4 MiB + 1", .http(.guest, session: .own, body: Array(repeating: UInt8(ascii: " "), count: limit + 1)), .http(413, "limited to \(limit) bytes"))
        add("limits", "a declared length over the limit", .http(.guest, session: .own, body: ping, declaredLength: limit + 1), .http(413, "limited to"))
        add("limits", "an oversized body without a token", .http(.none, body: Array(repeating: UInt8(ascii: " "), count: limit + 1)), .http(401, ""))
        add("limits", "GET without a session", .http(.guest, method: "GET", body: []), .http(405, "needs its Mcp-Session-Id"))
        add("limits", "GET on the host's session", .http(.guest, method: "GET", session: .hosts, body: []), .http(403, "belongs to another participant"))
        add("limits", "PUT", .http(.guest, method: "PUT", body: ping), .http(405, ""))
        add("limits", "another path", .http(.guest, path: "/admin", body: ping), .http(404, ""))
        add("limits", "a traversal in the URL path", .http(.guest, path: "/mcp/../../etc/passwd", body: ping), .http(404, ""))
        return rows
    }
}
