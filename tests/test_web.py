"""The upload service through an HTTP client: authentication, uploads to reports, deletion,
refusals (size, content, CSRF), security headers, and a job that outlives a restart."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the upload service needs the web extra")
pytest.importorskip("huey", reason="the upload service needs the web extra")

from fastapi.testclient import TestClient

from tests.conftest import SAMPLES
from voiceshare.cli import main
from voiceshare.store import Store
from voiceshare.web.app import SESSION_COOKIE, create_app, stored_name
from voiceshare.web.settings import Settings, is_loopback, load_settings

TOKEN = "test-token-for-the-upload-service"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
PLANNING = SAMPLES / "2026-03-09_planning.txt"
STANDUP = SAMPLES / "2026-03-02_standup.vtt"
# The first analysis in a process loads the language models (many seconds on a busy machine).
JOB_TIMEOUT_S = 180.0


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A service with its own data folder and store, an upload limit of 1 MB, one worker."""
    return Settings(
        token=TOKEN,
        data_dir=tmp_path / "data",
        store_url=f"sqlite:///{tmp_path / 'store.db'}",
        max_upload_bytes=1024 * 1024,
        workers=1,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def upload(client: TestClient, path: Path, **fields: str) -> Any:
    with path.open("rb") as handle:
        return client.post(
            "/api/meetings", headers=BEARER, files={"file": (path.name, handle)}, data=fields
        )


def wait_for(client: TestClient, status_url: str) -> dict[str, Any]:
    """Poll the job until it is done or failed."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(status_url, headers=BEARER).json()
        assert status["status"] in {"queued", "running", "done", "failed"}
        assert 0.0 <= status["progress"] <= 1.0
        if status["status"] in {"done", "failed"}:
            return status
        time.sleep(0.2)
    raise AssertionError(f"the job at {status_url} did not finish in {JOB_TIMEOUT_S} s")


def log_in(client: TestClient) -> str:
    """Log in through the form; returns the CSRF token the upload page carries."""
    response = client.post(
        "/login", data={"token": TOKEN, "next": "/upload"}, follow_redirects=False
    )
    assert response.status_code == 303
    form = client.get("/upload")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found is not None
    return found.group(1)


# -- authentication ---------------------------------------------------------------------------


def test_the_api_answers_401_without_the_right_token(client: TestClient) -> None:
    """No token, a wrong token or a wrong scheme: 401, and the challenge names Bearer."""
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.get("/api/meetings", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/meetings", files={"file": ("a.vtt", b"WEBVTT")}).status_code == 401
    assert client.delete("/api/meetings/" + "0" * 32).status_code == 401
    assert client.get("/api/openapi.json").status_code == 401


def test_pages_send_a_stranger_to_the_login_form(client: TestClient) -> None:
    """Every page redirects to the login form, which brings the visitor back afterwards."""
    for path in ("/", "/meetings", "/upload", "/trends", f"/meetings/{'0' * 32}/report"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    login = client.get("/login?next=/trends")
    assert login.status_code == 200 and 'value="/trends"' in login.text


def test_logging_in_sets_a_signed_httponly_strict_cookie(client: TestClient) -> None:
    """A wrong token is refused; the right one gives a session cookie the pages accept."""
    wrong = client.post("/login", data={"token": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/meetings"
    cookie = right.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert TOKEN not in cookie
    assert client.get("/meetings").status_code == 200
    # A forged cookie is no session.
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, "forged.value.here")
    assert client.get("/meetings", follow_redirects=False).status_code == 303


def test_login_only_returns_to_a_path_on_this_site(client: TestClient) -> None:
    """`next` pointing elsewhere (an open redirect) lands on the meetings list instead."""
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/login", data={"token": TOKEN, "next": target}, follow_redirects=False
        )
        assert response.headers["location"] == "/meetings"


# -- the life of an upload --------------------------------------------------------------------


def test_an_uploaded_transcript_is_analysed_reported_and_deleted(
    client: TestClient, settings: Settings
) -> None:
    """202 with a status URL; the job finishes; the JSON and HTML reports are the CLI's; the
    meeting is in the store (so trends see it); delete removes everything, then 404."""
    response = upload(client, PLANNING, team="platform", attendees="Priya Raman, Ada Silent")
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status_url"}
    assert body["status_url"] == f"/api/meetings/{body['id']}"
    status = wait_for(client, body["status_url"])
    assert status["status"] == "done" and status["progress"] == 1.0 and status["error"] is None

    report = client.get(f"/api/meetings/{body['id']}/report.json", headers=BEARER)
    assert report.status_code == 200
    speakers = {s["name"]: s for s in report.json()["speakers"]}
    assert {"Greg Halvorsen", "Noor Haddad", "Priya Raman"} <= set(speakers)
    assert speakers["Ada Silent"]["spoke"] is False  # the attendee list reached the analysis

    html = client.get(f"/meetings/{body['id']}/report", headers=BEARER)
    assert html.status_code == 200
    assert "Noor Haddad was interrupted 4 times, 3 of them by Greg Halvorsen." in html.text
    assert "script-src" not in html.headers["content-security-policy"]

    with Store.open(settings.store_url) as store:
        assert [m.team for m in store.meetings("platform")] == ["platform"]
    assert client.get("/trends/report?team=platform", headers=BEARER).status_code == 200
    assert "platform" in client.get("/trends", headers=BEARER).text

    assert client.delete(body["status_url"], headers=BEARER).status_code == 204
    assert client.get(body["status_url"], headers=BEARER).status_code == 404
    assert client.get(f"/meetings/{body['id']}/report", headers=BEARER).status_code == 404
    assert client.delete(body["status_url"], headers=BEARER).status_code == 404
    assert not (settings.uploads_dir / body["id"]).exists()
    assert not (settings.results_dir / body["id"]).exists()
    with Store.open(settings.store_url) as store:
        assert store.meetings("platform") == []


def test_junk_and_empty_files_are_refused_up_front(client: TestClient, settings: Settings) -> None:
    """Binary junk (whatever its name) is 415 and an empty file 400, each in one sentence,
    before any job; nothing is kept."""
    junk = client.post(
        "/api/meetings", headers=BEARER, files={"file": ("notes.vtt", bytes(range(256)) * 8)}
    )
    assert junk.status_code == 415
    assert (
        junk.json()["detail"]
        == "notes.vtt: is a binary file, not a transcript voiceshare can read."
    )
    unknown = client.post("/api/meetings", headers=BEARER, files={"file": ("a.json", b'{"x": 1}')})
    assert unknown.status_code == 415
    assert unknown.json()["detail"] == (
        "a.json is neither a recording nor a transcript in a format voiceshare reads "
        "(see `voiceshare formats`)."
    )
    empty = client.post("/api/meetings", headers=BEARER, files={"file": ("e.txt", b"")})
    assert (empty.status_code, empty.json()["detail"]) == (400, "The file is empty.")
    assert list(settings.uploads_dir.iterdir()) == []
    assert client.get("/api/meetings", headers=BEARER).json() == []


def test_a_transcript_that_cannot_be_read_fails_its_job_in_one_sentence(
    client: TestClient, settings: Settings
) -> None:
    """A WebVTT file whose only cue is empty passes the sniffing, and its job fails with the
    reader's sentence, naming the file as uploaded and never the server's folders."""
    captions = b"WEBVTT\n\n00:00:01.000 --> 00:00:00.500\n\n"
    response = client.post(
        "/api/meetings", headers=BEARER, files={"file": ("captions.vtt", captions)}
    )
    assert response.status_code == 202
    status = wait_for(client, response.json()["status_url"])
    assert status["status"] == "failed"
    assert status["error"] == "captions.vtt: contains no utterances with a speaker."
    page = client.get(f"/meetings/{response.json()['id']}", headers=BEARER)
    assert "contains no utterances with a speaker." in page.text
    report = client.get(f"/api/meetings/{response.json()['id']}/report.json", headers=BEARER)
    assert report.status_code == 409


def test_an_upload_over_the_limit_is_413(client: TestClient, settings: Settings) -> None:
    """Refused from the Content-Length, and from the bytes counted when no length is sent."""
    too_big = b"A: hello\n" * (settings.max_upload_bytes // 9 + 20_000)
    response = client.post("/api/meetings", headers=BEARER, files={"file": ("big.txt", too_big)})
    assert response.status_code == 413
    assert "larger than this server accepts (1 MB)" in response.json()["detail"]

    def chunks() -> Iterator[bytes]:
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\n'
        for _ in range(4):
            yield b"A: hello\n" * 60_000
        yield b"\r\n--b--\r\n"

    streamed = client.post(
        "/api/meetings",
        headers={**BEARER, "Content-Type": "multipart/form-data; boundary=b"},
        content=chunks(),
    )
    assert streamed.status_code == 413
    assert list(settings.uploads_dir.iterdir()) == []


def test_client_file_names_never_become_paths(client: TestClient, settings: Settings) -> None:
    """Whatever the name, the file is stored as `upload` (plus a known extension) inside the
    upload's generated folder; the name is only shown, and titles and dates the report."""
    assert stored_name("../../etc/passwd") == "upload"
    assert stored_name("..\\..\\boot.ini") == "upload"
    assert stored_name("Retro: Q1/Q2.VTT") == "upload.vtt"
    assert stored_name(".bashrc") == stored_name(None) == "upload"
    with STANDUP.open("rb") as handle:
        response = client.post(
            "/api/meetings",
            headers=BEARER,
            files={"file": ("../../../../tmp/2024-03-05 evil.vtt", handle)},
        )
    assert response.status_code == 202
    upload_id = response.json()["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", upload_id)
    assert [p.name for p in (settings.uploads_dir / upload_id).iterdir()] == ["upload.vtt"]
    status = client.get(f"/api/meetings/{upload_id}", headers=BEARER).json()
    assert status["file"] == "2024-03-05 evil.vtt"
    assert wait_for(client, f"/api/meetings/{upload_id}")["status"] == "done"
    report = client.get(f"/api/meetings/{upload_id}/report.json", headers=BEARER).json()
    assert report["meeting"]["title"] == "2024-03-05 evil"
    assert report["meeting"]["date"] == "2024-03-05"


# -- CSRF and headers -------------------------------------------------------------------------


def test_form_posts_need_the_sessions_csrf_token(client: TestClient, settings: Settings) -> None:
    """Upload, delete and logout forms without the session's CSRF token are 403; with it the
    upload goes through; a cookie-authenticated API write needs it as a header."""
    csrf = log_in(client)
    files = {"file": (STANDUP.name, STANDUP.read_bytes())}
    for given in ({}, {"csrf_token": "forged"}):
        refused = client.post("/upload", data=given, files=files, follow_redirects=False)
        assert refused.status_code == 403
    assert list(settings.uploads_dir.iterdir()) == []
    accepted = client.post(
        "/upload", data={"csrf_token": csrf, "title": "Standup"}, files=files,
        follow_redirects=False,
    )  # fmt: skip
    assert accepted.status_code == 303
    upload_id = accepted.headers["location"].rsplit("/", 1)[1]
    meeting_page = client.get(f"/meetings/{upload_id}")
    assert "Standup" in meeting_page.text
    assert client.post(f"/meetings/{upload_id}/delete", follow_redirects=False).status_code == 403
    assert client.delete(f"/api/meetings/{upload_id}").status_code == 403
    assert client.post("/logout", follow_redirects=False).status_code == 403
    wait_for(client, f"/api/meetings/{upload_id}")
    deleted = client.post(
        f"/meetings/{upload_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303
    assert client.get(f"/api/meetings/{upload_id}").status_code == 404


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    """Pages, API answers, errors and static files: a strict CSP that forbids framing, no
    sniffing, no referrer; private answers are not cached."""
    for path, headers in (
        ("/login", {}),
        ("/upload", BEARER),
        ("/api/meetings", BEARER),
        ("/api/meetings", {}),
        ("/static/app.css", {}),
        ("/api/meetings/" + "f" * 32, BEARER),
    ):
        response = client.get(path, headers=headers)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "http" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        if not path.startswith("/static/"):
            assert response.headers["cache-control"] == "no-store"


def test_nothing_is_served_from_outside_the_apps_folders(client: TestClient) -> None:
    """Traversal through the static folder or a meeting id finds nothing."""
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fsettings.py",
        "/api/meetings/..%2f..%2fstore.db",
        "/api/meetings/../../etc/passwd",
    ):
        assert client.get(path, headers=BEARER).status_code == 404, path


def test_the_openapi_schema_is_served_to_those_with_the_token(client: TestClient) -> None:
    schema = client.get("/api/openapi.json", headers=BEARER).json()
    assert {"/api/meetings", "/api/meetings/{upload_id}", "/meetings/{upload_id}/report"} <= set(
        schema["paths"]
    )
    assert "/api/meetings/{upload_id}/report.json" in schema["paths"]
    assert "202" in schema["paths"]["/api/meetings"]["post"]["responses"]
    assert client.get("/docs").status_code in {303, 404}  # no viewer that loads outside scripts


# -- the queue --------------------------------------------------------------------------------


def test_a_job_queued_before_a_restart_runs_after_it(settings: Settings) -> None:
    """Queued while no worker runs, the job waits in the queue file; a new server with a
    worker picks it up and finishes it."""
    without_workers = replace(settings, workers=0)
    with TestClient(create_app(without_workers)) as first:
        upload_id = upload(first, STANDUP).json()["id"]
        time.sleep(0.5)
        assert first.get(f"/api/meetings/{upload_id}", headers=BEARER).json()["status"] == "queued"
    with TestClient(create_app(settings)) as second:
        status = wait_for(second, f"/api/meetings/{upload_id}")
        assert status["status"] == "done"
        assert second.get(f"/meetings/{upload_id}/report", headers=BEARER).status_code == 200


def test_a_job_whose_worker_died_is_queued_again_and_finished(settings: Settings) -> None:
    """A worker took the job off the queue and died (nothing beats for it): once the lease is
    over, the next server queues it again and its worker finishes it, on the second attempt."""
    short_lease = replace(settings, workers=0, job_lease_s=1.0)
    with TestClient(create_app(short_lease)) as first:
        upload_id = upload(first, STANDUP).json()["id"]
        jobs = first.app.state.jobs  # type: ignore[attr-defined]
        # What a worker does before it dies: the message leaves the queue, the job is taken.
        assert jobs.huey.dequeue() is not None
        assert jobs.store.claim_upload(upload_id) is not None
        assert jobs.pending() == 0
    time.sleep(1.2)
    with TestClient(create_app(replace(short_lease, workers=1))) as second:
        assert wait_for(second, f"/api/meetings/{upload_id}")["status"] == "done"
    with Store.open(settings.store_url) as store:
        finished = store.upload(upload_id)
    assert finished is not None and finished.attempts == 2


def test_a_job_that_keeps_losing_its_worker_fails_after_three_tries(settings: Settings) -> None:
    """Each time the job's worker dies it is queued again, at most three tries in all; then it
    fails with a sentence saying so. A job still beating is left alone."""
    from voiceshare.web.jobs import LOST_JOB_ERROR, MAX_ATTEMPTS, recover_lost_jobs

    lease = replace(settings, job_lease_s=1.0)
    # The app's own recovery (with an hour's lease) stays out of the way of the one here.
    with TestClient(create_app(replace(settings, workers=0, job_lease_s=3600.0))) as client:
        lost = upload(client, STANDUP).json()["id"]
        alive = upload(client, PLANNING).json()["id"]
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        requeued: list[str] = []
        alive_claim = store.claim_upload(alive)
        assert alive_claim is not None
        for _ in range(MAX_ATTEMPTS):
            assert store.claim_upload(lost) is not None
            time.sleep(1.1)
            assert store.touch_upload(alive, alive_claim.attempts)  # its worker is alive
            recover_lost_jobs(lease, store, requeued.append)
        assert requeued == [lost] * (MAX_ATTEMPTS - 1)
        status = client.get(f"/api/meetings/{lost}", headers=BEARER).json()
        assert status["status"] == "failed"
        assert status["error"] == LOST_JOB_ERROR
        assert client.get(f"/api/meetings/{alive}", headers=BEARER).json()["status"] == "running"
        # A message delivered twice does not run the job twice.
        assert store.claim_upload(alive) is None


def test_a_stalled_worker_cannot_overwrite_the_job_another_took_over(settings: Settings) -> None:
    """Worker A stalls past its lease; the job is queued again and worker B takes it. A's
    late heartbeat, progress and outcome are all refused; B's count."""
    from voiceshare.web.jobs import recover_lost_jobs

    with TestClient(create_app(replace(settings, workers=0, job_lease_s=3600.0))) as client:
        upload_id = upload(client, STANDUP).json()["id"]
        store: Store = client.app.state.store  # type: ignore[attr-defined]
        first = store.claim_upload(upload_id)
        assert first is not None and first.attempts == 1
        time.sleep(1.1)
        queued: list[str] = []
        recover_lost_jobs(replace(settings, job_lease_s=1.0), store, queued.append)
        assert queued == [upload_id]
        second = store.claim_upload(upload_id)
        assert second is not None and second.attempts == 2
        assert not store.touch_upload(upload_id, first.attempts)
        assert not store.update_upload(upload_id, progress=0.5, attempt=first.attempts)
        assert not store.update_upload(
            upload_id, status="failed", error="stale", attempt=first.attempts
        )
        assert store.update_upload(upload_id, progress=0.4, attempt=second.attempts)
        status = client.get(f"/api/meetings/{upload_id}", headers=BEARER).json()
        assert (status["status"], status["progress"], status["error"]) == ("running", 0.4, None)


# -- guessing the token -----------------------------------------------------------------------


def test_an_address_sending_wrong_tokens_is_refused_for_a_while(settings: Settings) -> None:
    """Ten wrong tokens (form or Bearer) within ten minutes: that address gets 429 with
    Retry-After, even with the right token; another address still gets in."""
    app = create_app(replace(settings, workers=0))
    with TestClient(app, client=("203.0.113.7", 4000)) as guesser:
        for number in range(10):
            if number % 2:
                wrong = guesser.post("/login", data={"token": f"guess-{number}"})
            else:
                wrong = guesser.get("/api/meetings", headers={"Authorization": f"Bearer g{number}"})
            assert wrong.status_code == 401
        refused = guesser.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert refused.status_code == 429
        assert "Too many wrong tokens" in refused.text
        assert 500 <= int(refused.headers["retry-after"]) <= 600
        api = guesser.get("/api/meetings", headers=BEARER)
        assert api.status_code == 429
        assert api.json()["detail"].startswith("Too many wrong tokens from your address")
        # An upload is refused before its body is read, with the same answer.
        posted = upload(guesser, STANDUP)
        assert posted.status_code == 429
        assert "retry-after" in posted.headers
        assert posted.json()["detail"].startswith("Too many wrong tokens")
    with TestClient(app, client=("198.51.100.2", 4000)) as other:
        assert other.get("/api/meetings", headers=BEARER).status_code == 200


def test_behind_a_trusted_https_proxy_the_cookie_is_secure(settings: Settings) -> None:
    """With the proxy's headers trusted (as `serve --trusted-proxy` sets uvicorn up), a login
    through HTTPS gets a Secure cookie, and wrong tokens count against the real client."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = create_app(replace(settings, workers=0))
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.9"}
    with TestClient(proxied, client=("127.0.0.1", 5000), base_url="http://testserver") as proxy:
        response = proxy.post(
            "/login", data={"token": TOKEN}, headers=forwarded, follow_redirects=False
        )
        assert response.status_code == 303
        assert "secure" in response.headers["set-cookie"].lower()
        for number in range(10):
            proxy.post("/login", data={"token": f"x{number}"}, headers=forwarded)
        assert proxy.post("/login", data={"token": TOKEN}, headers=forwarded).status_code == 429
        # The proxy's other clients are not locked out with the guesser.
        others = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}
        assert proxy.get("/api/meetings", headers={**BEARER, **others}).status_code == 200
    with TestClient(app) as direct:
        plain = direct.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert "secure" not in plain.headers["set-cookie"].lower()


# -- starting ---------------------------------------------------------------------------------


def test_serve_refuses_a_non_loopback_address_without_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """One sentence and exit status 1, before anything listens."""
    monkeypatch.delenv("VOICESHARE_TOKEN", raising=False)
    code = main(["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path / "d")])
    message = capsys.readouterr().err.strip()
    assert code == 1
    assert message.startswith("error: refusing to listen on 0.0.0.0 without a token")
    assert message.endswith("(or listen on 127.0.0.1).") and "\n" not in message
    assert not (tmp_path / "d").exists()


def test_loopback_without_a_token_makes_one_for_the_run() -> None:
    """On loopback a random token is made (the CLI prints it once); a short token is refused."""
    made = load_settings("127.0.0.1", environ={})
    assert made.token_generated and len(made.token) >= 30
    assert load_settings("::1", environ={}).token != made.token
    given = load_settings("0.0.0.0", environ={"VOICESHARE_TOKEN": TOKEN})
    assert given.token == TOKEN and not given.token_generated
    with pytest.raises(Exception, match="too short"):
        load_settings("127.0.0.1", environ={"VOICESHARE_TOKEN": "abc"})
    limited = load_settings(environ={"VOICESHARE_MAX_UPLOAD_MB": "2"})
    assert limited.max_upload_bytes == 2 * 1024 * 1024
    assert [is_loopback(h) for h in ("localhost", "127.0.0.2", "[::1]", "10.0.0.1", "example")] == [
        True, True, True, False, False,
    ]  # fmt: skip


# -- recordings -------------------------------------------------------------------------------


def test_an_uploaded_recording_is_diarized(settings: Settings, shared_data: Path) -> None:
    """A wav upload, named as anything, is recognised by its content and diarized by the
    pipeline's built-in diarizer into a report with speakers."""
    recording = shared_data / "audio" / "pyannote_sample" / "sample.wav"
    roomy = replace(settings, max_upload_bytes=50 * 1024 * 1024)
    with TestClient(create_app(roomy)) as roomy_client, recording.open("rb") as handle:
        response = roomy_client.post(
            "/api/meetings", headers=BEARER, files={"file": ("call", handle)}
        )
        assert response.status_code == 202
        status = wait_for(roomy_client, response.json()["status_url"])
        assert status["status"] == "done", status["error"]
        report = roomy_client.get(f"{response.json()['status_url']}/report.json", headers=BEARER)
    speakers = [s for s in report.json()["speakers"] if s["spoke"]]
    assert len(speakers) >= 2
    assert report.json()["meeting"]["format"] != "webvtt"
