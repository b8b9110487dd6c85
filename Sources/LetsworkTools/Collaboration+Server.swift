import LetsworkProtocol

/// One participant's view of the session as an MCP service: the instructions for their role,
/// the tools, and tool calls made as them. The server makes one per bearer token.
public struct ParticipantService: MCPService {
    public let collaboration: Collaboration
    public let caller: Caller
    public let instructions: String
    public let tools: [ToolDescription]

    public init(_ collaboration: Collaboration, caller: Caller, presentation: ToolPresentation = ToolPresentation()) {
        self.collaboration = collaboration
        self.caller = caller
        instructions = collaboration.instructions(for: caller)
        tools = collaboration.tools(for: caller, presentation)
    }

    public func callTool(_ name: String, arguments: [String: JSONValue], client: ClientContext) async throws(RPCError) -> ToolResult {
        try await collaboration.call(name, arguments: arguments, as: caller)
    }

    public var prompts: [PromptDescription] { collaboration.prompts(for: caller) }

    public func prompt(_ name: String, arguments: [String: String]) async throws(RPCError) -> PromptResult {
        try await collaboration.prompt(name, for: caller)
    }

    public var resources: [ResourceDescription] { [EventFeed.resource] }

    public func readResource(_ uri: String) async throws(RPCError) -> [ResourceContents] {
        try collaboration.readEvents(uri, for: caller)
    }

    public func updates(of uri: String) -> AsyncStream<Void>? {
        uri == EventFeed.uri ? collaboration.events.doorbell(for: caller.id) : nil
    }
}

extension Collaboration {
    /// The MCP service `caller` is answered by.
    public func service(for caller: Caller, presentation: ToolPresentation = ToolPresentation()) -> ParticipantService {
        ParticipantService(self, caller: caller, presentation: presentation)
    }

    func instructions(for caller: Caller) -> String {
        switch caller.role {
        case .host:
            return """
                You are connected to your own letswork session as the host of \(store.displayName). Guests' edits \
                arrive as pending changes, never on disk: call get_notifications or get_pending_changes to review \
                them (each has a diff), then approve_change or reject_change (with a reason). Approving merges with \
                your own edits; on conflict nothing is written. Your own write_file and edit_file go straight to disk; \
                search_files and find_files search the repository as guests see it.
                """
        case .guest:
            return """
                You are a guest in a letswork session on the host's repository \(store.displayName). The host's files \
                are NOT on this machine: use these tools for everything about them. First call set_display_name with \
                the name you want the host to see. Explore with find_files (globs such as **/*.swift), search_files \
                (text or regex=true, with include/exclude globs), list_files, read_file (offset/limit for line \
                ranges) and read_multiple_files. Change code with edit_file (exact old_text → new_text replacements; \
                dry_run=true shows the diff) or write_file, and group related files with submit_change (one message, \
                writes, deletions and renames approved or rejected as a whole). None of it changes the host's files \
                until the host approves; read_file shows your pending version meanwhile. Follow your changes with \
                my_pending_changes and get_notifications; lock_file a file while you work on it. Long results come \
                in pages: call again with the offset the result names.
                """
        case .readOnlyGuest:
            return """
                You are a read-only guest in a letswork session on the host's repository \(store.displayName). The \
                host's files are NOT on this machine: explore them with find_files, search_files, list_files, \
                read_file (offset/limit for ranges) and read_multiple_files. You cannot propose changes. Call \
                set_display_name first. Long results come in pages: call again with the offset the result names.
                """
        }
    }
}
