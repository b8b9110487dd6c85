import MCP

extension Collaboration {
    /// An MCP server (not started) whose tools act as `caller`, with instructions for that role.
    public func makeServer(for caller: Caller) async -> Server {
        let server = Server(name: "letswork", version: "0.1.0", title: "letswork",
                            instructions: instructions(for: caller),
                            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in ListTools.Result(tools: ToolCatalog.tools) }
        await server.withMethodHandler(CallTool.self) { [self] parameters in
            try await call(parameters.name, arguments: parameters.arguments, as: caller)
        }
        return server
    }

    func instructions(for caller: Caller) -> String {
        switch caller.role {
        case .host:
            return """
                You are connected to your own letswork session as the host of \(store.displayName). Guests' edits \
                arrive as pending changes, never on disk: call get_notifications or get_pending_changes to review \
                them (each has a diff), then approve_change or reject_change (with a reason). Approving merges with \
                your own edits; on conflict nothing is written. Your own write_file goes straight to disk.
                """
        case .guest:
            return """
                You are a guest in a letswork session on the host's repository \(store.displayName). The host's files \
                are NOT on this machine: use these tools for everything about them (list_files, read_file). First call \
                set_display_name with the name you want the host to see. write_file proposes a change for the host to \
                review; it does not change their file until approved. Follow your changes with my_pending_changes and \
                get_notifications; lock_file a file while you work on it.
                """
        case .readOnlyGuest:
            return """
                You are a read-only guest in a letswork session on the host's repository \(store.displayName). The \
                host's files are NOT on this machine: use list_files and read_file to explore them. You cannot propose \
                changes. Call set_display_name first.
                """
        }
    }
}
