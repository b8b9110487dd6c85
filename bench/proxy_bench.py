"""Guest-side benchmark: `letswork proxy` (stdio) in front of `letswork start`, over loopback.

Measures, against a generated repository (one small file, one 1 MB file):
  - proxy start to first relayed reply: spawn `letswork proxy`, write `initialize` at once,
    time until its answer is on the proxy's stdout (includes process start and the round trip);
  - added latency per call: the same sequential calls (ping, read_file of 10 KB) through the
    proxy over stdio and straight to the server over one keep-alive HTTP connection (Python's
    http.client), p50/p95 of each and the difference;
  - large messages: read_file of a 1 MB file (the tool pages it, about 90 KB a result) and a
    1 MB write_file, p50 through the proxy and direct, and the proxy's peak RSS (VmHWM).
Writes OUT/proxy.md and OUT/proxy.json.

Usage: python3 bench/proxy_bench.py LETSWORK_BINARY [OUT] [CALLS]
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import remove_scratch, commit_all, start_host, stop_host, write_table  # noqa: E402

INIT = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def make_repository(folder):
    line = "let value = \"the quick brown fox jumps over the lazy dog\" // filler\n"
    with open(os.path.join(folder, "ten_kb.txt"), "w") as f:
        f.write((line * 200)[:10 * 1024])
    with open(os.path.join(folder, "big.txt"), "w") as f:
        f.write((line * 20000)[:1000 * 1000])
    commit_all(folder)


class Proxy:
    def __init__(self, command, url, token):
        env = dict(os.environ, LETSWORK_TOKEN=token)
        self.process = subprocess.Popen(command + ["--url", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)

    def send(self, message):
        # Buffered pipes (an unbuffered readline reads one byte per system call), flushed per message.
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def read(self):
        return self.process.stdout.readline()

    def call(self, message):
        self.send(message)
        return self.read()

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


class Direct:
    """The same calls straight to the server: one keep-alive connection, the session's headers."""

    def __init__(self, port, token):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                        "Authorization": f"Bearer {token}"}
        self.post(INIT)
        self.post(INITIALIZED)

    def post(self, message):
        self.connection.request("POST", "/mcp", body=json.dumps(message), headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        session = response.getheader("Mcp-Session-Id")
        if session:
            self.headers["Mcp-Session-Id"] = session
        return body


def timed(function, count):
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main():
    binary = os.path.abspath(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else "bench-results"
    calls = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    os.makedirs(out, exist_ok=True)
    repo = tempfile.mkdtemp(prefix="letswork-proxy-bench-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    host = None
    try:
        make_repository(repo)
        host, state = start_host(binary, repo)
        # The host token: the server's guest rate limit (50 calls/s) would otherwise measure
        # itself; the proxy relays any token the same way.
        url, token, port = state["localURL"], state["hostToken"], state["port"]
        results = {}

        # Start to first relayed reply, for `letswork proxy` (what join registers) and the small
        # `letswork-proxy` executable when it was built next to letswork.
        commands = {"letswork proxy": [binary, "proxy"]}
        small = os.path.join(os.path.dirname(binary), "letswork-proxy")
        if os.access(small, os.X_OK):
            commands["letswork-proxy"] = [small]
        for label, command in commands.items():
            starts = []
            for _ in range(30):
                started = time.perf_counter()
                proxy = Proxy(command, url, token)
                proxy.send(INIT)
                assert b'"result"' in proxy.read()
                starts.append((time.perf_counter() - started) * 1000)
                proxy.close()
            results[f"start_to_first_reply_ms ({label})"] = {"p50": statistics.median(starts), "p95": p(starts, 0.95)}

        proxy = Proxy([binary, "proxy"], url, token)
        proxy.call(INIT)
        proxy.send(INITIALIZED)
        direct = Direct(port, token)
        counter = iter(range(1, 10**9))

        def message(method, params=None):
            body = {"jsonrpc": "2.0", "id": next(counter), "method": method}
            if params is not None:
                body["params"] = params
            return body

        read_small = lambda: message("tools/call", {"name": "read_file", "arguments": {"path": "ten_kb.txt"}})
        for name, make in (("ping", lambda: message("ping")), ("read_file 10 KB", read_small)):
            timed(lambda: proxy.call(make()), 200)  # warm up both paths
            timed(lambda: direct.post(make()), 200)
            # Interleaved rounds, so background load hits both paths alike.
            via_proxy, via_http = [], []
            for _ in range(10):
                via_proxy += timed(lambda: proxy.call(make()), calls // 10)
                via_http += timed(lambda: direct.post(make()), calls // 10)
            results[name] = {
                "proxy_p50": statistics.median(via_proxy), "proxy_p95": p(via_proxy, 0.95),
                "direct_p50": statistics.median(via_http), "direct_p95": p(via_http, 0.95),
                "added_p50": statistics.median(via_proxy) - statistics.median(via_http),
                "added_p95": p(via_proxy, 0.95) - p(via_http, 0.95),
            }

        # read_file pages a large file (about 90 KB per result), so the 1 MB message that crosses
        # the proxy is the guest's write_file of a 1 MB file (a new revision each time).
        big = lambda: message("tools/call", {"name": "read_file", "arguments": {"path": "big.txt"}})
        first = proxy.call(big())
        assert b"\"isError\":false" in first, first[:300]
        page = len(first)
        via_proxy = timed(lambda: proxy.call(big()), 30)
        via_http = timed(lambda: direct.post(big()), 30)
        results["read_file 1 MB file (first page)"] = {"bytes": page, "proxy_p50": statistics.median(via_proxy),
                                                       "direct_p50": statistics.median(via_http)}
        content = "x" * 99 + "\n"
        content = content * (1000 * 1000 // len(content))
        write = lambda: message("tools/call", {"name": "write_file", "arguments": {"path": "big.txt", "content": content}})
        answer = proxy.call(write())
        assert b'"isError":true' not in answer, answer[:300]
        via_proxy = timed(lambda: proxy.call(write()), 10)
        via_http = timed(lambda: direct.post(write()), 10)
        results["write_file 1 MB"] = {"proxy_p50": statistics.median(via_proxy), "direct_p50": statistics.median(via_http),
                                      "proxy_peak_rss_mb": proxy.peak_rss_mb()}
        proxy.close()
        if "letswork-proxy" in commands:
            other = Proxy(commands["letswork-proxy"], url, token)
            other.call(INIT)
            other.send(INITIALIZED)
            for _ in range(10):
                other.call(write())
            results["write_file 1 MB"]["letswork_proxy_peak_rss_mb"] = other.peak_rss_mb()
            other.close()

        with open(os.path.join(out, "proxy.json"), "w") as f:
            json.dump(results, f, indent=2)
        rows = ["| measure | p50 (ms) | p95 (ms) |", "|---|---|---|"]
        for label in commands:
            r = results[f"start_to_first_reply_ms ({label})"]
            rows.append(f"| `{label}` start to first relayed reply (initialize) | {r['p50']:.1f} | {r['p95']:.1f} |")
        for name in ("ping", "read_file 10 KB"):
            r = results[name]
            rows.append(f"| {name} through the proxy | {r['proxy_p50']:.3f} | {r['proxy_p95']:.3f} |")
            rows.append(f"| {name} direct over HTTP | {r['direct_p50']:.3f} | {r['direct_p95']:.3f} |")
            rows.append(f"| {name}: added by the proxy | {r['added_p50']:.3f} | {r['added_p95']:.3f} |")
        r = results["read_file 1 MB file (first page)"]
        rows.append(f"| read_file of a 1 MB file ({r['bytes'] // 1000} KB page), proxy / direct | {r['proxy_p50']:.2f} / {r['direct_p50']:.2f} | |")
        r = results["write_file 1 MB"]
        rows.append(f"| write_file 1 MB, proxy / direct | {r['proxy_p50']:.1f} / {r['direct_p50']:.1f} | |")
        rows.append(f"| `letswork proxy` peak RSS after all of the above (MB) | {r['proxy_peak_rss_mb']:.1f} | |")
        if "letswork_proxy_peak_rss_mb" in r:
            rows.append(f"| `letswork-proxy` peak RSS after ten 1 MB writes (MB) | {r['letswork_proxy_peak_rss_mb']:.1f} | |")
        write_table(out, "proxy.md", rows)
    finally:
        stop_host(host)
        remove_scratch(repo)


if __name__ == "__main__":
    main()
