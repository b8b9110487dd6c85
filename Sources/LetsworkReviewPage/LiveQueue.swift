import Hummingbird
import ServiceLifecycle

/// `/review/queue/live`: a server-sent event stream of the queue's ring count (``QueueBell``).
/// The page's script compares it with the count it was rendered at and fetches the table again
/// when they differ; the browser's EventSource reconnects by itself after a dropped stream, and
/// the first message after a reconnect tells whether anything was missed meanwhile.
enum LiveQueue {
    /// A comment line this often keeps idle timers from closing the stream and notices a
    /// departed browser.
    static let keepAlive = Duration.seconds(15)

    private enum Tick: Sendable {
        case rings(Int)
        case keepAlive
    }

    static func response(_ bell: QueueBell) -> Response {
        var headers = ReviewPage.securityHeaders
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store, no-transform"
        let body = ResponseBody { writer in
            let (ticks, continuation) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(8))
            let forwarder = Task {
                for await count in bell.listen() { continuation.yield(.rings(count)) }
                continuation.finish()
            }
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: keepAlive)
                    continuation.yield(.keepAlive)
                }
            }
            defer {
                forwarder.cancel()
                heartbeat.cancel()
                continuation.finish()
            }
            // A graceful shutdown ends the stream, or the server would wait on it for ever.
            try await withGracefulShutdownHandler {
                // The retry line sets how soon EventSource reconnects after a drop.
                try await writer.write(ByteBuffer(string: "retry: 2000\n: live\n\n"))
                for await tick in ticks {
                    switch tick {
                    case .rings(let count): try await writer.write(ByteBuffer(string: "event: queue\ndata: \(count)\n\n"))
                    case .keepAlive: try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
