"""Side-by-side server benchmark: letswork (Swift) and, when installed, letswork 2.0.9 (Python).

Both run on 127.0.0.1 against the same generated repository; the same client measures both:
wrk (Debian) with mcp_call.lua for latency and throughput, Python's http.client for the
sequential flows (initialize, submit + approve). Writes bench-results/server.md and server.json.

Usage: python3 bench/server_bench.py LETSWORK_BINARY PYTHON_WITH_ORIGINAL_OR_EMPTY FILES[,FILES…] [OUT]
"""
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "mcp_call.lua")


def remove_scratch(path):
    """Removes a benchmark's generated repositories, unless scripts/bench keeps them all for
    the end (LETSWORK_BENCH_KEEP): see the comment there on why."""
    if not os.environ.get("LETSWORK_BENCH_KEEP"):
        shutil.rmtree(path, ignore_errors=True)


def commit_all(folder):
    """Makes `folder` a git repository whose one commit holds every file in it, in one pack and
    on disk, as a clone leaves it.

    The commit is streamed to `git fast-import`, which writes a pack and no loose object.
    `git add` then `git gc` would create a loose object per file and delete them all again,
    and on an ext4 without a journal (this machine's) the inode allocator then steps over every
    inode freed in the last 60 to 360 seconds (`recently_deleted` in fs/ext4/ialloc.c) on each
    file created beside them: thousands of freed inodes right where letswork writes its
    objects, which slowed its pairs, not the original's, for minutes (docs/performance.md)."""
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="b@x")
    subprocess.run(["git", "-C", folder, "init", "-q", "-b", "main"], check=True, env=env)
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not (root == folder and d == ".git"))
        paths += sorted(os.path.relpath(os.path.join(root, f), folder) for f in files)
    if any(c in path for path in paths for c in '"\\\n'):
        raise ValueError(f"commit_all: a file name in {folder} needs quoting for git fast-import")
    importer = subprocess.Popen(["git", "-C", folder, "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    stream = importer.stdin
    for mark, path in enumerate(paths, 1):
        with open(os.path.join(folder, path), "rb") as f:
            data = f.read()
        stream.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
    stream.write(b"commit refs/heads/main\ncommitter bench <b@x> 1700000000 +0000\ndata 9\ngenerated\n")
    for mark, path in enumerate(paths, 1):
        stream.write(b"M 100644 :%d %s\n" % (mark, path.encode()))
    stream.close()
    if importer.wait() != 0:
        raise RuntimeError(f"git fast-import failed in {folder}")
    # The index, with every file's stat data, as a checkout leaves it.
    for args in (["read-tree", "main"], ["update-index", "-q", "--refresh"]):
        subprocess.run(["git", "-C", folder] + args, check=True, env=env)
    # The generated files are on disk before anything is measured: otherwise the kernel writes
    # them out (up to a gigabyte at 100,000 files) during the first half minute of measurements,
    # and whichever server renames files then waits behind that writeback.
    os.sync()


def start_host(binary, repo):
    """`letswork start` on loopback without Claude Code or cloudflared; returns the process and its
    state file once that names the process."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PATH"] = "/usr/bin:/bin"  # no claude, no cloudflared
    process = subprocess.Popen([binary, "start", "--tunnel", "none", "--port", "0", "--no-launch"], cwd=repo,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    state_path = os.path.join(repo, ".git", "letswork", "session.json")
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with open(state_path) as f:
                state = json.load(f)
            if state.get("pid") == process.pid:
                return process, state
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    process.kill()
    raise SystemExit("letswork start did not come up")


def stop_host(host):
    """Ends a `letswork start` the way Ctrl+C does, and kills it if it takes more than 10 s."""
    if host is None:
        return
    host.send_signal(signal.SIGTERM)
    try:
        host.wait(timeout=10)
    except subprocess.TimeoutExpired:
        host.kill()


def write_table(out, name, rows):
    """Writes the markdown table `rows` to out/name and prints it."""
    text = "\n".join(rows) + "\n"
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    print(text)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def file_creation_us(folder, count=200):
    """The p50 time (µs) to create an empty file in `folder`. The write path creates about
    twenty files per pair (loose objects, reference locks) where the original writes one or
    two, and on ext4 a creation costs anywhere from under 10 to over 600 µs on one disk,
    depending on where the inode allocator finds room (slowest beside inodes freed minutes
    ago): the tables print it for the `.git` folder of letswork's repository, so that a pair's
    figure can be read with the disk it ran on. The empty files stay (git ignores them there)
    until the benchmark's folder goes: removing them now would free inodes beside the very
    folder the pairs then write in, and slow what comes next."""
    tag = secrets.token_hex(4)
    times = []
    for i in range(count):
        start = time.perf_counter()
        os.close(os.open(os.path.join(folder, f"creation-probe-{tag}-{i}"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def make_repository(folder, count):
    """count text files of 1-20 KB in a two-level layout, a few of 1 MB, one commit."""
    line = "let value = \"the quick brown fox jumps over the lazy dog\" // filler\n"
    for i in range(count):
        path = os.path.join(folder, f"module{i // 10000}", f"part{(i // 100) % 100}", f"file{i}.swift")
        if i % 100 == 0:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        size = 1024 + (i * 7919) % (19 * 1024)
        with open(path, "w") as f:
            f.write((line * (size // len(line) + 1))[:size])
    with open(os.path.join(folder, "ten_kb.txt"), "w") as f:
        f.write((line * 200)[:10 * 1024])
    for n in range(3):
        with open(os.path.join(folder, f"big{n}.txt"), "w") as f:
            f.write((line * 20000)[:1000 * 1000])
    commit_all(folder)


class Server:
    """One running server: how to reach it and how to word each call for it."""

    def __init__(self, name, process, port, host_token, guest_token, header_auth):
        self.name, self.process, self.port = name, process, port
        self.host_token, self.guest_token, self.header_auth = host_token, guest_token, header_auth

    def rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def request(self, token, method, params, session=None, id=1):
        body = {"jsonrpc": "2.0", "method": method}
        if id is not None:
            body["id"] = id
        if params is not None:
            body["params"] = params
        return json.dumps(body)

    def tool_body(self, token, tool, arguments, id=1, modern=False):
        arguments = dict(arguments)
        if not self.header_auth:
            arguments["token"] = token
        params = {"name": tool, "arguments": arguments}
        if modern:  # MCP 2026-07-28: no session; the version and client facts travel in _meta
            params["_meta"] = {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                               "io.modelcontextprotocol/clientCapabilities": {},
                               "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"}}
        return self.request(token, "tools/call", params, id=id)

    def headers(self, token, session=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   "MCP-Protocol-Version": "2025-06-18"}
        if self.header_auth:
            headers["Authorization"] = f"Bearer {token}"
        if session:
            headers["Mcp-Session-Id"] = session
        return headers

    def post(self, connection, token, body, session=None):
        for attempt in range(5):
            try:
                connection.request("POST", "/mcp", body=body, headers=self.headers(token, session))
                response = connection.getresponse()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # uvicorn closes keep-alive connections idle for 5 s; reconnect once.
                connection.close()
                connection.request("POST", "/mcp", body=body, headers=self.headers(token, session))
                response = connection.getresponse()
            data = response.read().decode()
            # A guest token's rate limit (letswork: 50 a second, bursts of 200) can be reached
            # by the setup of a load round; do as the error says and wait.
            if response.status != 429 or attempt == 4:
                break
            time.sleep(float(response.getheader("Retry-After") or 1))
        if response.status not in (200, 202):
            raise RuntimeError(f"{self.name}: HTTP {response.status}: {data[:200]}")
        if response.getheader("Content-Type", "").startswith("text/event-stream"):
            data = "\n".join(l[5:].strip() for l in data.splitlines() if l.startswith("data:"))
        return response.getheader("Mcp-Session-Id"), (json.loads(data) if data.strip() else None)

    def open_session(self, token):
        connection = http.client.HTTPConnection("127.0.0.1", self.port)
        init = self.request(token, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                                  "clientInfo": {"name": "bench", "version": "1"}})
        session, _ = self.post(connection, token, init)
        self.post(connection, token, self.request(token, "notifications/initialized", None, id=None), session)
        return connection, session

    def call(self, connection, token, session, tool, arguments):
        _, reply = self.post(connection, token, self.tool_body(token, tool, arguments), session)
        result = reply["result"]
        if result.get("isError"):
            raise RuntimeError(f"{self.name}: {tool} failed: {result['content'][0]['text'][:200]}")
        return result


def wait_listening(port, timeout=60, process=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as probe:
                # A probe whose own port is `port` connects to itself while nothing listens yet.
                if probe.getsockname() != probe.getpeername():
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def start_swift(binary, repo):
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([binary, "start", "--tunnel", "none", "--port", str(port), "--no-launch"], cwd=repo,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, PATH="/usr/bin:/bin"))
    state = os.path.join(repo, ".git", "letswork", "session.json")
    for _ in range(600):
        if os.path.exists(state):
            break
        time.sleep(0.01)
    ready_ms = (time.perf_counter() - started) * 1000
    with open(state) as f:
        s = json.load(f)
    return Server("letswork (Swift)", process, port, s["hostToken"], s["guestToken"], True), ready_ms


def start_python(python, repo):
    port = free_port()
    host, guest = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    started = time.perf_counter()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([python, os.path.join(HERE, "original_server.py"), repo, str(port), host, guest],
                               stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_listening(port, process=process)
    except RuntimeError as error:
        process.kill()
        process.wait()
        log.seek(0)
        raise RuntimeError(f"letswork 2.0.9 did not start: {error}\n{log.read().decode(errors='replace')[-3000:]}") from None
    return Server("letswork 2.0.9 (Python)", process, port, host, guest, False), (time.perf_counter() - started) * 1000


RUNS = iter(range(1, 1_000_000))


def wrk(server, token, session, body, connections=1, seconds=3, timeout="2s", tool=""):
    """session "" sends the body as a 2026-07-28 request for `tool`, with its mirrored headers."""
    env = dict(os.environ, MCP_SESSION=session, MCP_BODY=body, MCP_AUTH=f"Bearer {token}" if server.header_auth else "",
               MCP_ID_BASE=str(next(RUNS) * 100_000_000_000), MCP_METHOD="tools/call", MCP_NAME=tool)
    threads = min(connections, 2)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", timeout, "--latency", "-s", LUA,
                          f"http://127.0.0.1:{server.port}/mcp"], capture_output=True, text=True, env=env, check=True)
    line = next(l for l in out.stdout.splitlines() if l.startswith("RESULT"))
    values = dict(item.split("=") for item in line.split()[1:])
    if int(values["errors"]) or out.stderr.strip():
        raise RuntimeError(f"{server.name}: wrk saw errors: {out.stderr[:300]}")
    return {k: float(v) for k, v in values.items()}


def measure(server, repo):
    rows = {"RSS at idle (MB)": server.rss_mb()}
    # initialize, sequentially; each session is closed with DELETE, as a client should
    times = []
    for _ in range(30):
        t = time.perf_counter()
        c, s = server.open_session(server.host_token)
        times.append((time.perf_counter() - t) * 1000)
        c.request("DELETE", "/mcp", headers=server.headers(server.host_token, s))
        c.getresponse().read()
        c.close()
    rows["initialize + initialized, p50 (ms)"] = statistics.median(times)
    connection, session = server.open_session(server.host_token)
    token = server.host_token
    ping = server.tool_body(token, "ping", {})
    def latency(label, tool, arguments, seconds=3):
        r = wrk(server, token, session, server.tool_body(token, tool, arguments), seconds=seconds)
        for q in ("p50", "p95", "p99"):
            rows[f"{label} {q} (ms)"] = r[q]

    latency("ping", "ping", {})
    latency("read_file 10 KB", "read_file", {"path": "ten_kb.txt"})
    if server.header_auth:  # the original speaks 2025 revisions only
        for label, tool, arguments in (("ping", "ping", {}), ("read_file 10 KB", "read_file", {"path": "ten_kb.txt"})):
            r = wrk(server, token, "", server.tool_body(token, tool, arguments, modern=True), tool=tool)
            for q in ("p50", "p95", "p99"):
                rows[f"{label}, MCP 2026-07-28 {q} (ms)"] = r[q]
        rows["ping calls/s, 16 clients, MCP 2026-07-28"] = wrk(server, token, "", server.tool_body(token, "ping", {}, modern=True),
                                                             connections=16, seconds=4, tool="ping")["rps"]
    # letswork answers a 1 MB file in pages of about 90 KB (agents refuse results over
    # 25,000 tokens); the original sends the whole megabyte in one result.
    latency("read_file of a 1 MB file (letswork: first page)", "read_file", {"path": "big0.txt"})
    latency("list_files (100 entries)", "list_files", {"path": "module0/part0"})
    latency("list_files recursive, whole repository (letswork: first page)", "list_files", {"recursive": True}, seconds=6)
    if server.header_auth:  # the original has no search tool
        latency("search_files, literal, whole repository", "search_files", {"pattern": "lazy dog // filler"}, seconds=6)
    for n in (1, 4, 16):
        rows[f"ping calls/s, {n} client{'s' if n > 1 else ''}"] = wrk(server, token, session, ping, connections=n, seconds=4)["rps"]
    # a ping while recursive listings run: head-of-line blocking shows here
    listing = threading.Thread(target=lambda: wrk(server, token, session, server.tool_body(token, "list_files", {"recursive": True}), seconds=4))
    listing.start()
    time.sleep(0.3)
    r = wrk(server, token, session, ping, seconds=3)
    listing.join()
    rows["ping p50 during recursive listings (ms)"], rows["ping p99 during recursive listings (ms)"] = r["p50"], r["p99"]
    # guest proposal + host approval, sequentially
    guest_connection, guest_session = server.open_session(server.guest_token)
    pairs = []
    for i in range(30):
        t = time.perf_counter()
        result = server.call(guest_connection, server.guest_token, guest_session, "write_file",
                             {"path": f"module0/part1/file{100 + i}.swift", "content": f"// proposal {i}\n"})
        change = (result.get("structuredContent") or {}).get("change_id")
        if change is None:  # the original says "... (ID: abc123)" in its text
            text = result["content"][0]["text"]
            change = text.split("ID: ")[1].split(")")[0].strip() if "ID: " in text else text.split()[-1]
        server.call(connection, server.host_token, session, "approve_change", {"change_id": change})
        pairs.append((time.perf_counter() - t) * 1000)
    rows["guest write_file + host approve_change, p50 (ms)"] = statistics.median(pairs)
    rows["RSS after load (MB)"] = server.rss_mb()
    return rows


def main():
    binary, python = os.path.abspath(sys.argv[1]), sys.argv[2]
    out = sys.argv[4] if len(sys.argv) > 4 else "bench-results"
    for count in (int(size) for size in sys.argv[3].split(",")):
        run(binary, python, count, out)


def run(binary, python, count, out):
    base = tempfile.mkdtemp(prefix="letswork-server-bench-", dir=os.environ.get("LETSWORK_BENCH_DIR"))
    results, servers = {}, []
    try:
        for name, starter, arg in (("swift", start_swift, binary), ("python", start_python, python)):
            if not arg:
                continue
            repo = os.path.join(base, name)
            os.makedirs(repo)
            print(f"server bench: {count} files for {name}…", file=sys.stderr)
            make_repository(repo, count)
            server, ready = starter(arg, repo)
            servers.append(server)
            try:
                rows = {"ready to serve (ms)": ready}
                rows.update(measure(server, repo))
                results[server.name] = rows
            finally:
                server.process.send_signal(signal.SIGTERM)
                server.process.wait(timeout=20)
    finally:
        remove_scratch(base)
    names = list(results)
    keys = list(results[names[0]])
    table = f"| {count} files | " + " | ".join(names) + (" | ratio |" if len(names) == 2 else " |") + "\n"
    table += "|---|" + "---|" * (len(names) + (1 if len(names) == 2 else 0)) + "\n"
    def cell(value):
        if value is None:
            return "–"
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"

    for key in keys:
        row = f"| {key} | " + " | ".join(cell(results[n].get(key)) for n in names)
        if len(names) == 2:
            a, b = results[names[0]].get(key), results[names[1]].get(key)
            if a is None or b is None or not a or not b:
                row += " | –"
            else:
                # "times better" for letswork: more calls/s, or less time / memory
                row += f" | {(a / b) if 'calls/s' in key else (b / a):.1f}×"
        table += row + " |\n"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, f"server-{count}.md"), "w") as f:
        f.write(table)
    with open(os.path.join(out, f"server-{count}.json"), "w") as f:
        json.dump({"files": count, "results": results}, f, indent=2, sort_keys=True)
    print(table)


if __name__ == "__main__":
    main()
