"""Does the upload service hold up under a team's worth of uploads?

Starts the real `voiceshare serve` on a loopback port (its own temporary store and data folder,
a token, the default in-process worker), warms it up with one upload of each sample (the
language models load once per process, each format's code on first use), then 10 concurrent
clients (threads, one httpx client each) upload 50 sample transcripts between them while another
client loads the meetings page every 0.25 s. Reports:

- failed requests (target: 0): any upload not answered 202, any page not 200;
- jobs completed (target: all 50 done);
- the meetings page's median (and 95th percentile) time while jobs run (target: under 200 ms);
- the server's resident memory after start, after the warm-up, and at the end (target: flat:
  the 50 meetings add little beyond the warm-up).

Loopback only, and bounded: it gives up after `--timeout` seconds (default 900).

Usage: .venv/bin/python bench/bench_web.py [--uploads 50] [--clients 10] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (REPO / "sample_transcripts").iterdir() if p.name != "README.md")
TOKEN = "bench-token-" + "x" * 24
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "VOICESHARE_TOKEN": TOKEN,
        "VOICESHARE_STORE": f"sqlite:///{folder / 'store.db'}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceshare.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--data-dir", str(folder / "data")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "wb"),  # noqa: SIM115 - the child keeps it
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def post(client: httpx.Client, url: str, path: Path) -> str | None:
    with path.open("rb") as handle:
        response = client.post(
            f"{url}/api/meetings", headers=BEARER, files={"file": (path.name, handle)}
        )
    return response.json()["id"] if response.status_code == 202 else None


def statuses(url: str) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = httpx.get(f"{url}/api/meetings", headers=BEARER).json()
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        folder = Path(tmp)
        process, url = start(folder)
        deadline = time.monotonic() + args.timeout
        try:
            figures = run(process, url, args.uploads, args.clients, deadline)
        finally:
            process.terminate()
            process.wait(30)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"uploads                {figures['uploads']} from {figures['clients']} clients")
    print(f"failed requests        {figures['failed_requests']} (target 0)")
    print(f"jobs done              {figures['jobs_done']} of {figures['uploads']}")
    print(f"upload answer          median {figures['upload_median_ms']:.0f} ms")
    print(
        f"GET /meetings          median {figures['page_median_ms']:.0f} ms, "
        f"p95 {figures['page_p95_ms']:.0f} ms over {figures['page_samples']} loads while jobs "
        "ran (target median < 200 ms)"
    )
    print(f"jobs finished in       {figures['jobs_s']:.0f} s ({figures['jobs_per_min']:.1f}/min)")
    print(
        f"server RSS             {figures['rss_start_mb']:.0f} MB at start, "
        f"{figures['rss_warm_mb']:.0f} MB after the warm-up, {figures['rss_end_mb']:.0f} MB "
        "at the end"
    )


def run(
    process: subprocess.Popen[bytes], url: str, uploads: int, clients: int, deadline: float
) -> dict[str, Any]:
    rss_start = rss_mb(process.pid)
    # One of each sample first: the models and each format's code paths load on first use.
    with httpx.Client(timeout=60) as client:
        warm_ids = {post(client, url, path) for path in SAMPLES}
    while time.monotonic() < deadline:
        finished = {s["id"] for s in statuses(url) if s["status"] in {"done", "failed"}}
        if warm_ids <= finished:
            break
        time.sleep(0.5)
    rss_warm = rss_mb(process.pid)

    files = list(itertools.islice(itertools.cycle(SAMPLES), uploads))
    ids: list[str] = []
    upload_ms: list[float] = []
    failures = 0
    lock = threading.Lock()

    def uploader(share: list[Path]) -> None:
        nonlocal failures
        with httpx.Client(timeout=60) as client:
            for path in share:
                started = time.perf_counter()
                try:
                    upload_id = post(client, url, path)
                except httpx.HTTPError:
                    upload_id = None
                with lock:
                    upload_ms.append((time.perf_counter() - started) * 1000)
                    if upload_id is None:
                        failures += 1
                    else:
                        ids.append(upload_id)

    page_ms: list[float] = []
    jobs_running = threading.Event()
    jobs_running.set()

    def pages() -> None:
        nonlocal failures
        with httpx.Client(timeout=30) as client:
            while jobs_running.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(f"{url}/meetings", headers=BEARER).status_code == 200
                except httpx.HTTPError:
                    ok = False
                with lock:
                    page_ms.append((time.perf_counter() - started) * 1000)
                    failures += not ok
                time.sleep(0.25)

    started = time.monotonic()
    watcher = threading.Thread(target=pages)
    watcher.start()
    threads = [threading.Thread(target=uploader, args=(files[n::clients],)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = 0
    while time.monotonic() < deadline:
        wanted = set(ids)
        finished = [s for s in statuses(url) if s["id"] in wanted]
        done = sum(s["status"] == "done" for s in finished)
        if sum(s["status"] in {"done", "failed"} for s in finished) == len(wanted):
            break
        time.sleep(1)
    jobs_s = time.monotonic() - started
    jobs_running.clear()
    watcher.join()
    rss_end = rss_mb(process.pid)
    return {
        "uploads": uploads,
        "clients": clients,
        "failed_requests": failures,
        "jobs_done": done,
        "upload_median_ms": statistics.median(upload_ms),
        "page_median_ms": statistics.median(page_ms),
        "page_p95_ms": statistics.quantiles(page_ms, n=20)[-1] if len(page_ms) > 1 else 0.0,
        "page_samples": len(page_ms),
        "jobs_s": jobs_s,
        "jobs_per_min": done / jobs_s * 60,
        "rss_start_mb": rss_start,
        "rss_warm_mb": rss_warm,
        "rss_end_mb": rss_end,
    }


if __name__ == "__main__":
    main()
