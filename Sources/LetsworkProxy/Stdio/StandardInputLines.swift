import Foundation

/// The agent's messages: newline-delimited JSON-RPC read from standard input on a thread of its
/// own (a blocking `read`), one line per element, without its "\n" or "\r\n". Ends at EOF.
public enum StandardInputLines {
    public static func stream(fileDescriptor: Int32 = 0) -> AsyncStream<Data> {
        AsyncStream(bufferingPolicy: .unbounded) { continuation in
            let thread = Thread {
                var pending = [UInt8]()
                // Where the search for the next "\n" resumes: a 1 MB message arriving in 64 KB
                // pieces is scanned once, not once per piece.
                var scanned = 0
                let size = 1 << 16
                var chunk = [UInt8](repeating: 0, count: size)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, size) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { break }
                    pending.append(contentsOf: chunk[0..<count])
                    var start = 0
                    pending.withUnsafeBufferPointer { bytes in
                        while scanned < bytes.count,
                              let found = memchr(bytes.baseAddress! + scanned, 0x0A, bytes.count - scanned) {
                            let newline = bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                            var end = newline
                            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                            if end > start { continuation.yield(Data(bytes[start..<end])) }
                            start = newline + 1
                            scanned = start
                        }
                    }
                    if start > 0 { pending.removeFirst(start) }
                    scanned = pending.count
                }
                // A last message without its newline still counts.
                if pending.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) {
                    continuation.yield(Data(pending))
                }
                continuation.finish()
            }
            thread.start()
        }
    }
}
