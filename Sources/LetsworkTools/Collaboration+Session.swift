import Foundation
import LetsworkReview
import LetsworkProtocol

extension Collaboration {
    func status(_ caller: Caller) async throws -> ToolOutput {
        let participants = await hooks.participants()
        let held = locks.all()
        let pending = try store.pendingCount()
        let branch = try store.currentBranch()
        let now = clock()
        var lines = ["Project: \(store.displayName)\(branch.map { " (branch \($0))" } ?? "")",
                     "You: \(name(of: caller)) (\(caller.role.rawValue))",
                     "Pending changes: \(pending)"]
        lines.append("Connected: " + (participants.filter(\.connected).map { "\($0.name) (\($0.role))" }.joined(separator: ", ").nonEmpty ?? "nobody else"))
        lines.append("Locks: " + (held.map { "\($0.path) by \($0.holderName) (\(Self.ago(now - $0.since)))" }.joined(separator: "; ").nonEmpty ?? "none"))
        let structured: JSONValue = [
            "project": .string(store.displayName), "branch": branch.value,
            "you": ["name": .string(name(of: caller)), "role": .string(caller.role.rawValue)],
            "pending_changes": .int(pending), "participants": participants.structured, "locks": held.structured,
            "lock_timeout_minutes": .int(Int(locks.timeout / 60)),
        ]
        return ToolOutput(text: lines.joined(separator: "\n"), structured: structured)
    }

    func notifications(_ caller: Caller) async throws -> ToolOutput {
        // Whatever happened an instant ago (another terminal's decision) is in the answer.
        await checkForEvents()
        let events = self.events.takeUnread(for: caller.id)
        guard !events.isEmpty else { return ToolOutput(text: "Nothing new.", structured: ["notifications": []]) }
        let now = clock()
        let text = events.map { "• \($0.text) (\(Self.ago(now - $0.time)))" }.joined(separator: "\n")
        // Each event about one of the caller's own changes carries that change's state now
        // (pending, conflicting, approved, merged, rejected), so an agent need not parse messages.
        let states: [String: String] = caller.isHost || !events.contains(where: { $0.changeID != nil }) ? [:]
            : Dictionary(try store.records(Set(events.compactMap(\.changeID))).filter { $0.proposer.id == caller.id }
                .map { ($0.id, Self.state(of: $0)) }, uniquingKeysWith: { first, _ in first })
        let structured = events.map { event -> JSONValue in
            guard case .object(var object) = event.structured else { return event.structured }
            object["state"] = event.changeID.flatMap { states[$0] }.value
            return .object(object)
        }
        return ToolOutput(text: text, structured: ["notifications": .array(structured)])
    }

    func setDisplayName(_ arguments: Arguments, _ caller: Caller) async throws -> ToolOutput {
        guard !caller.isHost else {
            throw ToolFailure("set_display_name is for guests; the host is known by their git user.name (\(store.host.name)).")
        }
        let requested = try arguments.string("name")
        let name = Person(id: caller.id, name: requested).name
        guard name != caller.id || requested.trimmingCharacters(in: .whitespaces) == caller.id, (1...40).contains(name.count) else {
            throw ToolFailure("A display name has 1 to 40 printable characters.")
        }
        let lowered = name.lowercased()
        guard lowered != "host", lowered != store.host.name.lowercased(), lowered != "letswork" else {
            throw ToolFailure("'\(name)' is taken: a guest cannot use the host's name, \"host\" or \"letswork\". Choose another name.")
        }
        let others = await hooks.participants().filter { $0.id != caller.id }
        guard !others.contains(where: { $0.name.lowercased() == lowered }) else {
            throw ToolFailure("'\(name)' is already used by someone else in this session. Choose another name.")
        }
        let previous = self.name(of: caller)
        setName(name, for: caller)
        await hooks.renamed(caller.id, name)
        hooks.feed(FeedEvent(kind: .rename, message: "👋 \(previous) is now \(name)"))
        notify(EventDraft(.guestRenamed, "\(previous) is now called \(name).", meta: ["guest": name, "guest_id": caller.id, "previous": previous]), to: ["host"])
        return ToolOutput(text: "You are now \(name).", structured: ["name": .string(name)])
    }

    func ping(_ caller: Caller) -> ToolOutput {
        ToolOutput(text: "pong — connected to \(store.displayName) as \(name(of: caller)) (\(caller.role.rawValue)).",
                   structured: ["pong": true, "role": .string(caller.role.rawValue)])
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
