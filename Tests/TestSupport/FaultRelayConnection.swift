import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One accepted connection and its upstream twin, pumped by one thread with poll(2): bytes read
/// from one side wait in that direction's queue until their time (read + latency) and are
/// written to the other side in order. An EOF travels the same queue, as a half-close.
final class RelayedConnection: @unchecked Sendable {
    // @unchecked Sendable: made on the accept thread, then used by its own thread only.
    private unowned let relay: FaultRelay
    private let id: Int
    private let client: Int32
    private var upstream: Int32 = -1
    private let plan: ResetPlan
    private let generation: Int
    private var toUpstream = Direction()
    private var toClient = Direction()
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init(relay: FaultRelay, id: Int, client: Int32, plan: ResetPlan, generation: Int) {
        self.relay = relay
        self.id = id
        self.client = client
        self.plan = plan
        self.generation = generation
    }

    /// What one direction holds: chunks with the moment they may be written (nil data = EOF).
    private struct Direction {
        var queue: [(due: ContinuousClock.Instant, data: [UInt8]?)] = []
        var written = 0
        var held = 0
        var readEOF = false
        var shutDown = false

        func due(by now: ContinuousClock.Instant) -> Bool { queue.first.map { $0.due <= now } ?? false }
    }

    private enum Ending {
        /// Both sides said EOF and everything was delivered: close normally.
        case finished
        /// Reset both ends; `counted` when the relay did it on purpose.
        case reset(counted: Bool)
    }

    func run() {
        let ending = pump()
        switch ending {
        case .finished:
            close(client)
            if upstream >= 0 { close(upstream) }
        case .reset(let counted):
            // Counted first: whoever sees the RST may read the counter at once.
            if counted { relay.state.withLock { $0.reset += 1 } }
            RelaySocket.abort(client)
            if upstream >= 0 { RelaySocket.abort(upstream) }
        }
    }

    private func pump() -> Ending {
        while true {
            let now = ContinuousClock.now
            let (stopping, dropped, partitioned) = relay.state.withLock {
                ($0.stopping, $0.generation != generation, $0.isPartitioned(at: now))
            }
            if stopping { return .reset(counted: false) }
            if dropped { return .reset(counted: true) }
            // An outage: nothing is read or written (the kernels' buffers hold the rest), and a
            // new connection is not yet connected upstream.
            if partitioned {
                usleep(10_000)
                continue
            }
            if upstream < 0 {
                guard let connected = RelaySocket.connectLoopback(port: relay.upstreamPort) else { return .reset(counted: false) }
                upstream = connected
            }
            if case .at(let moment) = plan, now >= moment { return .reset(counted: true) }

            var fds = [
                pollfd(fd: client, events: events(reading: toUpstream, writing: toClient, now: now), revents: 0),
                pollfd(fd: upstream, events: events(reading: toClient, writing: toUpstream, now: now), revents: 0),
            ]
            // A side with nothing to wait for is left out (its hang-ups would wake poll at once).
            for index in fds.indices where fds[index].events == 0 { fds[index].fd = -1 }
            guard poll(&fds, 2, timeout(now: now)) >= 0 || errno == EINTR else { return .reset(counted: false) }

            let after = ContinuousClock.now
            // Read now, not before poll: a latency set while poll waited holds for these bytes.
            let latency = relay.state.withLock { $0.latency }
            for (index, isClient) in [(0, true), (1, false)] where fds[index].revents != 0 {
                let revents = fds[index].revents
                let asked = fds[index].events
                if asked & Int16(POLLIN) != 0, revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 {
                    let ending = isClient ? read(from: client, into: &toUpstream, due: after + latency)
                        : read(from: upstream, into: &toClient, due: after + latency)
                    if let ending { return ending }
                } else if revents & Int16(POLLERR) != 0 {
                    return .reset(counted: false)
                }
            }
            if let ending = write(&toUpstream, to: upstream, now: after) { return ending }
            if let ending = write(&toClient, to: client, now: after) { return ending }
            if toUpstream.shutDown && toClient.shutDown { return .finished }
        }
    }

    private func events(reading: Direction, writing: Direction, now: ContinuousClock.Instant) -> Int16 {
        var events: Int16 = 0
        if !reading.readEOF && reading.held < FaultRelay.maxHeldBytes { events |= Int16(POLLIN) }
        if writing.due(by: now), writing.queue.first?.data != nil { events |= Int16(POLLOUT) }
        return events
    }

    /// Milliseconds until something becomes due, at most 20 (to see the controls again). What is
    /// due already waits for POLLOUT, not for the clock.
    private func timeout(now: ContinuousClock.Instant) -> Int32 {
        var next = now + .milliseconds(20)
        for direction in [toUpstream, toClient] {
            if let due = direction.queue.first?.due, due > now { next = min(next, due) }
        }
        if case .at(let moment) = plan { next = min(next, moment) }
        let milliseconds = (next - now) / .milliseconds(1)
        return Int32(max(0, min(20, milliseconds.rounded(.up))))
    }

    /// Reads what one side sent into the queue towards the other. - Returns: how to end, if so.
    private func read(from fd: Int32, into direction: inout Direction, due: ContinuousClock.Instant) -> Ending? {
        let count = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            if case .onFirstBytes = plan { return .reset(counted: true) }
            direction.queue.append((due, Array(buffer[0..<count])))
            direction.held += count
        } else if count == 0 {
            direction.readEOF = true
            direction.queue.append((due, nil))
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            // The peer reset (or the socket failed): the other side is reset too, as a router would.
            return .reset(counted: false)
        }
        return nil
    }

    /// Writes what is due, in order; an EOF due becomes a half-close. - Returns: how to end, if so.
    private func write(_ direction: inout Direction, to fd: Int32, now: ContinuousClock.Instant) -> Ending? {
        while let head = direction.queue.first, head.due <= now {
            guard let data = head.data else {
                shutdown(fd, Int32(SHUT_WR))
                direction.shutDown = true
                direction.queue.removeFirst()
                return nil
            }
            let sent = data.withUnsafeBytes { bytes in
                Glibc.send(fd, bytes.baseAddress! + direction.written, bytes.count - direction.written, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
                return .reset(counted: false)
            }
            direction.written += sent
            if direction.written == data.count {
                direction.queue.removeFirst()
                direction.written = 0
                direction.held -= data.count
            } else {
                return nil
            }
        }
        return nil
    }
}

/// The few socket calls the relay needs (and the tests' own sockets).
public enum RelaySocket {
    /// 127.0.0.1:`port`.
    public static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Closes with an RST (SO_LINGER on, zero timeout) instead of a FIN.
    static func abort(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
    }

    /// Small writes go out at once: the relay must not add Nagle's delay to its own.
    static func noDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// A non-blocking connection to 127.0.0.1:`port`, within 3 s; nil when refused or too slow.
    static func connectLoopback(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started != 0 {
            var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard errno == EINPROGRESS, poll(&waiting, 1, 3_000) == 1,
                  getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 else {
                close(fd)
                return nil
            }
        }
        noDelay(fd)
        return fd
    }
}
