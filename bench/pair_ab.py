"""The pair over HTTP (a guest's write_file, then the host's approve_change) on several letswork
builds at once, and letswork 2.0.9 if given, on one disk, taking turns in blocks of 20 pairs:
an A/B of two builds in the same minutes, whatever the machine is doing meanwhile.

Usage:
  python3 bench/pair_ab.py OUT LETSWORK_BINARY [LETSWORK_BINARY ...] [--original PYTHON]
Writes OUT/pair-ab.md and prints it.
"""
import os
import signal
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import server_bench as sb  # noqa: E402
import write_path_bench as wp  # noqa: E402

BLOCKS, FILES = 8, 1000


def main():
    args = sys.argv[1:]
    original = None
    if "--original" in args:
        at = args.index("--original")
        original = args[at + 1]
        del args[at:at + 2]
    out, binaries = args[0], [os.path.abspath(b) for b in args[1:]]
    base = tempfile.mkdtemp(prefix="letswork-pair-ab-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    servers = []
    try:
        for n, binary in enumerate(binaries):
            repo = os.path.join(base, f"build{n}")
            os.makedirs(repo)
            sb.make_repository(repo, FILES)
            server = sb.start_swift(binary, repo)[0]
            server.name = f"build {n + 1}: {binary}"
            servers.append(server)
        if original:
            repo = os.path.join(base, "original")
            os.makedirs(repo)
            sb.make_repository(repo, FILES)
            servers.append(sb.start_python(original, repo)[0])
        probe = os.path.join(base, "build0", ".git")
        creation = [sb.file_creation_us(probe)]
        pairs = wp.alternate(servers, BLOCKS)
        creation.append(sb.file_creation_us(probe))
    finally:
        for server in servers:
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=20)
        sb.remove_scratch(base)
    table = f"| {FILES} files, {wp.BLOCK * BLOCKS} pairs each, alternating blocks of {wp.BLOCK} | p50 (ms) | p95 (ms) |\n|---|---|---|\n"
    for p in pairs:
        table += f"| {p.server.name} | {statistics.median(p.times):.2f} | {wp.percentile(p.times, 95):.2f} |\n"
    table += f"| (a file's creation in build 1's .git folder before / after, p50: {creation[0]:.0f} / {creation[1]:.0f} µs) | | |\n"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pair-ab.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
