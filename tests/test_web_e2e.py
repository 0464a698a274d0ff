"""The real upload service end to end: `voiceshare serve` in a subprocess on a loopback port,
driven by headless Chromium (Debian's, never a downloaded one), by raw sockets for the upload
limit, and with separate worker processes (`python -m voiceshare.web.worker`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

pytest.importorskip("fastapi", reason="the upload service needs the web extra")
httpx = pytest.importorskip("httpx", reason="the web tests need httpx")


CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "e2e-token-for-the-upload-service"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
STANDUP = SAMPLES / "2026-03-02_standup.vtt"
PLANNING = SAMPLES / "2026-03-09_planning.txt"
# The first analysis in a fresh process loads the language models.
JOB_TIMEOUT_S = 180.0


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    data_dir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(tmp: Path, *extra: str, max_upload_mb: str = "500") -> Server:
    """`voiceshare serve` with its own store and data folder; waits until it answers."""
    port = free_port()
    env = {
        **os.environ,
        "VOICESHARE_TOKEN": TOKEN,
        "VOICESHARE_MAX_UPLOAD_MB": max_upload_mb,
        "VOICESHARE_STORE": f"sqlite:///{tmp / 'store.db'}",
    }
    command = [sys.executable, "-m", "voiceshare.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--data-dir", str(tmp / "data"), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "server.log", "wb"),  # noqa: SIM115 - the child keeps it
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((tmp / "server.log").read_text())
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return Server(url, port, process, tmp / "data")
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError("the server did not start within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server for the module, with a 1 MB upload limit."""
    running = start_server(tmp_path_factory.mktemp("serve"), max_upload_mb="1")
    yield running
    stop(running.process)


def wait_done(url: str, upload_id: str) -> dict[str, object]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        status: dict[str, object] = httpx.get(
            f"{url}/api/meetings/{upload_id}", headers=BEARER, timeout=10
        ).json()
        if status["status"] in {"done", "failed"}:
            return status
        time.sleep(0.3)
    raise AssertionError(f"job {upload_id} did not finish in {JOB_TIMEOUT_S} s")


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's Chromium is not at {CHROMIUM}")
def test_a_browser_logs_in_uploads_a_transcript_and_reads_its_report(server: Server) -> None:
    """Login form, the upload page (drop zone and file picker), the meeting page refreshing
    itself until the job is done, then the report with its findings; the browser reports no
    blocked resource and makes no request off the server."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run",
            ],
        )  # fmt: skip
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on(
                "request",
                lambda r: None if r.url.startswith(server.url) else foreign.append(r.url),
            )
            page.goto(f"{server.url}/upload")
            assert "/login" in page.url
            page.fill("#token", TOKEN)
            page.click("button[type=submit]")
            page.wait_for_url(f"{server.url}/upload")

            # Dropping a file onto the form puts it in the file input (the page's own script).
            page.evaluate(
                """() => {
                    const data = new DataTransfer();
                    data.items.add(new File(["WEBVTT"], "dropped.vtt"));
                    const drop = document.getElementById("drop");
                    drop.dispatchEvent(new DragEvent("drop", {dataTransfer: data}));
                }"""
            )
            assert page.text_content("#chosen") == "dropped.vtt"
            assert page.evaluate("document.getElementById('file').files[0].name") == "dropped.vtt"
            page.set_input_files("#file", str(STANDUP))
            assert page.text_content("#chosen") == STANDUP.name  # the page's own script ran
            page.fill("#title", "Monday standup")
            page.fill("#team", "tandem")
            page.click("text=Upload and analyse")
            page.wait_for_url(f"{server.url}/meetings/*")
            assert "Monday standup" in page.text_content("h1")

            page.wait_for_selector("#report-link", timeout=JOB_TIMEOUT_S * 1000)
            page.click("#report-link")
            page.wait_for_url("**/report")
            body = page.text_content("body")
            assert "What stood out" in body
            assert "Greg Halvorsen" in body and "Noor Haddad" in body

            page.goto(f"{server.url}/meetings")
            assert "Monday standup" in page.text_content("table")
            page.goto(f"{server.url}/trends")
            page.click("text=tandem")
            assert "Noor Haddad" in page.text_content("body")
        finally:
            browser.close()
    assert problems == []
    assert foreign == []


def test_an_oversized_body_is_refused_before_it_is_sent(server: Server) -> None:
    """A declared 50 MB body gets 413 from the headers alone; a chunked body without a length
    gets 413 once 1 MB has arrived, while the client still holds the rest."""
    head = (
        f"POST /api/meetings HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"{head}Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode())
        assert sock.recv(200).startswith(b"HTTP/1.1 413")

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n".encode())
        part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        chunk = b"A: hello\n" * 10_000
        answer = b""
        for _ in range(200):  # up to 18 MB; the answer must come long before
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:  # the server closed the connection after answering
                break
            sock.settimeout(0.05)
            try:
                answer = sock.recv(200)
            except TimeoutError:
                continue
            finally:
                sock.settimeout(10)
            if answer:
                break
        if not answer:
            answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 413")


def test_an_upload_without_the_token_is_refused_before_its_body(server: Server) -> None:
    """Nobody without the token can make the server read (and spool) an upload's body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        head = (
            f"POST /api/meetings HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 900000\r\n\r\n"
        )
        sock.sendall(head.encode())
        assert sock.recv(200).startswith(b"HTTP/1.1 401")


