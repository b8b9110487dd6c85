"""Memory soak: letswork under steady load for a fixed time, its resident memory sampled throughout.

Starts `letswork start --tunnel none` on loopback against a generated repository (the server
benchmark's layout), then for DURATION seconds repeats rounds of: 20 s of wrk on one of several
tool calls (ping, a 10 KB read, a folder listing, a recursive listing, a literal search), followed
by 20 guest proposals, each approved or rejected by the host. VmRSS is read from /proc after every
round. Writes OUT/soak.md and OUT/soak.json: RSS over time and the growth from the first round
(warm) to the last.

Usage: python3 bench/soak.py LETSWORK_BINARY [SECONDS, default 600] [FILES, default 2000] [OUT]
"""
import json
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import make_repository, remove_scratch, start_swift, wrk  # noqa: E402


def main():
    binary = os.path.abspath(sys.argv[1])
    duration = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    files = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
    out = sys.argv[4] if len(sys.argv) > 4 else "bench-results"
    base = tempfile.mkdtemp(prefix="letswork-soak-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    samples, calls, decisions = [], 0, 0
    try:
        make_repository(base, files)
        server, _ = start_swift(binary, base)
        try:
            host, host_session = server.open_session(server.host_token)
            guest, guest_session = server.open_session(server.guest_token)
            token = server.host_token
            bodies = [server.tool_body(token, "ping", {}),
                      server.tool_body(token, "read_file", {"path": "ten_kb.txt"}),
                      server.tool_body(token, "list_files", {"path": "module0/part0"}),
                      server.tool_body(token, "list_files", {"recursive": True}),
                      server.tool_body(token, "search_files", {"pattern": "lazy dog"})]
            started = time.time()
            samples.append({"seconds": 0, "rss_mb": server.rss_mb()})
            round_number = 0
            while time.time() - started < duration:
                # A generous time-out: a whole-tree search takes ~0.1 s alone, longer when the
                # machine is busy, and a slow answer is not what this measures.
                result = wrk(server, token, host_session, bodies[round_number % len(bodies)], connections=4, seconds=20, timeout="30s")
                calls += int(result["requests"])
                for i in range(20):
                    proposal = server.call(guest, server.guest_token, guest_session, "write_file",
                                           {"path": f"soak/r{round_number}-{i}.txt", "content": f"round {round_number}, proposal {i}\n"})
                    change = proposal["structuredContent"]["change_id"]
                    if i % 2:
                        server.call(host, token, host_session, "reject_change", {"change_id": change, "reason": "soak"})
                    else:
                        server.call(host, token, host_session, "approve_change", {"change_id": change})
                    decisions += 1
                round_number += 1
                samples.append({"seconds": round(time.time() - started), "rss_mb": round(server.rss_mb(), 1)})
                print(f"soak: {samples[-1]['seconds']} s, {calls} calls, {decisions} decided, RSS {samples[-1]['rss_mb']} MB", file=sys.stderr)
        finally:
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=30)
    finally:
        remove_scratch(base)
    warm = samples[1]["rss_mb"] if len(samples) > 1 else samples[0]["rss_mb"]
    last = samples[-1]["rss_mb"]
    summary = {"seconds": samples[-1]["seconds"], "calls": calls, "changes_decided": decisions, "rss_idle_mb": round(samples[0]["rss_mb"], 1),
               "rss_after_first_round_mb": warm, "rss_at_end_mb": last, "rss_peak_mb": max(s["rss_mb"] for s in samples),
               "growth_after_first_round_mb": round(last - warm, 1), "samples": samples}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "soak.json"), "w") as f:
        json.dump(summary, f, indent=1)
    table = ("| soak | value |\n|---|---|\n"
             f"| duration (s) | {summary['seconds']} |\n| tool calls (wrk, 4 connections) | {calls} |\n"
             f"| proposals decided (approve / reject) | {decisions} |\n| RSS at idle (MB) | {summary['rss_idle_mb']} |\n"
             f"| RSS after the first round (MB) | {warm} |\n| RSS at the end (MB) | {last} |\n| RSS peak (MB) | {summary['rss_peak_mb']} |\n"
             f"| growth from the first round to the end (MB) | {summary['growth_after_first_round_mb']} |\n")
    with open(os.path.join(out, "soak.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
