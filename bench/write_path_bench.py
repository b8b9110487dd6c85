"""The write path over HTTP, side by side with letswork 2.0.9, and a ping under concurrent approvals.

1. The pair: a guest's write_file, then the host's approve_change, both over HTTP, on letswork
   and on the original at once (same generated repository, same disk). The two servers take
   turns in blocks of 20 pairs, so that the machine's noise falls on both alike.
2. A ping while 16 approvals run at once (letswork only): 16 pending changes, 16 host sessions
   approving one each at the same moment, and a 17th session pinging throughout.

Writes OUT/write-path-N.md and .json. Usage:
  python3 bench/write_path_bench.py LETSWORK_BINARY PYTHON_WITH_ORIGINAL_OR_EMPTY FILES[,FILES…] [OUT]
"""
import http.client
import json
import os
import signal
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_bench as sb  # noqa: E402

BLOCK, BLOCKS = 20, 6


def change_id(result):
    change = (result.get("structuredContent") or {}).get("change_id")
    if change is None:  # the original says "... (ID: abc123)" in its text
        text = result["content"][0]["text"]
        change = text.split("ID: ")[1].split(")")[0].strip() if "ID: " in text else text.split()[-1]
    return change


class Pairs:
    """One server's guest and host sessions, and the pairs measured on it so far."""

    def __init__(self, server):
        self.server = server
        self.host = server.open_session(server.host_token)
        self.guest = server.open_session(server.guest_token)
        self.times, self.next = [], 0

    def run(self, count):
        s = self.server
        for _ in range(count):
            i, self.next = self.next, self.next + 1
            path = f"module0/part{1 + i // 100 % 99}/file{100 + i}.swift"
            t = time.perf_counter()
            result = s.call(self.guest[0], s.guest_token, self.guest[1], "write_file", {"path": path, "content": f"// proposal {i}\n"})
            s.call(self.host[0], s.host_token, self.host[1], "approve_change", {"change_id": change_id(result)})
            self.times.append((time.perf_counter() - t) * 1000)


def alternate(servers, blocks):
    """Pairs on each server after a warm-up of 5, the servers taking turns in `blocks` blocks of
    BLOCK pairs, so that the machine's noise falls on all alike."""
    pairs = [Pairs(server) for server in servers]
    for p in pairs:
        p.run(5)  # warm-up, not counted
        p.times.clear()
    for _ in range(blocks):
        for p in pairs:
            p.run(BLOCK)
    return pairs


def ping_under_approvals(server, approvers=16, seconds=4):
    """wrk's ping latencies (ms: p50, p99) on one connection while rounds of `approvers`
    approvals run at once, and every approval's time (ms). wrk is a process of its own, so
    the client's threads do not stand in the ping's way."""
    # The rounds use one guest and one host session for all their calls: letswork keeps 8
    # sessions per principal and ends the least recently active when a 9th opens, so a new host
    # session per round ended the ping's session (idle until wrk starts) when 7 rounds ran in
    # the half second before wrk, and wrk's pings were answered 404.
    ping_connection, ping_session = server.open_session(server.host_token)
    guest = server.open_session(server.guest_token)
    session = server.open_session(server.host_token)
    done = threading.Event()
    approvals, failures = [], []

    def rounds():
        r = 0
        while not done.is_set():
            # 16 connections to the one host session.
            hosts = [(http.client.HTTPConnection("127.0.0.1", server.port), session[1]) for _ in range(approvers)] + [session]
            ids = [change_id(server.call(guest[0], server.guest_token, guest[1], "write_file",
                                         {"path": f"module0/part{50 + n % 40}/file{5000 + r * 100 + n}.swift", "content": f"// {r} {n}\n"}))
                   for n in range(approvers)]
            start = threading.Barrier(approvers)

            def approve(n):
                start.wait()
                t = time.perf_counter()
                try:
                    # Concurrent requests on one session each need an id of their own.
                    body = server.tool_body(server.host_token, "approve_change", {"change_id": ids[n]}, id=1_000 + r * 100 + n)
                    _, reply = server.post(hosts[n][0], server.host_token, body, hosts[n][1])
                    if reply["result"].get("isError"):
                        raise RuntimeError(reply["result"]["content"][0]["text"][:200])
                    approvals.append((time.perf_counter() - t) * 1000)
                except Exception as error:  # noqa: BLE001 - counted and reported
                    failures.append(str(error)[:200])

            threads = [threading.Thread(target=approve, args=(n,)) for n in range(approvers)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for connection, _ in hosts[:-1]:
                connection.close()
            r += 1

    worker = threading.Thread(target=rounds)
    worker.start()
    time.sleep(0.5)
    result = sb.wrk(server, server.host_token, ping_session, server.tool_body(server.host_token, "ping", {}), seconds=seconds)
    done.set()
    worker.join()
    for connection in (ping_connection, guest[0], session[0]):
        connection.close()
    if failures:
        raise RuntimeError(f"{len(failures)} approvals failed: {failures[0]}")
    return result, approvals


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))]


