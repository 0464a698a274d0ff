"""The upload service's shared queue on a real Redis server (`VOICESHARE_QUEUE=redis://...`):
jobs queued by the web server wait in Redis and are run by a separate worker process.

The test starts Debian's redis-server on a loopback port with nothing saved to disk; `.ci/run`
installs it when missing. Without it (a machine where nobody can install it) the test skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the upload service needs the web extra")
pytest.importorskip("redis", reason="the Redis queue needs the redis client (web extra)")

from fastapi.testclient import TestClient

from tests.conftest import SAMPLES
from voiceshare.web.app import create_app
from voiceshare.web.settings import Settings, load_settings

REDIS_SERVER = shutil.which("redis-server")
TOKEN = "test-token-for-the-redis-queue"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
JOB_TIMEOUT_S = 180.0

pytestmark = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed (.ci/run installs it)"
)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway Redis server on a free loopback port."""
    assert REDIS_SERVER is not None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=20)


def wait_done(
    client: TestClient,
    upload_id: str,
    worker: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> dict[str, object]:
    """Poll the job until it is done or failed (and, given a worker process, that it lives)."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        status: dict[str, object] = client.get(f"/api/meetings/{upload_id}", headers=BEARER).json()
        if status["status"] in {"done", "failed"}:
            return status
        if worker is not None:
            assert worker.poll() is None, log.read_text() if log else "the worker stopped"
        assert time.monotonic() < deadline, f"job {upload_id} did not finish"
        time.sleep(0.3)


def test_settings_take_a_redis_queue_url_and_refuse_anything_else(tmp_path: Path) -> None:
    env = {"VOICESHARE_TOKEN": TOKEN, "VOICESHARE_QUEUE": "redis://10.0.0.5:6379/2"}
    assert load_settings(environ=env, data_dir=tmp_path).queue_url == "redis://10.0.0.5:6379/2"
    from voiceshare.errors import ConfigError

    with pytest.raises(ConfigError, match="must be a redis:// URL"):
        load_settings(environ={**env, "VOICESHARE_QUEUE": "amqp://x"}, data_dir=tmp_path)


def test_jobs_queued_in_redis_are_run_by_a_separate_worker(tmp_path: Path, redis_url: str) -> None:
    """The server (no workers of its own) queues two uploads in Redis; they wait there, with
    no queue file in the data folder; a worker process pointed at the same Redis runs both."""
    settings = Settings(
        token=TOKEN,
        data_dir=tmp_path / "data",
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        queue_url=redis_url,
        workers=0,
    )
    samples = (SAMPLES / "2026-03-02_standup.vtt", SAMPLES / "2026-03-09_planning.txt")
    with TestClient(create_app(settings)) as client:
        ids = []
        for path in samples:
            with path.open("rb") as handle:
                response = client.post(
                    "/api/meetings", headers=BEARER, files={"file": (path.name, handle)}
                )
            assert response.status_code == 202
            ids.append(response.json()["id"])
        assert client.app.state.jobs.pending() == 2  # type: ignore[attr-defined]
        assert not settings.queue_file.exists()
        env = {
            **os.environ,
            "VOICESHARE_STORE": settings.store_url or "",
            "VOICESHARE_QUEUE": redis_url,
        }
        env.pop("VOICESHARE_TOKEN", None)
        worker = subprocess.Popen(
            [sys.executable, "-m", "voiceshare.web.worker", "--data-dir", str(settings.data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "worker.log", "wb"),  # noqa: SIM115 - the child keeps it
        )
        try:
            for upload_id in ids:
                status = wait_done(client, upload_id, worker, tmp_path / "worker.log")
                assert status["status"] == "done", status
            assert client.app.state.jobs.pending() == 0  # type: ignore[attr-defined]
            report = client.get(f"/api/meetings/{ids[1]}/report.json", headers=BEARER)
            assert report.status_code == 200
            assert report.json()["meeting"]["title"] == "2026-03-09_planning"
        finally:
            worker.terminate()
            worker.wait(timeout=60)


def test_a_server_with_its_own_workers_runs_redis_jobs_after_a_restart(
    tmp_path: Path, redis_url: str
) -> None:
    """A job queued in Redis while no worker runs is finished by the next server's worker."""
    settings = Settings(
        token=TOKEN,
        data_dir=tmp_path / "data",
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        queue_url=redis_url,
        workers=0,
    )
    path = SAMPLES / "2026-03-02_standup.vtt"
    with TestClient(create_app(settings)) as first, path.open("rb") as handle:
        upload_id = first.post(
            "/api/meetings", headers=BEARER, files={"file": (path.name, handle)}
        ).json()["id"]
    with TestClient(create_app(replace(settings, workers=1))) as second:
        assert wait_done(second, upload_id)["status"] == "done"
