import CCurl
import Foundation

/// libcurl is initialised once per process, before the first handle (curl_global_init(3) is not
/// thread-safe in older versions, so it must not race with handle creation).
private let curlInitialized: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

/// The one owner of a libcurl easy handle: configures it, performs transfers, frees it.
///
/// An easy handle keeps its connection cache between transfers, so a reused handle sends the
/// next request on the same keep-alive connection (no new TCP or TLS handshake). It is used by
/// one thread at a time (libcurl-thread(3)); ``HTTPClient`` hands each handle to one transfer.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// curl writes its detailed error message here (`CURLOPT_ERRORBUFFER`); it must outlive the handle's use.
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() {
        _ = curlInitialized
        guard let handle = curl_easy_init() else {
            // Only fails when out of memory.
            fatalError("curl_easy_init failed: out of memory")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Back to the defaults before a new transfer, keeping the connection and DNS caches.
    func reset() {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        _ = letswork_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(letswork_curl_setopt_long(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, _ value: String) throws {
        // libcurl copies string options (curl_easy_setopt(3)), so the Swift string may go.
        try check(letswork_curl_setopt_string(handle, option, value), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(letswork_curl_setopt_pointer(handle, option, pointer), "setting option \(option.rawValue)")
    }

    func set(_ option: CURLoption, offset: Int64) throws {
        try check(letswork_curl_setopt_off(handle, option, curl_off_t(offset)), "setting option \(option.rawValue)")
    }

    /// Runs the configured transfer to its end on the calling thread (it blocks).
    /// - Throws: ``CurlError`` with curl's message.
    func perform(_ operation: String) throws {
        try check(curl_easy_perform(handle), operation)
    }

    func responseCode() -> Int {
        var code = 0
        _ = letswork_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func check(_ code: CURLcode, _ operation: String) throws {
        guard code != CURLE_OK else { return }
        // Read the buffer right away: the next call on this handle may overwrite it.
        throw CurlError(code: code, detail: String(cString: errorBuffer), operation: operation)
    }
}
