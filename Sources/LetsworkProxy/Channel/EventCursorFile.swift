import Foundation

/// Where the proxy keeps the id of the last event it wrote to the agent, so a restarted proxy
/// goes on from there: beside the token file (`<token file>.cursor`, mode 0600), or a file given
/// with `--cursor-file`.
///
/// Saved after each event is written, by a rename over the old file, so it always holds a whole
/// id. A proxy killed between writing an event and saving its id repeats that one event.
struct EventCursorFile: Sendable {
    let path: String

    func load() -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// - Throws: ``ProxyError`` when the file cannot be written (the proxy then goes on in memory).
    func save(_ cursor: String) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((cursor + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            throw ProxyError("cannot save the event cursor in \(path): \(String(cString: strerror(errno))); a restarted proxy may repeat events")
        }
    }
}
