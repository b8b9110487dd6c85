import Foundation

/// Encodes the ledger's state as JSON, reusing each pending record's encoding from the previous
/// write while it is unchanged.
///
/// Why: every ledger update writes the whole state, and JSONEncoder took about 3 ms for it at
/// 100 pending changes — the one part of an update that still grew with the queue. An update
/// changes one record, so encoding that one is enough. The output is the JSON JSONEncoder would
/// give with sorted keys, assembled from its pieces; it is read back with JSONDecoder.
final class StateEncoder {
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
    private var records: [String: (record: ChangeRecord, json: Data)] = [:]

    func encode(_ state: LedgerState) throws -> Data {
        var freshRecords: [String: (record: ChangeRecord, json: Data)] = [:]
        var pending: [Data] = []
        for record in state.pending {
            if let cached = records[record.id], cached.record == record {
                pending.append(cached.json)
                freshRecords[record.id] = cached
            } else {
                let json = try encoder.encode(record)
                pending.append(json)
                freshRecords[record.id] = (record, json)
            }
        }
        records = freshRecords  // decided records leave the cache with the queue

        // The keys in JSONEncoder's sorted order; nil optionals are left out, as it does.
        var output = Data("{".utf8)
        func key(_ name: String, _ value: Data) {
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: Array("\"\(name)\":".utf8))
            output.append(value)
        }
        func array(_ items: [Data]) -> Data {
            var data = Data("[".utf8)
            for (index, item) in items.enumerated() {
                if index > 0 { data.append(UInt8(ascii: ",")) }
                data.append(item)
            }
            data.append(UInt8(ascii: "]"))
            return data
        }
        if let tip = state.approvedTip { key("approvedTip", try encoder.encode(tip)) }
        key("pending", array(pending))
        if let view = state.pendingView { key("pendingView", try encode(view)) }
        // Always empty: letswork builds before 2026-12-02 require the key (they listed recent
        // decisions there) and read an empty list as "none", so they still open the ledger.
        key("recentDecisions", Data("[]".utf8))
        if let tip = state.rejectedTip { key("rejectedTip", try encoder.encode(tip)) }
        key("version", try encoder.encode(state.version))
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The view as JSONEncoder writes it, by hand when every value is a commit id: it holds two
    /// ids per pending change and changes with every operation, so JSONEncoder's per-value cost
    /// made it the state's one part that still grew with the queue.
    private func encode(_ view: LedgerState.PendingView) throws -> Data {
        let ids = view.commits + (view.revisions ?? []) + [view.root] + (view.merge.map { [$0] } ?? [])
        guard ids.allSatisfy(Self.isPlainID) else { return try encoder.encode(view) }
        var output = Data()
        output.reserveCapacity(ids.count * 43 + 64)
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
        output.append(contentsOf: Array("{\"commits\":".utf8))
        list(view.commits)
        if let merge = view.merge {
            output.append(contentsOf: Array(",\"merge\":".utf8))
            quoted(merge)
        }
        if let revisions = view.revisions {
            output.append(contentsOf: Array(",\"revisions\":".utf8))
            list(revisions)
        }
        output.append(contentsOf: Array(",\"root\":".utf8))
        quoted(view.root)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Letters and digits only: JSON needs no escape for them, in any encoder's style.
    private static func isPlainID(_ value: String) -> Bool {
        value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }
}
