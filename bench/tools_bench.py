"""Benchmark of the remote-codebase tools through a real `letswork start` (loopback, MCP over HTTP).

- search_files, literal, over 10,000 files (~100 MB, the server benchmark's repository), warm cache;
- find_files over 100,000 files;
- edit_file on a 1 MB file (the host's edit, written to disk; and a guest's dry run);
- a recursive list_files over 100,000 files (the first page; the whole tree is scanned).
Each figure is the wall time of one tools/call as a client sees it (HTTP + JSON + the tool), p50 / p95.

Usage: python3 bench/tools_bench.py LETSWORK_BINARY [RUNS] [OUT.md]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_bench import make_repository, remove_scratch, start_swift  # noqa: E402


def make_many_small(folder, count):
    """count tiny files in a three-level layout (100 per folder), one commit."""
    for i in range(count):
        path = os.path.join(folder, f"pkg{i // 10000}", f"mod{(i // 100) % 100}", f"file{i}.{'swift' if i % 2 else 'c'}")
        if i % 100 == 0:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(f"// {i}\n")
    commit(folder)


def commit(folder):
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="b@x")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "generated"]):
        subprocess.run(["git", "-C", folder] + args, check=True, env=env, stdout=subprocess.DEVNULL)


def timed(server, connection, token, session, tool, arguments, runs):
    server.call(connection, token, session, tool, arguments)  # warm the cache
    samples = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = server.call(connection, token, session, tool, arguments)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.95))], result


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    out = sys.argv[3] if len(sys.argv) > 3 else None
    base = tempfile.mkdtemp(prefix="letswork-tools-bench-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    rows = []
    try:
        big = os.path.join(base, "ten-thousand")
        os.makedirs(big)
        make_repository(big, 10_000)
        # A few rare hits and a 1 MB file with unique lines for edit_file.
        with open(os.path.join(big, "module0", "part3", "file300.swift"), "a") as f:
            f.write("let marker = \"needle_in_haystack\"\n")
        with open(os.path.join(big, "edit_me.txt"), "w") as f:
            f.write("".join(f"line {n:07d} of the file to edit, padded with some text.......\n" for n in range(16_000)))
        subprocess.run(["git", "-C", big, "add", "-A"], check=True)
        subprocess.run(["git", "-C", big, "-c", "user.name=b", "-c", "user.email=b@x", "commit", "-q", "-m", "more"], check=True)
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(big) if ".git" not in d for f in fs)
        server, _ = start_swift(binary, big)
        try:
            connection, session = server.open_session(server.host_token)
            p50, p95, result = timed(server, connection, server.host_token, session, "search_files", {"pattern": "needle_in_haystack"}, runs)
            searched = result["structuredContent"]["files_searched"]
            rows.append((f"search_files, literal, rare (1 hit), {searched} files, {size / 1e6:.0f} MB", p50, p95))
            p50, p95, result = timed(server, connection, server.host_token, session, "search_files", {"pattern": "NEEDLE_IN_HAYSTACK", "case_sensitive": False}, runs)
            rows.append((f"search_files, literal, ignoring case, same repository", p50, p95))
            p50, p95, result = timed(server, connection, server.host_token, session, "search_files", {"pattern": "needle_in_\\w+", "regex": True}, max(3, runs // 4))
            rows.append((f"search_files, regex, same repository", p50, p95))
            p50, p95, _ = timed(server, connection, server.host_token, session, "find_files", {"pattern": "**/*.swift"}, runs)
            rows.append(("find_files **/*.swift, 10,000 files", p50, p95))
            # edit_file on a 1 MB file: alternate two edits so every call changes the file.
            edits = [[{"old_text": "line 0008000 of", "new_text": "LINE 0008000 of"}], [{"old_text": "LINE 0008000 of", "new_text": "line 0008000 of"}]]
            samples = []
            for n in range(2 * (runs // 2 + 1)):  # an even count: the file ends as it began
                started = time.perf_counter()
                server.call(connection, server.host_token, session, "edit_file", {"path": "edit_me.txt", "edits": edits[n % 2]})
                samples.append((time.perf_counter() - started) * 1000)
            samples = sorted(samples[1:])
            rows.append(("edit_file on a 1 MB file (host, written to disk)", samples[len(samples) // 2], samples[int(len(samples) * 0.95)]))
            guest, guest_session = server.open_session(server.guest_token)
            p50, p95, _ = timed(server, guest, server.guest_token, guest_session, "edit_file",
                                {"path": "edit_me.txt", "edits": edits[0], "dry_run": True}, runs)
            rows.append(("edit_file dry run on a 1 MB file (guest, with the diff)", p50, p95))
        finally:
            server.process.terminate()
            server.process.wait(timeout=30)

        many = os.path.join(base, "hundred-thousand")
        os.makedirs(many)
        make_many_small(many, 100_000)
        server, _ = start_swift(binary, many)
        try:
            connection, session = server.open_session(server.guest_token)
            p50, p95, result = timed(server, connection, server.guest_token, session, "find_files", {"pattern": "**/*.swift"}, runs)
            rows.append((f"find_files **/*.swift, 100,000 files ({result['structuredContent']['total']} match, first page returned)", p50, p95))
            p50, p95, _ = timed(server, connection, server.guest_token, session, "find_files", {"pattern": "pkg3/mod4*/*.c"}, runs)
            rows.append(("find_files pkg3/mod4*/*.c, 100,000 files", p50, p95))
            p50, p95, result = timed(server, connection, server.guest_token, session, "list_files", {"recursive": True}, runs)
            rows.append((f"list_files recursive, 100,000 files ({result['structuredContent']['count']} entries, first page returned)", p50, p95))
        finally:
            server.process.terminate()
            server.process.wait(timeout=30)
    finally:
        remove_scratch(base)

    table = ["| tool call (through HTTP) | p50 (ms) | p95 (ms) |", "|---|---|---|"]
    table += [f"| {name} | {p50:.1f} | {p95:.1f} |" for name, p50, p95 in rows]
    text = "\n".join(table)
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
        with open(os.path.splitext(out)[0] + ".json", "w") as f:
            json.dump([{"call": n, "p50_ms": a, "p95_ms": b} for n, a, b in rows], f, indent=1)


if __name__ == "__main__":
    main()
