"""The review page's server-side render time: a 100-change queue and a change of 50 files.

    python3 bench/review_page_bench.py LETSWORK LETSWORK_BENCH OUTPUT_FOLDER [REQUESTS]

Makes the repositories with `letswork-bench review-fixture`, serves each with
`letswork review --no-open`, logs in through the printed one-time link as the page's script
does, then times GET requests over loopback (one connection per request, as a browser's first
load). The time is from sending the request to the last byte of the response, so it is the
server's render time plus a loopback round trip. Writes review-page.md and review-page.json.
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def serve(letswork, repository):
    process = subprocess.Popen([letswork, "review", "--no-open", "--repo", repository],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = process.stdout.readline().strip()
    assert first.startswith("Review: http://127.0.0.1:"), first
    url = first[len("Review: "):]
    port = int(url.split(":")[2].split("/")[0])
    secret = url.split("#", 1)[1]
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/review/login", body="secret=" + secret,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 204, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    return process, port, cookie


def timed(port, cookie, path, requests):
    samples = []
    size = 0
    for _ in range(requests):
        connection = http.client.HTTPConnection("127.0.0.1", port)
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        connection.close()
        assert response.status == 200, (path, response.status)
        size = len(body)
    samples.sort()
    return {"path": path, "p50": statistics.median(samples), "p95": samples[int(len(samples) * 0.95) - 1],
            "max": samples[-1], "bytes": size, "requests": requests}


def main():
    letswork, bench, output = sys.argv[1], sys.argv[2], sys.argv[3]
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    folder = tempfile.mkdtemp(dir=os.environ.get("LETSWORK_BENCH_DIR"))
    wide = subprocess.run([bench, "review-fixture", folder], check=True, capture_output=True, text=True).stdout.strip()
    rows = []
    for repository, pages in (("queue-100", [("queue of 100 changes", "/review")]),
                              ("change-50", [("change of 50 files, unified", "/review/change/%s" % wide),
                                             ("change of 50 files, side by side", "/review/change/%s?view=split" % wide)])):
        process, port, cookie = serve(letswork, folder + "/" + repository)
        try:
            timed(port, cookie, pages[0][1], 3)  # warm-up: first reads of the repository's objects
            for name, path in pages:
                row = timed(port, cookie, path, requests)
                row["page"] = name
                rows.append(row)
        finally:
            process.terminate()
            process.wait()
    os.makedirs(output, exist_ok=True)
    with open(output + "/review-page.json", "w") as file:
        json.dump(rows, file, indent=2)
    table = "| page | p50 (ms) | p95 (ms) | max (ms) | HTML size |\n|---|---|---|---|---|\n"
    for row in rows:
        table += "| %s | %.1f | %.1f | %.1f | %d KB |\n" % (row["page"], row["p50"], row["p95"], row["max"], row["bytes"] // 1024)
    with open(output + "/review-page.md", "w") as file:
        file.write(table)
    print(table)


if __name__ == "__main__":
    main()
