"""A/B of two letswork binaries on the protocol's hot path, alternating so both see the same
machine: ping and 10 KB read_file latency on one connection, ping throughput on 16, over a
2025-11-25 session; and the same over MCP 2026-07-28 where the binary speaks it.

  python3 bench/ab_server.py OLD_BINARY NEW_BINARY [rounds, default 3] [files, default 1000]

Prints one table row per measurement: the median of the rounds for each binary, and new/old.
"""

import os
import signal
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import make_repository, remove_scratch, start_swift, wrk  # noqa: E402


def measure(binary, repo, modern):
    server, _ = start_swift(binary, repo)
    try:
        token = server.host_token
        connection, session = server.open_session(token)
        rows = {}
        ping, read = server.tool_body(token, "ping", {}), server.tool_body(token, "read_file", {"path": "ten_kb.txt"})
        rows["ping p50 (ms)"] = wrk(server, token, session, ping, seconds=3)["p50"]
        rows["read_file 10 KB p50 (ms)"] = wrk(server, token, session, read, seconds=3)["p50"]
        rows["ping calls/s, 16 clients"] = wrk(server, token, session, ping, connections=16, seconds=4)["rps"]
        if modern:
            mping = server.tool_body(token, "ping", {}, modern=True)
            mread = server.tool_body(token, "read_file", {"path": "ten_kb.txt"}, modern=True)
            rows["ping p50, 2026-07-28 (ms)"] = wrk(server, token, "", mping, seconds=3, tool="ping")["p50"]
            rows["read_file 10 KB p50, 2026-07-28 (ms)"] = wrk(server, token, "", mread, seconds=3, tool="read_file")["p50"]
            rows["ping calls/s, 16 clients, 2026-07-28"] = wrk(server, token, "", mping, connections=16, seconds=4, tool="ping")["rps"]
        return rows
    finally:
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=20)


def main():
    old, new = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    files = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    base = tempfile.mkdtemp(prefix="letswork-ab-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    try:
        repos = {}
        for name in ("old", "new"):
            repos[name] = os.path.join(base, name)
            os.makedirs(repos[name])
            make_repository(repos[name], files)
        results = {"old": [], "new": []}
        for index in range(rounds):
            for name, binary in (("old", old), ("new", new)):
                print(f"round {index + 1}: {name}", file=sys.stderr)
                results[name].append(measure(binary, repos[name], modern=name == "new"))
    finally:
        remove_scratch(base)
    print(f"| {files} files, median of {rounds} alternating rounds | old | new | new/old |\n|---|---|---|---|")
    for key in results["new"][0]:
        new_value = statistics.median(r[key] for r in results["new"])
        old_key = key.replace(", 2026-07-28", "")
        old_value = statistics.median(r[old_key] for r in results["old"]) if old_key in results["old"][0] else None
        ratio = f"{new_value / old_value:.2f}" if old_value else "–"
        print(f"| {key} | {old_value if old_value is None else round(old_value, 3)} | {round(new_value, 3)} | {ratio} |")


main()
