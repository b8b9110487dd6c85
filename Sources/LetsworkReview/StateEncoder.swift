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
    private var records: [String: Encoded] = [:]

    /// The state's JSON, in bytes: it goes into the ledger commit as they are. Assembled in one
    /// byte array (Data's appends of small pieces cost more than the encoding they assemble).
    func encode(_ state: LedgerState) throws -> [UInt8] {
        var freshRecords: [String: Encoded] = [:]
        freshRecords.reserveCapacity(state.pending.count)
        var pending: [Encoded] = []
        pending.reserveCapacity(state.pending.count)
        for index in state.pending.indices {
            let id = state.pending[index].id
            if let cached = records[id], cached.record == state.pending[index] {
                pending.append(cached)
                freshRecords[id] = cached
            } else {
                let fresh = Encoded(state.pending[index], RecordJSON.encode(state.pending[index]))
                pending.append(fresh)
                freshRecords[id] = fresh
            }
        }
        records = freshRecords  // decided records leave the cache with the queue

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
