import Foundation

/// Encodes the ledger's state as JSON, reusing each pending record's encoding from the previous
/// write while it is unchanged.
///
/// Why: every ledger update writes the whole state, and JSONEncoder took about 3 ms for it at
/// 100 pending changes — the one part of an update that still grew with the queue. An update
/// changes one record, so encoding that one is enough (with ``RecordJSON``). The output is the
/// JSON JSONEncoder would give with sorted keys; it is read back with JSONDecoder.
final class StateEncoder {
    /// A record and its JSON, held by reference: the cache is rebuilt on every write, and a
    /// record copied in and out of it by value costs a retain and a release per field.
    private final class Encoded {
        let record: ChangeRecord
        let json: [UInt8]
        init(_ record: ChangeRecord, _ json: [UInt8]) { self.record = record; self.json = json }
    }
    /// The last write's pending records, in its order.
    private var previous: [Encoded] = []

    /// The state's JSON, in bytes: it goes into the ledger commit as they are. Assembled in one
    /// byte array (Data's appends of small pieces cost more than the encoding they assemble).
    func encode(_ state: LedgerState) -> [UInt8] {
        var pending: [Encoded] = []
        pending.reserveCapacity(state.pending.count)
        // An operation revises, adds or removes a change or two, so the queue is walked beside
        // the last write's: a record is looked for where it was, or one further on (a change
        // decided before it), and only a queue reordered otherwise is looked up by id.
        var cursor = 0
        var byID: [String: Encoded]?
        for index in state.pending.indices {
            let id = state.pending[index].id
            var candidate: Encoded?
            if cursor < previous.count, previous[cursor].record.id == id {
                candidate = previous[cursor]
                cursor += 1
            } else if cursor + 1 < previous.count, previous[cursor + 1].record.id == id {
                candidate = previous[cursor + 1]
                cursor += 2
            } else {
                if byID == nil { byID = Dictionary(previous.map { ($0.record.id, $0) }, uniquingKeysWith: { first, _ in first }) }
                candidate = byID?[id]
            }
            if let candidate, candidate.record == state.pending[index] {
                pending.append(candidate)
            } else {
                pending.append(Encoded(state.pending[index], RecordJSON.encode(state.pending[index])))
            }
        }
        previous = pending  // decided records leave the cache with the queue

        // The keys in JSONEncoder's sorted order; nil optionals are left out, as it does.
        var output: [UInt8] = []
        output.reserveCapacity(pending.reduce(256) { $0 + $1.json.count + 1 } + (state.pendingView.map { $0.commits.count * 90 } ?? 0))
        output.append(UInt8(ascii: "{"))
        func key(_ name: String) {
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: name.utf8)
            output.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let tip = state.approvedTip {
            key("approvedTip")
            output.append(contentsOf: RecordJSON.encode(string: tip))
        }
        key("pending")
        output.append(UInt8(ascii: "["))
        for (index, item) in pending.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: item.json)
        }
        output.append(UInt8(ascii: "]"))
        if let view = state.pendingView {
            key("pendingView")
            output.append(contentsOf: RecordJSON.encode(view))
        }
        // Always empty: letswork builds before 2026-12-02 require the key (they listed recent
        // decisions there) and read an empty list as "none", so they still open the ledger.
        key("recentDecisions")
        output.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
        if let tip = state.rejectedTip {
            key("rejectedTip")
            output.append(contentsOf: RecordJSON.encode(string: tip))
        }
        key("version")
        output.append(contentsOf: String(state.version).utf8)
        output.append(UInt8(ascii: "}"))
        return output
    }
}
