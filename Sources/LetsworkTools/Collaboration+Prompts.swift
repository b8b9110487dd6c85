import LetsworkProtocol

/// The session's prompts, which Claude Code offers as slash commands (`/mcp__letswork__review`):
/// `review` for the host, `catch_up` for a guest who can propose. Each is rendered from the
/// session's state when it is asked for, so the agent starts from what is true now.
extension Collaboration {
    static let reviewPrompt = PromptDescription(
        name: "review", title: "Review pending changes",
        description: "Walk through the guests' pending changes with their diffs, then approve or reject each with a reason.")
    static let catchUpPrompt = PromptDescription(
        name: "catch_up", title: "Catch up on my changes",
        description: "What happened to my proposed changes, and which files to re-read before sending new revisions.")

    func prompts(for caller: Caller) -> [PromptDescription] {
        switch caller.role {
        case .host: [Self.reviewPrompt]
        case .guest: [Self.catchUpPrompt]
        case .readOnlyGuest: []
        }
    }

    func prompt(_ name: String, for caller: Caller) async throws(RPCError) -> PromptResult {
        guard let description = prompts(for: caller).first(where: { $0.name == name }) else {
            throw .invalidParams("Unknown prompt '\(name)'. Yours: \(prompts(for: caller).map(\.name).joined(separator: ", ").nonEmpty ?? "none").")
        }
        do {
            return name == Self.reviewPrompt.name
                ? PromptResult(description: description.description, text: try reviewText())
                : PromptResult(description: description.description, text: try catchUpText(caller))
        } catch {
            throw .internalError("letswork could not read the session's changes to render \(name): \(redact("\(error)")).")
        }
    }

    private func reviewText() throws -> String {
        let queue = try pendingChanges(Caller(id: "host", role: .host)).text
        return """
            Review the pending changes of this letswork session with me, one at a time.

            Right now: \(queue.split(separator: "\n").first.map(String.init) ?? "no pending changes.")

            For each change: call get_pending_changes (page with offset if it says so), show me its id, author, \
            message, files and diff, say in two or three sentences what it does and anything risky, and whether it \
            applies cleanly, needs a merge or conflicts. Then ask me: approve (approve_change; commit=true if I \
            want it committed, force=true only if I say to take their version over a conflict) or reject \
            (reject_change with the reason I give, worded for the guest). Never decide without my answer. When the \
            queue is empty, say so.
            """
    }

    private func catchUpText(_ caller: Caller) throws -> String {
        let mine = try myChanges(caller).text
        return """
            Catch me up on my changes in this letswork session.

            Where they stand now:
            \(mine)

            Call get_notifications for what happened since I last asked. For each of my changes say where it \
            stands. For a rejected one, give the host's reason and what I could change. For a conflicting one, \
            re-read the files it names with read_file (version="host") and propose a new revision that keeps \
            the host's edits. For an approved one, note whether it was merged with the host's edits.
            """
    }
}
