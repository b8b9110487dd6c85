/// The engine's records as JSON, written by hand: the same bytes JSONEncoder gives with sorted
/// keys (nil optionals left out, "/" written as "\/", control characters as \b \t \n \f \r or
/// \u00xx), read back with JSONDecoder like any other.
///
/// Why: every proposal encodes its change's record for the ledger, every approval its journal
/// and its decision record. JSONEncoder walks `Codable` through boxed containers and dynamic
/// casts, and was the largest single cost of the engine's own code in a profile of pairs
/// (docs/performance.md). The keys below are in JSONEncoder's sorted order; `RecordJSONTests`
/// compares these bytes with JSONEncoder's for every field, set and unset.
enum RecordJSON {
    static func encode(_ record: ChangeRecord) -> [UInt8] {
        var out = Writer()
        out.reserve(256 + 60 * record.revisions.count + record.paths.reduce(0) { $0 + $1.utf8.count + 4 })
        append(record, to: &out)
        return out.bytes
    }

    static func encode(_ journal: ApplyJournal) -> [UInt8] {
        var out = Writer()
        out.reserve(256 + 120 * journal.files.count)
        out.object {
            $0.field("changeID") { $0.string(journal.changeID) }
            $0.field("commitToBranch") { $0.bool(journal.commitToBranch) }
            $0.field("decidedBy") { append(journal.decidedBy, to: &$0) }
            $0.field("files") {
                $0.array(journal.files) { out, file in
                    out.object {
                        $0.optionalField("after", file.after) { $0.string($1) }
                        $0.optionalField("before", file.before) { $0.string($1) }
                        $0.field("executable") { $0.bool(file.executable) }
                        $0.field("path") { $0.string(file.path) }
                    }
                }
            }
            $0.field("forced") { $0.bool(journal.forced) }
            $0.field("host") { $0.string(journal.host) }
            $0.field("merged") { $0.bool(journal.merged) }
            $0.field("owner") { $0.string(journal.owner) }
            $0.field("pid") { $0.integer(Int64(journal.pid)) }
            $0.field("startedAt") { $0.integer(journal.startedAt) }
        }
        return out.bytes
    }

    /// The pending view: two commit ids per pending change, written on every operation.
    static func encode(_ view: LedgerState.PendingView) -> [UInt8] {
        var out = Writer()
        out.reserve(64 + 90 * view.commits.count)
        out.object {
            $0.field("commits") { $0.strings(view.commits) }
            $0.optionalField("merge", view.merge) { $0.string($1) }
            $0.optionalField("revisions", view.revisions) { $0.strings($1) }
            $0.field("root") { $0.string(view.root) }
        }
        return out.bytes
    }

    static func encode(string: String) -> [UInt8] {
        var out = Writer()
        out.string(string)
        return out.bytes
    }

    private static func append(_ record: ChangeRecord, to out: inout Writer) {
        out.object {
            $0.optionalField("conflict", record.conflict) { out, note in
                out.object {
                    $0.field("at") { $0.integer(note.at) }
                    $0.field("paths") { $0.strings(note.paths) }
                }
            }
            $0.optionalField("decision", record.decision) { out, decision in
                out.object {
                    $0.field("at") { $0.integer(decision.at) }
                    $0.field("by") { append(decision.by, to: &$0) }
                    $0.field("forced") { $0.bool(decision.forced) }
                    $0.optionalField("hostCommit", decision.hostCommit) { $0.string($1) }
                    $0.field("merged") { $0.bool(decision.merged) }
                    $0.optionalField("reason", decision.reason) { $0.string($1) }
                    $0.field("record") { $0.string(decision.record) }
                    $0.optionalField("skippedPaths", decision.skippedPaths) { $0.strings($1) }
                }
            }
            $0.field("id") { $0.string(record.id) }
            $0.field("paths") { $0.strings(record.paths) }
            $0.field("proposer") { append(record.proposer, to: &$0) }
            $0.field("revisions") { $0.strings(record.revisions) }
            $0.field("state") { $0.string(record.state.rawValue) }
            $0.field("submittedAt") { $0.integer(record.submittedAt) }
            $0.optionalField("summary", record.summary) { $0.string($1) }
            $0.field("updatedAt") { $0.integer(record.updatedAt) }
        }
    }

    private static func append(_ person: Person, to out: inout Writer) {
        out.object {
            $0.field("email") { $0.string(person.email) }
            $0.field("id") { $0.string(person.id) }
            $0.field("name") { $0.string(person.name) }
        }
    }

    /// A byte buffer with JSONEncoder's way of writing each kind of value.
    struct Writer {
        private(set) var bytes: [UInt8] = []
        /// Whether the object being written has a member yet (a comma goes before the next).
        private var hasMember = false

        mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

        mutating func object(_ members: (inout Writer) -> Void) {
            bytes.append(UInt8(ascii: "{"))
            let outer = hasMember
            hasMember = false
            members(&self)
            hasMember = outer
            bytes.append(UInt8(ascii: "}"))
        }

        mutating func field(_ key: StaticString, _ value: (inout Writer) -> Void) {
            if hasMember { bytes.append(UInt8(ascii: ",")) }
            hasMember = true
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            value(&self)
        }

        /// Left out when nil, as JSONEncoder leaves out a nil optional.
        mutating func optionalField<T>(_ key: StaticString, _ value: T?, _ write: (inout Writer, T) -> Void) {
            guard let value else { return }
            field(key) { write(&$0, value) }
        }

        mutating func array<T>(_ items: [T], _ write: (inout Writer, T) -> Void) {
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(&self, item)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

        mutating func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

        mutating func integer(_ value: Int64) { bytes.append(contentsOf: String(value).utf8) }

        /// Quotes, backslashes, slashes and control characters escaped as JSONEncoder does; the
        /// rest (UTF-8 included) copied in runs.
        mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            var text = text
            text.withUTF8 { utf8 in
                var runStart = 0
                for index in utf8.indices {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/") else { continue }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                    runStart = index + 1
                    bytes.append(UInt8(ascii: "\\"))
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
                    case 0x08: bytes.append(UInt8(ascii: "b"))
                    case 0x09: bytes.append(UInt8(ascii: "t"))
                    case 0x0A: bytes.append(UInt8(ascii: "n"))
                    case 0x0C: bytes.append(UInt8(ascii: "f"))
                    case 0x0D: bytes.append(UInt8(ascii: "r"))
                    default:
                        let hex = Array("0123456789abcdef".utf8)
                        bytes.append(contentsOf: "u00".utf8)
                        bytes.append(hex[Int(byte >> 4)])
                        bytes.append(hex[Int(byte & 0x0F)])
                    }
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
