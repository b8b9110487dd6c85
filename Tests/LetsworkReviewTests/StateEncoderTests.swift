import Foundation
@testable import LetsworkReview
import Testing

@Suite("The ledger's state encoder")
struct StateEncoderTests {
    private func record(_ id: String, revisions: [String]) -> ChangeRecord {
        ChangeRecord(id: id, proposer: Person(id: "guest-\(id)", name: "name \"\(id)\"\n"), summary: id == "b" ? nil : "sum",
                     paths: ["a/\(id).txt"], revisions: revisions, submittedAt: 1, updatedAt: 2, state: .pending)
    }

    @Test("what it writes decodes to the state it was given, before and after one record changes")
    func roundTrip() throws {
        let encoder = StateEncoder()
        var state = LedgerState()
        #expect(try JSONDecoder().decode(LedgerState.self, from: Data(encoder.encode(state))) == state)
        state.pending = [record("a", revisions: ["1"]), record("b", revisions: ["2"]), record("c", revisions: ["3"])]
        state.pendingView = .init(root: "r", commits: ["x", "y", "z"], revisions: ["1", "2", "3"], merge: "m")
        state.approvedTip = "t"
        #expect(try JSONDecoder().decode(LedgerState.self, from: Data(encoder.encode(state))) == state)
        state.pending[1].revisions.append("4")
        state.pending.remove(at: 0)
        state.rejectedTip = "u"
        state.pendingView?.merge = nil
        let data = Data(encoder.encode(state))
        #expect(try JSONDecoder().decode(LedgerState.self, from: data) == state)
        // The same bytes as JSONEncoder with sorted keys, plus the empty list older builds require.
        let reference = JSONEncoder()
        reference.outputFormatting = [.sortedKeys]
        func expected(_ state: LedgerState) throws -> Data {
            let json = String(decoding: try reference.encode(state), as: UTF8.self)
            let next = json.range(of: ",\"rejectedTip\"") ?? json.range(of: ",\"version\"")!
            return Data((json[..<next.lowerBound] + ",\"recentDecisions\":[]" + json[next.lowerBound...]).utf8)
        }
        #expect(data == (try expected(state)))
        // A view whose values are not plain ids (a ledger edited by hand) is escaped as JSONEncoder escapes it.
        state.pendingView = .init(root: "a/\"b", commits: ["x"], revisions: nil, merge: "é")
        #expect(Data(encoder.encode(state)) == (try expected(state)))
        #expect(try JSONDecoder().decode(LedgerState.self, from: Data(encoder.encode(state))) == state)
    }

    @Test("an encoder that reuses its last write's records writes what a new one writes, through revisions, decisions, new changes and reorderings")
    func reuseMatchesFresh() {
        let encoder = StateEncoder()
        var state = LedgerState()
        var next = 0
        var generator = SystemRandomNumberGenerator()
        for step in 0..<400 {
            switch Int.random(in: 0..<6, using: &generator) {
            case 0, 1:
                next += 1
                state.pending.append(record("n\(next)", revisions: ["r\(next)"]))
            case 2 where !state.pending.isEmpty:
                let index = Int.random(in: state.pending.indices, using: &generator)
                state.pending[index].revisions.append("v\(step)")
            case 3 where !state.pending.isEmpty:
                state.pending.remove(at: Int.random(in: state.pending.indices, using: &generator))
            case 4 where state.pending.count > 1:
                state.pending.remove(at: 0)
                state.pending.remove(at: Int.random(in: state.pending.indices, using: &generator))
            case 5:
                state.pending.shuffle(using: &generator)
            default:
                break
            }
            #expect(encoder.encode(state) == StateEncoder().encode(state), "step \(step)")
        }
    }
}
