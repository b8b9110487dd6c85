import Foundation

/// Encodes the ledger's state as JSON, reusing each pending record's encoding from the previous
/// write while it is unchanged.
///
/// Why: every ledger update writes the whole state, and JSONEncoder took about 3 ms for it at
/// 100 pending changes — the one part of an update that still grew with the queue. An update
/// changes one record, so encoding that one is enough (with ``RecordJSON``). The output is the
/// JSON JSONEncoder would give with sorted keys; it is read back with JSONDecoder.
final class StateEncoder {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private var records: [String: (record: ChangeRecord, json: [UInt8])] = [:]

    /// The state's JSON, in bytes: it goes into the ledger commit as they are. Assembled in one
    /// byte array (Data's appends of small pieces cost more than the encoding they assemble).
    func encode(_ state: LedgerState) throws -> [UInt8] {
        var freshRecords: [String: (record: ChangeRecord, json: [UInt8])] = [:]
        freshRecords.reserveCapacity(state.pending.count)
        var pending: [[UInt8]] = []
        pending.reserveCapacity(state.pending.count)
        for record in state.pending {
            if let cached = records[record.id], cached.record == record {
                pending.append(cached.json)
                freshRecords[record.id] = cached
            } else {
                let json = RecordJSON.encode(record)
                pending.append(json)
                freshRecords[record.id] = (record, json)
            }
        }
        records = freshRecords  // decided records leave the cache with the queue

        // The keys in JSONEncoder's sorted order; nil optionals are left out, as it does.
        var output: [UInt8] = []
        output.reserveCapacity(pending.reduce(256) { $0 + $1.count + 1 } + (state.pendingView.map { $0.commits.count * 90 } ?? 0))
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
            output.append(contentsOf: item)
        }
        output.append(UInt8(ascii: "]"))
        if let view = state.pendingView {
            key("pendingView")
            try encode(view, into: &output)
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

    /// The view as JSONEncoder writes it, by hand when every value is a commit id: it holds two
    /// ids per pending change and changes with every operation, so JSONEncoder's per-value cost
    /// made it the state's one part that still grew with the queue.
    private func encode(_ view: LedgerState.PendingView, into output: inout [UInt8]) throws {
        let ids = view.commits + (view.revisions ?? []) + [view.root] + (view.merge.map { [$0] } ?? [])
        guard ids.allSatisfy(Self.isPlainID) else {
            output.append(contentsOf: try encoder.encode(view))
            return
        }
        func list(_ values: [String]) {
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                quoted(value)
            }
            output.append(UInt8(ascii: "]"))
        }
        func quoted(_ value: String) {
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: value.utf8)
            output.append(UInt8(ascii: "\""))
        }
        output.append(contentsOf: "{\"commits\":".utf8)
        list(view.commits)
        if let merge = view.merge {
            output.append(contentsOf: ",\"merge\":".utf8)
            quoted(merge)
        }
        if let revisions = view.revisions {
            output.append(contentsOf: ",\"revisions\":".utf8)
            list(revisions)
        }
        output.append(contentsOf: ",\"root\":".utf8)
        quoted(view.root)
        output.append(UInt8(ascii: "}"))
    }

    /// Letters and digits only: JSON needs no escape for them, in any encoder's style.
    private static func isPlainID(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}
