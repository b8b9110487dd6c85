import Foundation
import LetsworkServer
import LetsworkTools

/// What the host sees in the terminal running `letswork start`: the session box with the join
/// command, then a live feed of submissions, decisions, locks and connections.
enum HostTerminal {
    /// The local time as HH:mm:ss, from the C library: a DateFormatter made per feed line was
    /// a twelfth of the server's CPU time in a run of proposals and approvals.
    static func time() -> String {
        var now = time_t(Date().timeIntervalSince1970)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data("[\(time())] \(text)\n".utf8))
    }

    /// The session in a box, then what the host copies, under it and undecorated: a line copied
    /// whole (a triple click) is then the command itself, with no border character to break it
    /// in a shell.
    static func box(project: String, join: JoinInstructions, sharing: String, localURL: String, agent: String,
                    agentCommand: String?, reviewURL: String) {
        let boxed: [String] = [
            "letswork session on \(project)",
            sharing,
            "Your own agent: \(agent)",
            "Server: \(localURL) (loopback only)",
            "Review: letswork pending, then letswork show / approve / reject ID",
            "Press Ctrl+C to stop; pending changes stay in git.",
        ]
        let width = boxed.map(\.count).max()! + 2
        var text = "╭" + String(repeating: "─", count: width) + "╮\n"
        for line in boxed { text += "│ " + line + String(repeating: " ", count: width - line.count - 1) + "│\n" }
        text += "╰" + String(repeating: "─", count: width) + "╯\n"
        var copied = join.lines + ["Review in the browser (one-time link):", "  \(reviewURL)"]
        if let agentCommand { copied += ["Your own agent, from this folder in another terminal:", "  \(agentCommand)"] }
        FileHandle.standardOutput.write(Data((Terminal.bold(text) + "\n" + copied.joined(separator: "\n") + "\n\n").utf8))
    }

    static func feed(_ event: Collaboration.FeedEvent, debug: Bool) {
        if (event.kind == .call || event.kind == .delivery) && !debug { return }
        line(event.message)
    }

    /// What each agent was just told, one line per distinct message (with its recipients);
    /// `--debug` adds each event's number and meta.
    static func told(_ posted: [String: SessionEvent], names registry: TokenRegistry, debug: Bool) async {
        let byText = Dictionary(grouping: posted, by: { $0.value.text })
        for (text, entries) in byText.sorted(by: { $0.key < $1.key }) {
            var names: [String] = []
            for (id, _) in entries.sorted(by: { $0.key < $1.key }) {
                names.append(await registry.principal(id: id)?.displayName ?? id)
            }
            line("📣 → \(names.joined(separator: ", ")): \(text)")
            if debug, let event = entries.first?.value {
                line("   \(event.kind.rawValue) #\(entries.map { "\($0.key):\($0.value.seq)" }.sorted().joined(separator: " ")) \(event.meta.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
            }
        }
    }

    static func connection(_ event: ConnectionEvent, debug: Bool) {
        switch event {
        case .connected(let session):
            line("👤 \(session.principal.displayName) (\(session.principal.role)) connected" + (session.clientName.map { " with \($0)" } ?? ""))
        case .disconnected(let session, _):
            line("👋 \(session.principal.displayName) disconnected")
        case .refused(let request):
            if debug { line("⛔ refused a request (\(request.status)): \(request.reason)") }
        case .statelessClient(let principal, let clientName, let version):
            line("👤 \(principal.displayName) (\(principal.role)) is here" + (clientName.map { " with \($0)" } ?? "") + " (MCP \(version))")
        }
    }
}
