import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A repository with secrets and links planted in it, a folder outside it with a secret, and a
/// `letswork start` serving it.
private struct Stage {
    let repo: TemporaryRepository
    let outside: String
    let host: HostProcess
    let guest: MCPWire
    let hostWire: MCPWire
    let endedToken: String

    /// What must not change: the working tree (tracked and untracked), HEAD, every letswork ref,
    /// and the outside folder's files with their contents.
    func fingerprint() throws -> Fingerprint {
        let status = try repo.git("status", "--porcelain", "--ignored", "--untracked-files=all")
        let refs = try repo.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/letswork", "refs/heads")
        let head = try repo.git("rev-parse", "HEAD")
        var outsideFiles: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: outside))?.sorted() ?? [] {
            outsideFiles.append(name + "=" + ((try? String(contentsOfFile: outside + "/" + name, encoding: .utf8)) ?? "?"))
        }
        return Fingerprint(tree: [status, head, outsideFiles.joined(separator: ",")].joined(separator: "\n--\n"), refs: refs)
    }

    struct Fingerprint: Equatable {
        /// Files in and outside the repository, and HEAD.
        let tree: String
        /// The letswork refs and branches.
        let refs: String
    }
}

@Suite("Hostile input: a clear refusal, and nothing changed", .serialized)
struct HostileInputTests {
    /// Builds the stage, runs `body`, and tears everything down.
    private static func withStage(_ body: (Stage) async throws -> Void) async throws {
        try await withScratchFolder { scratch in
            let outside = scratch + "/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try "TOP-SECRET-OUTSIDE\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
            let repo = try TemporaryRepository.make(files: [
                "README.md": "hello\n", "src/app.swift": "print(1)\n", ".env": "API_KEY=TOP-SECRET-ENV\n",
                "keys/server.pem": "TOP-SECRET-PEM\n", "config/.env.local": "TOP-SECRET-ENV\n",
            ])
            defer { repo.remove() }
            try repo.writeBytes("image.bin", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02])
            try FileManager.default.createSymbolicLink(atPath: repo.path + "/link-file", withDestinationPath: outside + "/secret.txt")
            try FileManager.default.createSymbolicLink(atPath: repo.path + "/link-dir", withDestinationPath: outside)
            try FileManager.default.createSymbolicLink(atPath: repo.path + "/inside-link", withDestinationPath: "README.md")
            try repo.commitAll("stage")
            try "TOP-SECRET-GIT\n".write(toFile: repo.path + "/.git/letswork-planted-secret", atomically: true, encoding: .utf8)

            // A session that ends, so that its guest token is one of an ended session.
            let first = try await HostProcess(in: repo.path, logs: scratch)
            let endedToken = first.guestToken
            #expect(await first.stop() == 0)

            let host = try await HostProcess(in: repo.path, logs: scratch)
            defer { host.killHard() }
            let stage = Stage(repo: repo, outside: outside, host: host,
                              guest: try await MCPWire.open(host.url, token: host.guestToken),
                              hostWire: try await MCPWire.open(host.url, token: host.hostToken), endedToken: endedToken)
            try await body(stage)
            #expect(await host.stop() == 0, "the host must still stop cleanly after the catalogue")
        }
    }

    @Test("every case of the catalogue gets its clear refusal and changes nothing")
    func catalogue() async throws {
        try await Self.withStage { stage in
            let cases = HostileCatalogue.cases(outside: stage.outside, port: stage.host.port) + (try await wrongTypeCases(stage))
            var categories: [String: Int] = [:]
            var baseline = try stage.fingerprint()
            for hostile in cases {
                categories[hostile.category, default: 0] += 1
                let movedRefs = try await run(hostile, on: stage)
                #expect(stage.host.process.isRunning, "the host died on \(hostile.category): \(hostile.name)")
                guard stage.host.process.isRunning else { return }
                let now = try stage.fingerprint()
                if movedRefs {
                    #expect(now.tree == baseline.tree, "\(hostile.category): \(hostile.name) changed files")
                    baseline = now
                } else {
                    #expect(now == baseline, "\(hostile.category): \(hostile.name) changed something")
                }
            }
            // The server still serves normally afterwards.
            let read = try await stage.guest.call("read_file", ["path": "README.md"])
            #expect(read.text == "hello\n")
            print("HostileInputTests: \(cases.count) hostile cases refused, nothing changed: "
                  + categories.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }

    /// For every tool the server lists and every argument it declares, a value of the wrong JSON
    /// type (a string where a boolean goes, a number, an array, an object where a string goes).
    private func wrongTypeCases(_ stage: Stage) async throws -> [HostileCase] {
        let list = try await stage.guest.send(#"{"jsonrpc":"2.0","id":99,"method":"tools/list"}"#)
        let tools = try #require((list.object?["result"] as? [String: Any])?["tools"] as? [[String: Any]])
        var rows: [HostileCase] = []
        for tool in tools {
            let name = try #require(tool["name"] as? String)
            let description = tool["description"] as? String ?? ""
            let schema = tool["inputSchema"] as? [String: Any] ?? [:]
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            let required = schema["required"] as? [String] ?? []
            // Host-only tools are called as host, so the argument check (not the role check) answers.
            let caller: Credential = description.hasPrefix("Host only") ? .host : .guest
            for (argument, property) in properties.sorted(by: { $0.key < $1.key }) {
                let type = property["type"] as? String ?? "string"
                let wrongValues: [String] = type == "string" ? ["42", "true", "[\"a\"]", "{\"a\":1}"]
                    : type == "boolean" ? ["\"yes\"", "1", "[]"]
                    : type == "integer" || type == "number" ? ["\"many\"", "true", "{}"]
                    // A single string where a list goes is a list of one, on purpose (Arguments.optionalStrings).
                    : type == "array" ? ["42", "{\"a\":1}", "[1]"]
                    : ["\"x\""]
                // find_files takes one glob or a list of globs under `pattern`, on purpose.
                for wrong in wrongValues where !(name == "find_files" && argument == "pattern" && wrong.hasPrefix("[")) {
                    var fields = required.filter { $0 != argument }.map { "\(HostileCatalogue.json($0)):\(Self.placeholder(for: $0, properties[$0]))" }
                    fields.append("\(HostileCatalogue.json(argument)):\(wrong)")
                    rows.append(HostileCase(category: "wrong type", name: "\(name).\(argument) = \(wrong)",
                                            probe: .tool(caller, name, arguments: "{" + fields.joined(separator: ",") + "}"),
                                            refusal: .toolError(argument)))
                }
            }
            for argument in required {
                let fields = required.filter { $0 != argument }.map { "\(HostileCatalogue.json($0)):\(Self.placeholder(for: $0, properties[$0]))" }
                rows.append(HostileCase(category: "missing argument", name: "\(name) without \(argument)",
                                        probe: .tool(caller, name, arguments: "{" + fields.joined(separator: ",") + "}"),
                                        refusal: .toolError("'\(argument)'")))
            }
        }
        return rows
    }

    /// A harmless value for an argument that is not under test: nothing it names exists.
    private static func placeholder(for argument: String, _ property: [String: Any]?) -> String {
        switch property?["type"] as? String {
        case "array": return #"["no-such-file.txt"]"#
        case "integer", "number": return "1"
        case "boolean": return "false"
        case "object": return "{}"
        default: break
        }
        return switch argument {
        case "path": #""no-such-file.txt""#
        case "change_id": #""00000000""#
        case "name": #""someone""#
        default: #""x""#
        }
    }

    /// Sends one case and checks its refusal; true when it moved the letswork refs on purpose.
    private func run(_ hostile: HostileCase, on stage: Stage) async throws -> Bool {
        let label = "\(hostile.category): \(hostile.name)"
        let reply: WireReply?
        switch hostile.probe {
        case .tool(let credential, let tool, let arguments):
            let wire = credential == .host ? stage.hostWire : stage.guest
            let result = try await wire.call(tool, json: arguments)
            reply = result.http
            switch hostile.refusal {
            case .toolError(let fragment):
                #expect(result.http.status == 200 && result.isError && result.rpcError == nil, "\(label): not a tool error: \(result.http.text.prefix(300))")
                #expect(fragment.isEmpty || result.text.contains(fragment), "\(label): \(result.text.prefix(300).debugDescription) does not say \(fragment.debugDescription)")
                #expect(!result.text.isEmpty, "\(label): a refusal must say why")
            case .rpcError(let fragment):
                #expect(result.rpcError.map { fragment.isEmpty || $0.contains(fragment) } == true, "\(label): \(result.http.text.prefix(300))")
            case .literalPathInside(let literal):
                #expect(!result.isError, "\(label): \(result.text)")
                let id = try #require(result.changeID, "\(label): no change id")
                let details = try await stage.hostWire.call("get_pending_changes", json: "{}")
                #expect(details.text.contains(literal), "\(label): the change does not name \(literal.debugDescription)")
                let files = try stage.repo.git("diff", "--name-only", "-z", "HEAD", "refs/letswork/pending")
                #expect(files.split(separator: "\0").map(String.init).contains(literal), "\(label): the change's file is \(files.debugDescription)")
                let rejected = try await stage.hostWire.call("reject_change", ["change_id": id, "reason": "catalogue"])
                #expect(!rejected.isError, "\(label): \(rejected.text)")
                // The rejection moved refs/letswork/*, on purpose: the caller takes a new baseline.
                return true
            case .sanitized(let removed):
                #expect(result.http.status == 200 && !result.isError, "\(label): \(result.http.text.prefix(300))")
                #expect(!result.http.text.contains(removed) && !result.text.contains(removed), "\(label): \(result.http.text.prefix(300))")
            case .http(let status, let fragment):
                #expect(result.http.status == status, "\(label): \(result.http.status) \(result.http.text.prefix(300))")
                #expect(fragment.isEmpty || (result.rpcError ?? result.http.text).contains(fragment), "\(label): \(result.http.text.prefix(300))")
            }
        case .message(let credential, let text):
            let wire = credential == .host ? stage.hostWire : stage.guest
            let result = try await wire.send(text)
            reply = result
            expect(result, hostile.refusal, label)
        case .http(let credential, let method, let path, let session, let host, let extra, let body, let declared):
            var authorization: String?
            switch credential {
            case .host: authorization = "Bearer \(stage.host.hostToken)"
            case .guest: authorization = "Bearer \(stage.host.guestToken)"
            case .none: authorization = nil
            case .wrong: authorization = "Bearer " + String(repeating: "Q", count: 43)
            case .revoked: authorization = "Bearer \(stage.endedToken)"
            case .header(let value): authorization = value
            }
            let sessionID: String? = switch session {
            case .none: nil
            case .own: credential == .host ? stage.hostWire.sessionID : stage.guest.sessionID
            case .hosts: stage.hostWire.sessionID
            case .unknown: "bm90LWEtc2Vzc2lvbg"
            }
            var headers: [(String, String)] = [("Host", host ?? "127.0.0.1:\(stage.host.port)")]
            if let authorization { headers.append(("Authorization", authorization)) }
            if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
            headers += [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"),
                        ("Content-Length", "\(declared ?? body.count)")]
            headers += extra.map { ($0.name, $0.value) }
            let port = stage.host.port
            let result = try? await Task.detached {
                try RawHTTP.exchange(port: port, method: method, path: path, headers: headers,
                                     body: declared != nil ? [] : body)
            }.value
            reply = result
            if case .http(0, _) = hostile.refusal {
                // Refused by the HTTP layer: a 4xx, or the connection closed without a reply.
                #expect(result.map { (400..<500).contains($0.status) } ?? true, "\(label): \(result?.status ?? 0)")
            } else if let result {
                expect(result, hostile.refusal, label)
            } else {
                Issue.record("\(label): no HTTP reply")
            }
        }
        if let reply {
            for marker in HostileCatalogue.secretMarkers {
                #expect(!reply.text.contains(marker), "\(label): the reply leaks \(marker)")
            }
            #expect(!reply.text.contains(stage.repo.path), "\(label): the reply shows the repository's absolute path")
            #expect(!reply.text.contains(stage.host.hostToken), "\(label): the reply shows the host token")
        }
        return false
    }

    private func expect(_ reply: WireReply, _ refusal: Refusal, _ label: String) {
        switch refusal {
        case .http(let status, let fragment):
            #expect(reply.status == status, "\(label): \(reply.status) \(reply.text.prefix(300))")
            #expect(reply.errorMessage.map { !$0.isEmpty && (fragment.isEmpty || $0.contains(fragment)) } == true, "\(label): \(reply.text.prefix(300))")
        case .rpcError(let fragment):
            #expect(reply.errorMessage.map { !$0.isEmpty && (fragment.isEmpty || $0.contains(fragment)) } == true, "\(label): \(reply.status) \(reply.text.prefix(300))")
        case .toolError, .literalPathInside, .sanitized:
            Issue.record("\(label): a raw message cannot expect a tool result")
        }
    }
}
