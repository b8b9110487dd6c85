import LetsworkProtocol

/// One tool: what `tools/list` shows of it and what runs when it is called.
struct ToolEntry: Sendable {
    /// How much text one result of the tool may carry before it continues on a next page.
    enum Pages: Sendable {
        /// About 90 KB: under the 25,000 tokens Claude Code accepts from any tool by default.
        case standard
        /// About 400 KB, declared to Claude Code with `anthropic/maxResultSizeChars` (it accepts up
        /// to 500,000 characters from a tool that declares it), so a large file or search comes in
        /// a few pages rather than a dozen.
        case large

        var budget: Int { self == .standard ? 90_000 : 400_000 }
        var declaredCharacters: Int { self == .standard ? 100_000 : 500_000 }
    }

    typealias Handler = @Sendable (Collaboration, Arguments, Caller) async throws -> ToolOutput

    let name: String
    let description: String
    let inputSchema: JSONValue
    let annotations: ToolAnnotations
    let output: JSONValue
    let pages: Pages
    /// approve_change, reject_change, force_unlock: decisions a host should see before they are
    /// made (see ``ToolPresentation``).
    let decision: Bool
    let run: Handler

    init(name: String, description: String, inputSchema: JSONValue, annotations: ToolAnnotations, output: JSONValue,
         pages: Pages = .standard, decision: Bool = false, run: @escaping Handler) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
        self.output = output
        self.pages = pages
        self.decision = decision
        self.run = run
    }
}

/// How the tools are shown to one participant.
public struct ToolPresentation: Sendable, Equatable {
    /// Mark the host's decisions (approve, reject, force unlock) as needing the person's
    /// confirmation: destructive in the annotations and `letswork/confirm` in `_meta`, so an
    /// agent client asks before each call. On by default; `letswork start --no-confirm` turns it off.
    public var confirmDecisions: Bool

    public init(confirmDecisions: Bool = true) {
        self.confirmDecisions = confirmDecisions
    }
}

extension ToolEntry {
    func description(for caller: Caller, _ presentation: ToolPresentation) -> ToolDescription {
        var annotations = annotations
        var meta: [String: JSONValue] = ["anthropic/maxResultSizeChars": .int(pages.declaredCharacters)]
        var text = description
        if decision, caller.isHost, presentation.confirmDecisions {
            annotations.destructive = true
            meta["letswork/confirm"] = true
            text += " Show the host what this decides and have them confirm before you call it."
        }
        return ToolDescription(name: name, description: text, inputSchema: inputSchema, outputSchema: output,
                               annotations: annotations, meta: meta)
    }
}

/// The page budget of the tool call running now, set by the catalog entry for its handler.
enum PageBudget {
    @TaskLocal static var bytes = ToolEntry.Pages.standard.budget
}
