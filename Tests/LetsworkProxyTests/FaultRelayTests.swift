import Foundation
import LetsworkTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fault relay the channel tests put between the proxy and the host, checked against an echo
/// server: if the relay did not make the faults it is set to, those tests would prove nothing.
@Suite("The fault relay", .serialized)
struct FaultRelayTests {
    private func withRelay(_ body: (EchoServer, FaultRelay) async throws -> Void) async throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let relay = try FaultRelay(upstreamPort: echo.port, seed: 13)
        defer { relay.stop() }
        try await body(echo, relay)
    }

    @Test("bytes pass unchanged and in order; a latency is added to each direction of a round trip")
    func latency() async throws {
        try await withRelay { _, relay in
            let socket = try LoopbackSocket(port: relay.port)
            defer { socket.close() }
            let bytes = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let sender = Thread { try? socket.send(bytes) }
            sender.start()
            #expect(socket.receive(exactly: bytes.count) == bytes)

            relay.latency = .milliseconds(150)
            let roundTrip = try ContinuousClock().measure {
                try socket.send([7])
                #expect(socket.receive() == .bytes([7]))
            }
            #expect(roundTrip >= .milliseconds(300), "150 ms each way: \(roundTrip)")
            for byte in 0..<20 { try socket.send([UInt8(byte)]) }
            #expect(socket.receive(exactly: 20) == (0..<20).map { UInt8($0) })
        }
    }

    @Test("a connection picked for a reset, and every connection at dropAll(), sees ECONNRESET")
    func resets() async throws {
        try await withRelay { _, relay in
            relay.resetProbability = 1
            let picked = try LoopbackSocket(port: relay.port)
            defer { picked.close() }
            try? picked.send([1])
            // Reset on its first bytes, or at a moment within 500 ms (its echo may come first).
            var outcome = picked.receive()
            if outcome == .bytes([1]) { outcome = picked.receive() }
            #expect(outcome == .failed(ECONNRESET))
            #expect(relay.connectionsReset == 1)

            relay.resetProbability = 0
            let open = try (0..<3).map { _ in try LoopbackSocket(port: relay.port) }
            defer { open.forEach { $0.close() } }
            for socket in open {
                try socket.send([2])
                #expect(socket.receive() == .bytes([2]))
            }
            relay.dropAll()
            for socket in open { #expect(socket.receive() == .failed(ECONNRESET)) }
            #expect(relay.connectionsReset == 4)
            #expect(relay.connectionsAccepted == 4)
        }
    }

    @Test("a partition holds bytes both ways and new connections, and releases them after")
    func partition() async throws {
        try await withRelay { echo, relay in
            let socket = try LoopbackSocket(port: relay.port, timeout: .milliseconds(500))
            defer { socket.close() }
            try socket.send([1])
            #expect(socket.receive() == .bytes([1]))

            // Set and cleared by hand, so that no check depends on how fast a loaded machine runs.
            relay.partitioned = true
            try socket.send([2])
            #expect(socket.receive() == .failed(EAGAIN), "nothing comes back while partitioned (500 ms waited)")
            let newcomer = try LoopbackSocket(port: relay.port, timeout: .seconds(12))
            defer { newcomer.close() }
            try newcomer.send([3])
            try await Task.sleep(for: .milliseconds(200))
            #expect(relay.partitioned)
            #expect(echo.accepted == 1, "a connection made during the partition is not forwarded yet")
            relay.partitioned = false

            #expect(newcomer.receive() == .bytes([3]), "after the partition the held bytes arrive")
            #expect(socket.receive() == .bytes([2]))
            #expect(echo.accepted == 2)

            // A timed partition ends by itself, and what it held then arrives.
            relay.partition(for: .milliseconds(300))
            #expect(relay.partitioned)
            try newcomer.send([4])
            #expect(newcomer.receive() == .bytes([4]))
            #expect(!relay.partitioned)
        }
    }
}
