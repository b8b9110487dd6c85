import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 that makes a bad link on purpose, for tests on kernels without
/// netem: each accepted connection is forwarded to 127.0.0.1:`upstreamPort`, with added latency,
/// random resets, partitions (a link outage: bytes are held, then flow again, as TCP
/// retransmission would deliver them) and "drop every connection now".
///
/// Every control can be changed while connections are open. Plain POSIX sockets, one thread to
/// accept and one per connection, each waking at least every 20 ms to see the controls;
/// ``stop()`` resets what is open and joins every thread (call it: the threads keep the relay).
public final class FaultRelay: @unchecked Sendable {
    // @unchecked Sendable: the mutable state is in `state` (a Mutex); `listener` and `threads`
    // are set in init and only used through thread-safe calls afterwards.

    /// The relay's own port on 127.0.0.1.
    public let port: Int
    public let upstreamPort: Int
    /// The seed of the reset decisions, to replay a failing run (`LETSWORK_TEST_SEED`).
    public let seed: UInt64

    /// Connections open at once; more are reset at once (a runaway client cannot exhaust threads).
    static let maxConnections = 128
    /// Bytes held per direction of a connection before the relay stops reading that side
    /// (TCP's own flow control then holds the sender).
    static let maxHeldBytes = 4 << 20
    /// How long a connection set to reset at a random moment may live at most.
    static let resetWindow: Duration = .milliseconds(500)

    let state: Mutex<State>
    private let listener: Int32
    private let threads = DispatchGroup()

    /// Listens on an ephemeral port of 127.0.0.1.
    /// - Parameter seed: seeds the reset decisions; default `LETSWORK_TEST_SEED` or a fresh one.
    public init(upstreamPort: Int, seed: UInt64 = SeededGenerator.seedFromEnvironment()) throws {
        self.upstreamPort = upstreamPort
        self.seed = seed
        state = Mutex(State(generator: SeededGenerator(seed: seed)))
        let (listener, port) = try Self.listen()
        self.listener = listener
        self.port = port
        threads.enter()
        let acceptor = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        acceptor.name = "FaultRelay accept :\(port)"
        acceptor.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    // MARK: Controls

    /// Added to each direction: bytes are written on no earlier than `latency` after they were
    /// read, in the order they were read.
    public var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = max(.zero, newValue) } }
    }

    /// The chance (0…1) that a new connection is reset (RST): either on its first bytes, or at a
    /// random moment within its first 500 ms, half and half.
    public var resetProbability: Double {
        get { state.withLock { $0.resetProbability } }
        set { state.withLock { $0.resetProbability = min(1, max(0, newValue)) } }
    }

    /// While set, no byte moves either way on open connections, and new connections are accepted
    /// but not connected upstream; when cleared, held bytes flow again.
    public var partitioned: Bool {
        get { state.withLock { $0.isPartitioned(at: .now) } }
        set {
            state.withLock {
                $0.partitionedByHand = newValue
                if !newValue { $0.partitionedUntil = nil }
            }
        }
    }

    /// A link outage of `duration` from now (see ``partitioned``); returns at once.
    public func partition(for duration: Duration) {
        state.withLock { $0.partitionedUntil = ContinuousClock.now + duration }
    }

    /// Resets (RST) every open connection, both ends, and returns once they are closed (bounded,
    /// 2 s): "the stream dropped mid-event". Connections accepted afterwards are not affected.
    public func dropAll() {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            return state.generation
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline,
              state.withLock({ $0.open.values.contains { $0 < generation } }) {
            usleep(2_000)
        }
    }

    // MARK: Counters

    public var connectionsAccepted: Int { state.withLock { $0.accepted } }
    /// Connections the relay reset on purpose (``resetProbability``, ``dropAll()``, over the cap).
    public var connectionsReset: Int { state.withLock { $0.reset } }
    public var openConnections: Int { state.withLock { $0.open.count } }

    /// Resets every open connection, stops accepting and joins every thread (bounded, 5 s).
    public func stop() {
        let first = state.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        _ = threads.wait(timeout: .now() + 5)
        close(listener)
    }

    // MARK: Accepting

    private func acceptLoop() {
        while !state.withLock({ $0.stopping }) {
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 20) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            // Not inherited by the programs a test starts (a copy there would keep the socket
            // open, and its RST from being sent); Foundation's Process closes them too.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            RelaySocket.noDelay(client)
            let admitted = state.withLock { state -> (id: Int, plan: ResetPlan, generation: Int)? in
                state.accepted += 1
                guard state.open.count < Self.maxConnections else {
                    state.reset += 1
                    return nil
                }
                state.nextID += 1
                state.open[state.nextID] = state.generation
                return (state.nextID, state.drawResetPlan(now: .now), state.generation)
            }
            guard let admitted else {
                RelaySocket.abort(client)
                continue
            }
            threads.enter()
            let connection = RelayedConnection(relay: self, id: admitted.id, client: client,
                                               plan: admitted.plan, generation: admitted.generation)
            let thread = Thread { [self] in
                connection.run()
                state.withLock { _ = $0.open.removeValue(forKey: admitted.id) }
                threads.leave()
            }
            thread.name = "FaultRelay connection \(admitted.id)"
            thread.start()
        }
    }

    private static func listen() throws -> (Int32, Int) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard socket >= 0 else { throw FaultRelayError("socket() failed: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = RelaySocket.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && Glibc.listen(socket, 128) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw FaultRelayError("cannot listen on 127.0.0.1: \(reason)")
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// How a connection chosen for a reset meets it.
enum ResetPlan: Sendable {
    case none
    /// As soon as either side sends anything (nothing of it is forwarded).
    case onFirstBytes
    /// At this moment (bytes before it are forwarded normally).
    case at(ContinuousClock.Instant)
}

extension FaultRelay {
    /// Everything the controls, the counters and the threads share.
    struct State {
        var generator: SeededGenerator
        var latency: Duration = .zero
        var resetProbability = 0.0
        var partitionedByHand = false
        var partitionedUntil: ContinuousClock.Instant?
        /// Bumped by `dropAll()`: connections of an older generation reset themselves.
        var generation = 0
        var stopping = false
        var accepted = 0
        var reset = 0
        var nextID = 0
        /// Open connections: id → generation.
        var open: [Int: Int] = [:]

        func isPartitioned(at now: ContinuousClock.Instant) -> Bool {
            partitionedByHand || partitionedUntil.map { now < $0 } == true
        }

        mutating func drawResetPlan(now: ContinuousClock.Instant) -> ResetPlan {
            guard resetProbability > 0, Double.random(in: 0..<1, using: &generator) < resetProbability else { return .none }
            if Bool.random(using: &generator) { return .onFirstBytes }
            let window = Int64(FaultRelay.resetWindow / .milliseconds(1))
            return .at(now + .milliseconds(Int64.random(in: 1...window, using: &generator)))
        }
    }
}

public struct FaultRelayError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