def run(binary, python, count, out):
    base = tempfile.mkdtemp(prefix="letswork-write-path-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    servers = []
    try:
        for name, starter, arg in (("swift", sb.start_swift, binary), ("python", sb.start_python, python)):
            if not arg:
                continue
            repo = os.path.join(base, name)
            os.makedirs(repo)
            print(f"write path: {count} files for {name}…", file=sys.stderr)
            sb.make_repository(repo, count)
            servers.append(starter(arg, repo)[0])
        probe = os.path.join(base, "swift", ".git")
        creation = [sb.file_creation_us(probe)]
        pairs = alternate(servers, BLOCKS)
        creation.append(sb.file_creation_us(probe))
        ping, approvals = ping_under_approvals(servers[0])
    finally:
        for server in servers:
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=20)
        sb.remove_scratch(base)
    medians = {p.server.name: statistics.median(p.times) for p in pairs}
    p95s = {p.server.name: percentile(p.times, 95) for p in pairs}
    names = list(medians)
    table = f"| {count} files, {BLOCK * BLOCKS} pairs each, alternating blocks of {BLOCK} | " + " | ".join(names) + " |"
    table += (" letswork's speed vs the original |\n" if len(names) == 2 else "\n")
    table += "|---|" + "---|" * (len(names) + (1 if len(names) == 2 else 0)) + "\n"
    table += "| guest write_file + host approve_change, p50 / p95 (ms) | " + " | ".join(f"{medians[n]:.2f} / {p95s[n]:.2f}" for n in names)
    table += (f" | {medians[names[1]] / medians[names[0]]:.2f}× |\n" if len(names) == 2 else " |\n")
    table += f"| a file's creation in letswork's .git folder before / after the pairs (p50, µs) | {creation[0]:.0f} / {creation[1]:.0f} |" + (" |" * (len(names) - 1 + (1 if len(names) == 2 else 0))) + "\n"
    table += (f"\n| letswork: ping (wrk, 1 connection) while rounds of 16 approvals run at once | p50 {ping['p50']:.3f} ms | "
              f"p99 {ping['p99']:.3f} ms | {len(approvals)} approvals, p50 {percentile(approvals, 50):.1f} ms, max {max(approvals):.1f} ms |\n")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"write-path-{count}.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out, f"write-path-{count}.json"), "w") as f:
        json.dump({"files": count, "file_creation_us": creation, "pairs": {p.server.name: p.times for p in pairs}, "ping": ping, "approvals": approvals}, f)
    print(table)


def main():
    binary, python = os.path.abspath(sys.argv[1]), sys.argv[2]
    out = sys.argv[4] if len(sys.argv) > 4 else "bench-results"
    for count in (int(size) for size in sys.argv[3].split(",")):
        run(binary, python, count, out)


if __name__ == "__main__":
    main()
