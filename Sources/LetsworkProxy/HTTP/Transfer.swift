import CCurl
import Foundation
import Synchronization

/// The state of one transfer that libcurl's C callbacks reach through their `userdata` pointer:
/// the response head being parsed and where body bytes go.
///
/// Lives exactly as long as the blocking `curl_easy_perform` that uses it (retained by the
/// caller around the call), and is only touched from that perform's thread — except `abort`,
/// a `Mutex`, which another thread sets to stop the transfer.
final class Transfer {
    private var status = 0
    private var headers: [String: String] = [:]
    private var headDelivered = false
    let onHead: (HTTPResponseHead) -> Void
    let onBody: (UnsafeRawBufferPointer) -> Void
    let cancellation: TransferCancellation?

    init(onHead: @escaping (HTTPResponseHead) -> Void, onBody: @escaping (UnsafeRawBufferPointer) -> Void,
         cancellation: TransferCancellation?) {
        self.onHead = onHead
        self.onBody = onBody
        self.cancellation = cancellation
    }

    /// One header line (curl passes the status line and every header line, then an empty line;
    /// after a redirect or a `100 Continue`, a new status line starts over).
    func headerLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            headers = [:]
            headDelivered = false
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// Called before the first body byte, and once more at the end for bodiless responses.
    func deliverHeadIfNeeded() {
        guard !headDelivered, status != 0 else { return }
        headDelivered = true
        onHead(HTTPResponseHead(status: status, headers: headers))
    }

    var head: HTTPResponseHead { HTTPResponseHead(status: status, headers: headers) }
}

/// Lets another task stop a running transfer (a GET stream at shutdown).
public final class TransferCancellation: Sendable {
    private let cancelled = Mutex(false)
    public init() {}
    public func cancel() { cancelled.withLock { $0 = true } }
    public var isCancelled: Bool { cancelled.withLock { $0 } }
}

// The C callbacks. `userdata` is the unretained `Transfer` the perform's caller keeps alive.

let curlWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    transfer.deliverHeadIfNeeded()
    transfer.onBody(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

let curlHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, userdata in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    transfer.headerLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// Returning non-zero makes the perform end with CURLE_ABORTED_BY_CALLBACK.
let curlProgressCallback: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
    userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.cancellation?.isCancelled == true ? 1 : 0
}
