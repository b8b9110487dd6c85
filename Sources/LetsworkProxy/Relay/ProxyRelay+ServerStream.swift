import Foundation

/// The session's GET stream: messages the host sends on its own (not as the answer to a
/// request) arrive on a long-lived `GET` of the endpoint — letswork's host sends the
/// `notifications/resources/updated` the agent subscribed to there. Nothing depends on it: a
/// cloudflared quick tunnel buffers such streams, and a host that offers none answers 405, after
/// which the proxy never asks again. A stream that ends (tunnels close idle ones) is reopened
/// with backoff while its session lasts. (The proxy's own channel messages come from
/// ``EventPump``, not from here.)
extension ProxyRelay {
    /// Opens the stream for this session unless one is open for it, or the host offers none.
    func openServerStream(_ snapshot: HostSession.Snapshot) {
        guard let id = snapshot.sessionID, !serverStream.withLock({ $0.refused }) else { return }
        let isNew = serverStream.withLock { state in
            guard state.sessionID != id else { return false }
            state.sessionID = id
            return true
        }
        guard isNew else { return }
        Task { await listen(snapshot) }
    }

    private func listen(_ snapshot: HostSession.Snapshot) async {
        var backoff = Duration.seconds(1)
        while !streamCancellation.isCancelled && serverStream.withLock({ $0.sessionID }) == snapshot.sessionID {
            do {
                let head = try await exchange.listen(session: snapshot, cancellation: streamCancellation) { [output] in
                    output.writeLine($0)
                }
                if head.status == 404 { return }  // the session is gone; a new one opens its own stream
                guard head.status == 200 && head.mediaType == "text/event-stream" else {
                    serverStream.withLock { $0.refused = true }
                    logger.debug("the host offers no GET stream (HTTP \(head.status)); answers come with each request")
                    return
                }
                logger.debug("the host's GET stream ended; reopening")
                backoff = .seconds(1)
            } catch {
                if streamCancellation.isCancelled { return }
                logger.debug("the host's GET stream failed: \(error)")
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(30))
        }
    }
}

/// Which session the GET stream follows, and whether the host refused to offer one.
struct ServerStreamState {
    var sessionID: String?
    var refused = false
}
