import Foundation
import Synchronization

/// The agent's side of the relay: each message written to standard output as one line, whole,
/// never interleaved with another (several transfers may finish at once). Nothing else is ever
/// written to standard output.
public final class StandardOutput: Sendable {
    private let fileDescriptor: Int32
    private let lock = Mutex(())

    public init(fileDescriptor: Int32 = 1) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes `message` and a newline. JSON never holds a raw line break inside a string, so any
    /// "\r" or "\n" byte in it is whitespace between tokens, removed to keep one message per line;
    /// every other byte goes out as the host sent it.
    public func writeLine<Bytes: Collection>(_ message: Bytes) where Bytes.Element == UInt8 {
        var line = [UInt8]()
        line.reserveCapacity(message.count + 1)
        if message.contains(where: { $0 == 10 || $0 == 13 }) {
            line.append(contentsOf: message.lazy.filter { $0 != 10 && $0 != 13 })
        } else {
            line.append(contentsOf: message)
        }
        line.append(10)
        lock.withLock { _ in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // the agent has gone; nothing left to tell it
                    }
                    offset += written
                }
            }
        }
    }
}
