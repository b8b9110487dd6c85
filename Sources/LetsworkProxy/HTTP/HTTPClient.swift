import CCurl
import Foundation
import Synchronization

/// HTTP over libcurl for the proxy: concurrent requests, streamed bodies, kept-alive connections.
///
/// Each transfer borrows an easy handle from a small pool and runs its blocking
/// `curl_easy_perform` on a thread of its own (``TransferThreads``, reused), so several requests
/// of an agent are in flight at once and none blocks Swift's cooperative pool. A returned handle keeps its open connection,
/// so the next request skips the TCP and TLS handshakes.
///
/// HTTPS uses the system trust store (libcurl's default) or `caCertificateFile`; libcurl reads
/// the usual proxy variables (`https_proxy`, `HTTPS_PROXY`, `no_proxy`) by itself.
public final class HTTPClient: Sendable {
    /// Extra CA certificates (PEM) to trust, for a host behind a private CA.
    public let caCertificateFile: String?
    public let connectTimeout: Duration
    // Mutex-protected: each handle is used by one transfer at a time (libcurl-thread(3)).
    private let idle = Mutex<[UnsafeSendable<CurlEasy>]>([])

    public init(caCertificateFile: String? = nil, connectTimeout: Duration = .seconds(5)) {
        self.caCertificateFile = caCertificateFile
        self.connectTimeout = connectTimeout
    }

    /// Sends `request`, calling `onHead` when the status and headers are in and `onBody` for each
    /// piece of the body as it arrives (both on the transfer's thread, in order).
    /// - Returns: The response head (also for bodiless responses).
    /// - Throws: ``CurlError`` when the transfer fails (connection refused, TLS, timeout, cancelled).
    @discardableResult
    public func send(_ request: HTTPRequest, cancellation: TransferCancellation? = nil,
                     onHead: @escaping @Sendable (HTTPResponseHead) -> Void = { _ in },
                     onBody: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) async throws -> HTTPResponseHead {
        let easy = idle.withLock { $0.popLast()?.value } ?? CurlEasy()
        let box = UnsafeSendable(easy)
        let head: HTTPResponseHead = try await withCheckedThrowingContinuation { continuation in
            TransferThreads.shared.run { [self] in
                let transfer = Transfer(onHead: onHead, onBody: onBody, cancellation: cancellation)
                do {
                    try perform(request, on: box.value, transfer: transfer)
                    transfer.deliverHeadIfNeeded()
                    continuation.resume(returning: transfer.head)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        idle.withLock { $0.append(box) }
        return head
    }

    /// Sends `request` and collects the whole body.
    /// - Throws: ``CurlError`` when the transfer fails.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let body = Mutex(Data())
        let head = try await send(request) { bytes in body.withLock { $0.append(contentsOf: bytes) } }
        return HTTPResponse(head: head, body: body.withLock { $0 })
    }

    private func perform(_ request: HTTPRequest, on easy: CurlEasy, transfer: Transfer) throws {
        easy.reset()
        try easy.set(CURLOPT_URL, request.url)
        // No signals from curl in a threaded program (libcurl-thread(3)).
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout.milliseconds))
        try easy.set(CURLOPT_TIMEOUT_MS, Int(request.timeout.milliseconds))
        if let idle = request.idleLimit {
            try easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
            try easy.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(idle.milliseconds / 1000)))
        }
        try easy.set(CURLOPT_TCP_NODELAY, 1)
        try easy.set(CURLOPT_TCP_KEEPALIVE, 1)
        if let caCertificateFile { try easy.set(CURLOPT_CAINFO, caCertificateFile) }
        switch request.method {
        case .get:
            try easy.set(CURLOPT_HTTPGET, 1)
        case .post:
            try easy.set(CURLOPT_POST, 1)
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(request.body.count))
            if request.body.isEmpty {
                // Never leave a POST without fields: curl would read the body from stdin.
                try easy.set(CURLOPT_COPYPOSTFIELDS, "")
            }
            // A body is handed to curl without a copy (CURLOPT_POSTFIELDS) at the end, around the
            // perform, so it stays alive until the transfer ends.
        case .delete:
            try easy.set(CURLOPT_CUSTOMREQUEST, "DELETE")
        }
        // "Expect:" turns off curl's 100-continue wait for larger bodies: one round trip less.
        var list: UnsafeMutablePointer<curl_slist>?
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            list = curl_slist_append(list, line)
        }
        defer { curl_slist_free_all(list) }
        try easy.set(CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(list))

        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }
        try easy.set(CURLOPT_HEADERDATA, pointer: context.toOpaque())
        try easy.set(CURLOPT_WRITEDATA, pointer: context.toOpaque())
        _ = letswork_curl_setopt_header_function(easy.handle, curlHeaderCallback)
        _ = letswork_curl_setopt_write_function(easy.handle, curlWriteCallback)
        if transfer.cancellation != nil {
            try easy.set(CURLOPT_NOPROGRESS, 0)
            try easy.set(CURLOPT_XFERINFODATA, pointer: context.toOpaque())
            _ = letswork_curl_setopt_xferinfo_function(easy.handle, curlProgressCallback)
        }
        let operation = "\(request.method.rawValue) \(request.url)"
        guard request.method == .post, !request.body.isEmpty else { return try easy.perform(operation) }
        try request.body.withUnsafeBytes { bytes in
            try easy.set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
            try easy.perform(operation)
        }
    }
}

/// Moves a value that is not `Sendable` between threads where the code guarantees a single
/// user at a time (here: an easy handle is either in the pool or owned by one transfer).
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
