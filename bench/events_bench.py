"""Events: the host's memory while participants never read their events, and how fast a
proposal reaches one who does.

1. Memory. `letswork start` on a small generated repository; LOCKERS invited guests lock and
   unlock a file of their own, over and over, through tools/call lock_file / unlock_file. Each
   call is one event (lock.taken / lock.released) for the host, who never reads them here, and
   an invited guest who only opened a session never reads either. The host's VmRSS
   (/proc/PID/status) is sampled after 0, 5,000, 20,000 and 50,000 such events (the load paused
   for each sample). Every participant keeps its last 500 events, so this should level off.
   The guests' rate limit (50 calls a second each) is why there are many lockers.
2. Latency. The host listens (2026-07-28 subscriptions/listen on letswork://events, an SSE
   stream) and a guest proposes (write_file), one proposal at a time: from the write_file sent
   to the host's doorbell (notifications/resources/updated), and to the proposal read with
   resources/read after the host's cursor; p50 and p99.

Writes OUT/events.md and OUT/events.json.
Usage: python3 bench/events_bench.py LETSWORK_BINARY [OUT] [LOCKERS, default 32] [PROPOSALS, default 200]
"""
import http.client
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import remove_scratch, commit_all, start_host, stop_host, write_table  # noqa: E402

CHECKPOINTS = (0, 5_000, 20_000, 50_000)
EVENTS = "letswork://events"
MODERN_META = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {},
               "io.modelcontextprotocol/clientInfo": {"name": "events-bench", "version": "1"}}


def make_repository(folder, lockers):
    os.makedirs(os.path.join(folder, "locks"))
    for i in range(lockers):
        with open(os.path.join(folder, "locks", f"f{i}.txt"), "w") as f:
            f.write(f"file {i}\n")
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("events bench\n")
    commit_all(folder)


def invite(binary, repo, name):
    out = subprocess.run([binary, "invite", "--name", name], cwd=repo, capture_output=True, text=True, check=True).stdout
    match = re.search(r"--token (\S+)", out)
    if not match:
        raise SystemExit(f"letswork invite printed no token: {out}")
    return match.group(1)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Session:
    """A 2025-11-25 session on one keep-alive connection; waits out the guest rate limit (429)."""

    def __init__(self, port, token):
        self.port, self.ids = port, iter(range(1, 10**9))
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                        "Authorization": f"Bearer {token}"}
        self.request("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                    "clientInfo": {"name": "events-bench", "version": "1"}})
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def exchange(self, body):
        try:
            self.connection.request("POST", "/mcp", body=body, headers=self.headers)
            return self.connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the idle keep-alive connection: once more on a new one.
            self.connection.close()
            self.connection.request("POST", "/mcp", body=body, headers=self.headers)
            return self.connection.getresponse()

    def post(self, message):
        while True:
            response = self.exchange(json.dumps(message))
            body = response.read().decode()
            if response.status == 429:
                time.sleep(float(response.getheader("Retry-After", "1")))
                continue
            if response.status not in (200, 202):
                raise RuntimeError(f"HTTP {response.status}: {body[:300]}")
            session = response.getheader("Mcp-Session-Id")
            if session:
                self.headers["Mcp-Session-Id"] = session
            if response.getheader("Content-Type", "").startswith("text/event-stream"):
                body = "\n".join(line[5:].strip() for line in body.splitlines() if line.startswith("data:"))
            return json.loads(body) if body.strip() else None

    def request(self, method, params):
        reply = self.post({"jsonrpc": "2.0", "id": next(self.ids), "method": method, "params": params})
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def tool(self, name, arguments):
        result = self.request("tools/call", {"name": name, "arguments": arguments})
        if result.get("isError"):
            raise RuntimeError(f"{name}: {result['content'][0]['text'][:300]}")
        return result

    def events_after(self, cursor):
        uri = EVENTS if cursor is None else f"{EVENTS}?after={cursor}"
        return json.loads(self.request("resources/read", {"uri": uri})["contents"][0]["text"])

    def read_to_end(self, cursor=None):
        """Every kept event after `cursor`, page by page; the events and the cursor at the end."""
        events = []
        while True:
            page = self.events_after(cursor)
            events += page["events"]
            cursor = page["next"] or cursor
            if not page["more"]:
                return events, cursor


class Lockers:
    """Guests locking and unlocking their own file; each successful call is one event for the host."""

    def __init__(self, port, tokens):
        self.sessions = [Session(port, token) for token in tokens]
        self.locked = [False] * len(tokens)
        self.done, self.guard, self.failures = 0, threading.Lock(), []

    def run_until(self, total):
        def work(i):
            session = self.sessions[i]
            while True:
                with self.guard:
                    if self.done >= total or self.failures:
                        return
                    self.done += 1
                try:
                    session.tool("unlock_file" if self.locked[i] else "lock_file", {"path": f"locks/f{i}.txt"})
                except (OSError, RuntimeError, ValueError, http.client.HTTPException) as error:
                    with self.guard:
                        self.failures.append(f"locker {i}: {error}")
                    return
                self.locked[i] = not self.locked[i]

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(self.sessions))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.failures:
            raise SystemExit(f"a locker failed: {self.failures[0]}")