def test_separate_worker_processes_run_the_jobs(tmp_path: Path) -> None:
    """`serve --workers 0` only queues; `python -m voiceshare.web.worker` (two processes)
    takes the jobs from the queue file and finishes them."""
    running = start_server(tmp_path, "--workers", "0")
    env = {**os.environ, "VOICESHARE_STORE": f"sqlite:///{tmp_path / 'store.db'}"}
    env.pop("VOICESHARE_TOKEN", None)
    worker = None
    try:
        ids = []
        for path in (STANDUP, PLANNING):
            with path.open("rb") as handle:
                response = httpx.post(
                    f"{running.url}/api/meetings",
                    headers=BEARER,
                    files={"file": (path.name, handle)},
                    timeout=30,
                )
            assert response.status_code == 202
            ids.append(response.json()["id"])
        time.sleep(1)
        for upload_id in ids:
            status = httpx.get(f"{running.url}/api/meetings/{upload_id}", headers=BEARER).json()
            assert status["status"] == "queued"
        worker = subprocess.Popen(
            [sys.executable, "-m", "voiceshare.web.worker", "--data-dir", str(running.data_dir),
             "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115 - the child keeps it
        )  # fmt: skip
        for upload_id in ids:
            assert wait_done(running.url, upload_id)["status"] == "done"
    finally:
        if worker is not None:
            stop(worker)
        stop(running.process)


def test_a_job_whose_worker_is_killed_is_finished_by_another(tmp_path: Path) -> None:
    """A worker process killed in the middle of a job (SIGKILL: no goodbye) leaves it
    `running`; once its 4 s lease is over a second worker takes it and finishes it. That
    worker's first job outlasts the lease (it loads the models), and its heartbeat keeps the
    job from being queued a third time."""
    from voiceshare.store import Store

    env = {
        **os.environ,
        "VOICESHARE_STORE": f"sqlite:///{tmp_path / 'store.db'}",
        "VOICESHARE_JOB_LEASE_S": "4",
    }
    running = start_server(tmp_path, "--workers", "0")
    env.pop("VOICESHARE_TOKEN", None)

    def worker(name: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "voiceshare.web.worker", "--data-dir", str(running.data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"{name}.log", "wb"),
            start_new_session=True,  # its own process group: the consumer and its workers
        )

    first = second = None
    try:
        with PLANNING.open("rb") as handle:
            response = httpx.post(
                f"{running.url}/api/meetings",
                headers=BEARER,
                files={"file": (PLANNING.name, handle)},
                timeout=30,
            )
        upload_id = response.json()["id"]
        status_url = f"{running.url}/api/meetings/{upload_id}"
        first = worker("first")
        deadline = time.monotonic() + 60
        while httpx.get(status_url, headers=BEARER).json()["status"] != "running":
            assert time.monotonic() < deadline, "the first worker never took the job"
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        time.sleep(1)
        assert httpx.get(status_url, headers=BEARER).json()["status"] == "running"
        second = worker("second")
        assert wait_done(running.url, upload_id)["status"] == "done"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        stop(running.process)
    with Store.open(env["VOICESHARE_STORE"]) as store:
        finished = store.upload(upload_id)
    assert finished is not None
    assert finished.attempts == 2
