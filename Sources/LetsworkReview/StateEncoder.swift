import Foundation

/// Encodes the ledger's state as JSON, reusing each pending record's and each recent decision's
/// encoding from the previous write while it is unchanged.
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
    private var decisions: [LedgerState.RecentDecision: Data] = [:]

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
        var freshDecisions: [LedgerState.RecentDecision: Data] = [:]
        var recent: [Data] = []
        for decision in state.recentDecisions {
            let json = try decisions[decision] ?? encoder.encode(decision)
            freshDecisions[decision] = json
            recent.append(json)
        }
        decisions = freshDecisions

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
        if let view = state.pendingView { key("pendingView", try encoder.encode(view)) }
        key("recentDecisions", array(recent))
        if let tip = state.rejectedTip { key("rejectedTip", try encoder.encode(tip)) }
        key("version", try encoder.encode(state.version))
        output.append(UInt8(ascii: "}"))
        return output
    }
}