class Doorbell:
    """The host's subscriptions/listen stream, read on a thread: each resources/updated's arrival."""

    def __init__(self, port, token):
        self.rings, self.acknowledged = queue.Queue(), threading.Event()
        body = json.dumps({"jsonrpc": "2.0", "id": "events-bench-listen", "method": "subscriptions/listen",
                           "params": {"notifications": {"resourceSubscriptions": [EVENTS]}, "_meta": MODERN_META}})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("POST", "/mcp", body=body, headers={
            "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
            "Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "subscriptions/listen"})
        self.response = self.connection.getresponse()
        if self.response.status != 200:
            raise RuntimeError(f"subscriptions/listen: HTTP {self.response.status}: {self.response.read()[:300]}")
        threading.Thread(target=self.read, daemon=True).start()
        if not self.acknowledged.wait(10):
            raise RuntimeError("subscriptions/listen was not acknowledged within 10 s")

    def read(self):
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                method = json.loads(line[5:]).get("method")
                if method == "notifications/subscriptions/acknowledged":
                    self.acknowledged.set()
                elif method == "notifications/resources/updated":
                    self.rings.put(time.perf_counter())
        except (OSError, ValueError, http.client.HTTPException):
            pass

    def drain(self):
        while not self.rings.empty():
            self.rings.get_nowait()


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    binary = os.path.abspath(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else "bench-results"
    lockers = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    proposals = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    os.makedirs(out, exist_ok=True)
    repo = tempfile.mkdtemp(prefix="letswork-events-bench-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    host = None
    try:
        make_repository(repo, lockers)
        host, state = start_host(binary, repo)
        port = state["port"]
        tokens = [invite(binary, repo, f"locker{i}") for i in range(lockers)]
        idle_token = invite(binary, repo, "idle")
        Session(port, idle_token)  # the idle guest opens a session and never reads
        load = Lockers(port, tokens)

        memory = []
        for target in CHECKPOINTS:
            started = time.perf_counter()
            load.run_until(target)
            seconds = time.perf_counter() - started
            time.sleep(1)  # let the last replies' buffers go before sampling
            memory.append({"events": target, "rss_mb": round(rss_mb(host.pid), 1), "seconds": round(seconds, 1)})
            print(f"events: {target} lock events, host RSS {memory[-1]['rss_mb']} MB", file=sys.stderr)

        # What the participants hold afterwards (reading changes nothing on the server).
        host_session = Session(port, state["hostToken"])
        host_events, host_cursor = host_session.read_to_end()
        idle_events, _ = Session(port, idle_token).read_to_end()
        kept = {"host_kept": len(host_events), "host_last_seq": host_events[-1]["seq"] if host_events else 0,
                "host_first_kind": host_events[0]["kind"] if host_events else None,
                "idle_guest_kept": len(idle_events), "idle_guest_last_seq": idle_events[-1]["seq"] if idle_events else 0}

        # Latency: one proposal at a time, the host listening.
        doorbell = Doorbell(port, state["hostToken"])
        guest = Session(port, state["guestToken"])
        to_bell, to_read, answers = [], [], []
        for i in range(proposals):
            doorbell.drain()
            sent = time.perf_counter()
            change = guest.tool("write_file", {"path": f"proposals/p{i}.txt", "content": f"proposal {i}\n"})["structuredContent"]["change_id"]
            answered = time.perf_counter()
            rang = doorbell.rings.get(timeout=10)
            while True:
                events, host_cursor = host_session.read_to_end(host_cursor)
                if any(e["kind"] == "change.proposed" and e["meta"].get("change_id") == change for e in events):
                    break
                doorbell.rings.get(timeout=10)
            read = time.perf_counter()
            answers.append((answered - sent) * 1000)
            to_bell.append((rang - sent) * 1000)
            to_read.append((read - sent) * 1000)
            time.sleep(0.02)

        results = {"lockers": lockers, "memory": memory, "kept": kept, "proposals": proposals,
                   "write_file_answer_ms": {"p50": statistics.median(answers), "p99": percentile(answers, 0.99)},
                   "to_doorbell_ms": {"p50": statistics.median(to_bell), "p99": percentile(to_bell, 0.99)},
                   "to_event_read_ms": {"p50": statistics.median(to_read), "p99": percentile(to_read, 0.99)}}
        with open(os.path.join(out, "events.json"), "w") as f:
            json.dump(results, f, indent=2)
        rows = [f"Memory: {lockers} guests lock and unlock their own file; the host and an idle guest never read.", "",
                "| lock events sent to the host | host VmRSS (MB) | load time (s) |", "|---|---|---|"]
        rows += [f"| {m['events']:,} | {m['rss_mb']:.1f} | {m['seconds']:.1f} |" for m in memory]
        rows += ["", f"Afterwards the host holds {kept['host_kept']} events (last seq {kept['host_last_seq']:,}, the first "
                 f"`{kept['host_first_kind']}`); the idle guest {kept['idle_guest_kept']} (last seq {kept['idle_guest_last_seq']:,}).", "",
                 f"Latency: {proposals} proposals one at a time, the host listening (subscriptions/listen), from the guest's write_file sent:", "",
                 "| measure | p50 (ms) | p99 (ms) |", "|---|---|---|"]
        for label, key in (("write_file answered", "write_file_answer_ms"), ("the host's doorbell rings", "to_doorbell_ms"),
                           ("the host has read the proposal (resources/read after its cursor)", "to_event_read_ms")):
            rows.append(f"| {label} | {results[key]['p50']:.2f} | {results[key]['p99']:.2f} |")
        write_table(out, "events.md", rows)
    finally:
        stop_host(host)
        remove_scratch(repo)


if __name__ == "__main__":
    main()
