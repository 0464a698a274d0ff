"""The FastAPI application: server-rendered pages, the JSON API, and the guards around them.

- Authentication: every page and API call needs the token (`VOICESHARE_TOKEN`), as an
  `Authorization: Bearer` header, or (browser pages) the session cookie the login form sets:
  signed with a key derived from the token (itsdangerous), HttpOnly, SameSite=Strict.
- CSRF: a form post (and any cookie-authenticated API write) must carry the session's CSRF token.
- Uploads: `BodyLimit` refuses a body over the limit with 413 from its Content-Length before
  reading it, and counts the bytes as they arrive otherwise. The content is sniffed (a recording,
  or a transcript format voiceshare reads); the file is stored under a generated folder name.
- Security headers on every response; nothing is served from outside the package's `static`
  folder and the data folder's generated names.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import shutil
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voiceshare.errors import VoiceshareError
from voiceshare.store import Store, Upload
from voiceshare.web.jobs import Jobs, results_dir
from voiceshare.web.settings import Settings

SESSION_COOKIE = "voiceshare_session"
SESSION_MAX_AGE_S = 12 * 3600
CSRF_HEADER = "x-csrf-token"
_HERE = Path(__file__).resolve().parent
_ID = re.compile(r"[0-9a-f]{32}")
# Room for the multipart framing and the form fields around the file.
_FORM_OVERHEAD_BYTES = 64 * 1024
# Any other request body (login, delete) is small.
_SMALL_BODY_BYTES = 64 * 1024
_UPLOAD_PATHS = frozenset({"/api/meetings", "/upload"})
_CHUNK = 1024 * 1024
_NO_TOKEN = "Send the token: Authorization: Bearer <token>."
_MAX_TITLE, _MAX_TEAM, _MAX_ATTENDEES = 300, 200, 5000
# Wrong tokens an address may send within the window before it is refused for a while.
LOGIN_ATTEMPTS, LOGIN_WINDOW_S = 10, 600.0
# Extensions kept on the stored file as a hint to the readers; the content decides.
_KNOWN_SUFFIXES = frozenset(
    ".vtt .srt .txt .json .nlp .cha .stm .csv .tsv .docx .rttm .wav .mp3 .m4a .mp4 .webm .ogg "
    ".flac .aac .opus .mkv .mov".split()
)

# Our own pages: scripts and styles from our own static folder only.
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The reports (the same self-contained HTML the CLI writes): inline CSS and SVG, no scripts.
_REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


# -- guards (pure ASGI, so they see the body before any parsing) ---------------------------


class BodyLimit:
    """413 for a request body over the limit: at once from its Content-Length, else as soon
    as the bytes received pass it, without reading the rest. An upload without the token is
    refused before a byte of its body is read."""

    def __init__(self, app: ASGIApp, upload_limit_bytes: int) -> None:
        self.app = app
        self.upload_limit = upload_limit_bytes + _FORM_OVERHEAD_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploading = scope["path"] in _UPLOAD_PATHS and scope["method"] == "POST"
        if uploading:
            try:
                session = _session(Request(scope))
            except HTTPException as exc:  # too many wrong tokens: 429 (outside the handlers)
                refusal = JSONResponse(
                    {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
                )
                await refusal(scope, receive, send)
                return
            if session is None:
                await _unauthenticated(scope)(scope, receive, send)
                return
        limit = self.upload_limit if scope["path"] in _UPLOAD_PATHS else _SMALL_BODY_BYTES
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app answered an error of its own for the cut-off body
                return
            started = True
            await send(message)

        with suppress(_BodyTooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not started:
            await _too_large(send, limit)


class _BodyTooLarge(Exception):
    pass


def _unauthenticated(scope: Scope) -> Response:
    if scope["path"].startswith("/api/"):
        return JSONResponse(
            {"detail": _NO_TOKEN}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    return RedirectResponse(f"/login?next={quote(scope['path'])}", status_code=303)


async def _too_large(send: Send, limit: int) -> None:
    megabytes = max(0, limit - _FORM_OVERHEAD_BYTES) / (1024 * 1024)
    body = (
        b'{"detail":"The upload is larger than this server accepts (%s MB)."}'
        % f"{megabytes:g}".encode()
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """The security headers on every response, and no caching of anything private."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = dict(_HEADERS)
                if b"content-security-policy" not in present:
                    extra["content-security-policy"] = _PAGE_CSP
                if not static and b"cache-control" not in present:
                    extra["cache-control"] = "no-store"
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.encode(), v.encode()) for k, v in extra.items()),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


# -- sessions and authentication ---------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """Who is asking: with the token itself (`csrf` None), or a browser session."""

    csrf: str | None


class _LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class FailedTokens:
    """Wrong tokens per client address (the form or a Bearer header): after `limit` of them
    within `window_s`, the address is refused with 429, the right token included, until the
    oldest falls out of the window. Kept in the process (each server process counts its own),
    for at most `max_clients` addresses."""

    def __init__(
        self, limit: int = LOGIN_ATTEMPTS, window_s: float = LOGIN_WINDOW_S,
        max_clients: int = 10_000,
    ) -> None:  # fmt: skip
        self.limit = limit
        self.window_s = window_s
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str, given: str, expected: str) -> bool | float:
        """True for the right token, False for a wrong one (counted), or the seconds until
        `client` may try again. One step under the lock, so a burst of parallel guesses
        cannot slip past the limit."""
        with self._lock:
            times = self._recent(client)
            if times is not None and len(times) >= self.limit:
                return max(1.0, times[0] + self.window_s - time.monotonic())
            if _same(given, expected):
                return True
            if times is None:
                if len(self._failures) >= self.max_clients:  # forget the stalest address
                    del self._failures[min(self._failures, key=lambda c: self._failures[c][-1])]
                times = self._failures[client] = deque(maxlen=self.limit)
            times.append(time.monotonic())
            return False

    def _recent(self, client: str) -> deque[float] | None:
        times = self._failures.get(client)
        if times is None:
            return None
        cutoff = time.monotonic() - self.window_s
        while times and times[0] < cutoff:
            times.popleft()
        if not times:
            del self._failures[client]
            return None
        return times


def _token_is_right(request: Request, given: str) -> bool:
    """Compare a token in constant time, counting wrong ones per client address (see
    `FailedTokens`); 429 for an address with too many."""
    settings: Settings = request.app.state.settings
    failures: FailedTokens = request.app.state.failed_tokens
    client = request.client.host if request.client else "unknown"
    verdict = failures.check(client, given, settings.token)
    if isinstance(verdict, bool):
        return verdict
    minutes = max(1, math.ceil(verdict / 60))
    raise HTTPException(
        429,
        f"Too many wrong tokens from your address: try again in {minutes} minute"
        f"{'s' if minutes > 1 else ''}.",
        {"Retry-After": str(math.ceil(verdict))},
    )


def _serializer(settings: Settings) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    # Derived from the token: a new token signs everyone out, every worker agrees on the key.
    key = hmac.new(settings.token.encode(), b"voiceshare session v1", hashlib.sha256).digest()
    return URLSafeTimedSerializer(key, salt="voiceshare-session")


def _session(request: Request) -> Session | None:
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() == "bearer" and given:
        return Session(None) if _token_is_right(request, given.strip()) else None
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    from itsdangerous import BadSignature

    try:
        data = _serializer(settings).loads(cookie, max_age=SESSION_MAX_AGE_S)
    except BadSignature:
        return None
    csrf = data.get("csrf") if isinstance(data, dict) else None
    return Session(csrf) if isinstance(csrf, str) and csrf else None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def api_session(request: Request) -> Session:
    """The API: 401 without the token."""
    session = _session(request)
    if session is None:
        raise HTTPException(401, _NO_TOKEN, {"WWW-Authenticate": "Bearer"})
    if session.csrf is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        # A browser session writing through the API must prove it is our page.
        given = request.headers.get(CSRF_HEADER, "")
        if not _same(given, session.csrf):
            raise HTTPException(403, "The request has no valid CSRF token.")
    return session


def page_session(request: Request) -> Session:
    """The pages: to the login form without a session."""
    session = _session(request)
    if session is None:
        query = request.url.query
        raise _LoginRequired(request.url.path + (f"?{query}" if query else ""))
    return session


def _check_csrf(session: Session, given: str | None) -> None:
    if session.csrf is not None and not _same(given or "", session.csrf):
        raise HTTPException(403, "The form has expired or did not come from this site; reload it.")


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never `//host` or a full URL."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/meetings"


ApiSession = Annotated[Session, Depends(api_session)]
PageSession = Annotated[Session, Depends(page_session)]


# -- uploads ------------------------------------------------------------------------------


class UploadRefused(Exception):
    """An upload refused before any job: an HTTP status and one sentence."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def stored_name(original: str | None) -> str:
    """The name the upload is stored under inside its generated folder: `upload`, plus the
    uploaded name's extension when it is one voiceshare knows, as a hint for the readers (the
    content decides the format). Nothing the client sent becomes part of a path; the title
    and any date in the uploaded name reach the report through the job's options."""
    suffix = Path((original or "").replace("\\", "/")).suffix.lower()
    return "upload" + (suffix if suffix in _KNOWN_SUFFIXES else "")


def _clean(value: str | None, limit: int, what: str) -> str | None:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise UploadRefused(422, f"The {what} is too long (at most {limit} characters).")
    return value or None


def accept_upload(
    app: FastAPI,
    stream: BinaryIO,
    original_name: str | None,
    title: str | None,
    team: str | None,
    attendees: str | None,
) -> Upload:
    """Store an uploaded file, check what it is, record it and queue its analysis."""
    settings: Settings = app.state.settings
    store: Store = app.state.store
    title = _clean(title, _MAX_TITLE, "title")
    team = _clean(team, _MAX_TEAM, "team name")
    attendees = _clean(attendees, _MAX_ATTENDEES, "attendee list")
    shown = Path((original_name or "").replace("\\", "/")).name[:200] or None
    upload_id = secrets.token_hex(16)
    folder = settings.uploads_dir / upload_id
    folder.mkdir(parents=True)
    target = folder / stored_name(shown)
    try:
        size, digest = _copy(stream, target, settings.max_upload_bytes)
        if size == 0:
            raise UploadRefused(400, "The file is empty.")
        problem = sniff(target, shown or "the file")
        if problem:
            raise UploadRefused(415, problem)
        now = datetime.now(UTC)
        upload = Upload(
            id=upload_id, status="queued", progress=0.0, error=None, title=title, team=team,
            attendees=attendees or "", original_name=shown,
            stored_path=target.relative_to(settings.data_dir).as_posix(), size_bytes=size,
            content_hash=digest, meeting_title=None, report_stem=None, created_at=now,
            updated_at=now,
        )  # fmt: skip
        store.add_upload(upload)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    app.state.jobs.enqueue(upload_id)
    return upload


def _copy(stream: BinaryIO, target: Path, limit: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadRefused(413, "The upload is larger than this server accepts.")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def sniff(path: Path, shown: str) -> str | None:
    """None when the file is a recording or a transcript voiceshare reads; else one sentence."""
    from voiceshare.audio.decode import looks_like_audio
    from voiceshare.errors import UnknownFormatError
    from voiceshare.readers import Source, detect_format

    if looks_like_audio(path):
        return None
    try:
        detect_format(Source.from_path(path))
    except UnknownFormatError:
        return (
            f"{shown} is neither a recording nor a transcript in a format voiceshare reads "
            "(see `voiceshare formats`)."
        )
    except VoiceshareError as exc:
        return str(exc).replace(str(path), shown)
    return None


# -- views --------------------------------------------------------------------------------


@cache
def _templates() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("voiceshare.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("session", None)
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def status_json(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "status": upload.status,
        "progress": round(upload.progress, 3),
        "error": upload.error,
        "title": upload.title or upload.meeting_title,
        "team": upload.team,
        "file": upload.original_name,
        "created_at": upload.created_at.isoformat(),
        "report_url": f"/meetings/{upload.id}/report" if upload.status == "done" else None,
        "report_json_url": (
            f"/api/meetings/{upload.id}/report.json" if upload.status == "done" else None
        ),
    }


def _get_upload(app: FastAPI, upload_id: str) -> Upload:
    store: Store = app.state.store
    upload = store.upload(upload_id) if _ID.fullmatch(upload_id) else None
    if upload is None:
        raise HTTPException(404, "There is no such meeting.")
    return upload


def _report_file(app: FastAPI, upload: Upload, extension: str) -> Path:
    if upload.status != "done" or not upload.report_stem:
        raise HTTPException(409, f"The report is not ready: the analysis is {upload.status}.")
    settings: Settings = app.state.settings
    folder = results_dir(settings, upload.id).resolve()
    path = (folder / f"{upload.report_stem}.{extension}").resolve()
    if path.parent != folder or not path.is_file():
        raise HTTPException(404, "The report's file is missing.")
    return path


def delete_upload(app: FastAPI, upload_id: str) -> None:
    if not _ID.fullmatch(upload_id):
        raise HTTPException(404, "There is no such meeting.")
    settings: Settings = app.state.settings
    removed = app.state.store.delete_upload(upload_id)
    if removed is None:
        raise HTTPException(404, "There is no such meeting.")
    shutil.rmtree(settings.uploads_dir / upload_id, ignore_errors=True)
    shutil.rmtree(results_dir(settings, upload_id), ignore_errors=True)


# -- the application ----------------------------------------------------------------------


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The service. It opens the store (unless given one) and starts `settings.workers`
    analysis threads for its lifetime."""
    # Meeting recordings are sensitive: folders only the service's user can read.
    for folder in (settings.data_dir, settings.uploads_dir, settings.results_dir):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    owned = store is None
    store = store or Store.open(settings.store_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.jobs.start(settings.workers)
        app.state.jobs.start_recovery()
        try:
            yield
        finally:
            app.state.jobs.stop()
            if owned:
                store.close()

    app = FastAPI(
        title="voiceshare",
        summary="Upload a meeting's recording or transcript and read its inclusion report.",
        lifespan=lifespan,
        # Swagger UI and ReDoc load scripts from elsewhere: the schema is served, the viewers not.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.jobs = Jobs(settings, store)
    app.state.failed_tokens = FailedTokens()
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    _add_routes(app)

    @app.exception_handler(_LoginRequired)
    async def _to_login(request: Request, exc: _LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        response = page("error.html.j2", exc.status_code, message=exc.detail)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(UploadRefused)
    async def _refused(request: Request, exc: UploadRefused) -> Response:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    app.add_middleware(BodyLimit, upload_limit_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def _add_routes(app: FastAPI) -> None:
    # -- API --

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(session: ApiSession) -> dict[str, Any]:
        return app.openapi()

    @app.post("/api/meetings", status_code=202, tags=["meetings"])
    def create_meeting(
        session: ApiSession,
        file: Annotated[UploadFile, File(description="A recording or a transcript.")],
        title: Annotated[str | None, Form()] = None,
        team: Annotated[str | None, Form()] = None,
        attendees: Annotated[str | None, Form(description="Comma-separated names.")] = None,
    ) -> dict[str, str]:
        """Upload a meeting; its analysis is queued. Answers 202 with where to follow it."""
        upload = accept_upload(app, file.file, file.filename, title, team, attendees)
        return {"id": upload.id, "status_url": f"/api/meetings/{upload.id}"}

    @app.get("/api/meetings", tags=["meetings"])
    def list_meetings(session: ApiSession) -> list[dict[str, Any]]:
        """The uploaded meetings, newest first, with their job status."""
        return [status_json(u) for u in app.state.store.uploads()]

    @app.get("/api/meetings/{upload_id}", tags=["meetings"])
    def meeting_status(upload_id: str, session: ApiSession) -> dict[str, Any]:
        """Where the analysis stands: `queued`, `running`, `done` or `failed` (with `error`)."""
        return status_json(_get_upload(app, upload_id))

    @app.get("/api/meetings/{upload_id}/report.json", tags=["meetings"])
    def meeting_report_json(upload_id: str, session: ApiSession) -> Response:
        """The report as JSON (the same document `voiceshare analyze --format json` writes)."""
        path = _report_file(app, _get_upload(app, upload_id), "json")
        return Response(path.read_bytes(), media_type="application/json")

    @app.delete("/api/meetings/{upload_id}", status_code=204, tags=["meetings"])
    def meeting_delete(upload_id: str, session: ApiSession) -> Response:
        """Remove the meeting, its uploaded file and its results."""
        delete_upload(app, upload_id)
        return Response(status_code=204)

    # -- pages --

    @app.get("/", include_in_schema=False)
    def home(session: PageSession) -> Response:
        return RedirectResponse("/meetings", status_code=303)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # no icon, and no 404 in the browser's console

    @app.get("/login", include_in_schema=False)
    def login_form(next: str | None = None) -> Response:
        return page("login.html.j2", next=_safe_next(next), error=None)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        token: Annotated[str, Form()] = "",
        next: Annotated[str | None, Form()] = None,
    ) -> Response:
        settings: Settings = app.state.settings
        if not _token_is_right(request, token.strip()):
            return page(
                "login.html.j2", 401, next=_safe_next(next), error="That token is not right."
            )
        response = RedirectResponse(_safe_next(next), status_code=303)
        cookie = _serializer(settings).dumps({"csrf": secrets.token_urlsafe(24)})
        response.set_cookie(
            SESSION_COOKIE, cookie, max_age=SESSION_MAX_AGE_S, httponly=True, samesite="strict",
            secure=request.url.scheme == "https", path="/",
        )  # fmt: skip
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(session: PageSession, csrf_token: Annotated[str, Form()] = "") -> Response:
        _check_csrf(session, csrf_token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/upload", include_in_schema=False)
    def upload_form(session: PageSession) -> Response:
        return page("upload.html.j2", session=session, error=None, limit=_limit_text(app))

    @app.post("/upload", include_in_schema=False)
    def upload_page(
        session: PageSession,
        file: Annotated[UploadFile, File()],
        csrf_token: Annotated[str, Form()] = "",
        title: Annotated[str | None, Form()] = None,
        team: Annotated[str | None, Form()] = None,
        attendees: Annotated[str | None, Form()] = None,
    ) -> Response:
        _check_csrf(session, csrf_token)
        try:
            upload = accept_upload(app, file.file, file.filename, title, team, attendees)
        except UploadRefused as exc:
            return page(
                "upload.html.j2", exc.status, session=session, error=exc.message,
                limit=_limit_text(app),
            )  # fmt: skip
        return RedirectResponse(f"/meetings/{upload.id}", status_code=303)

    @app.get("/meetings", include_in_schema=False)
    def meetings_page(session: PageSession) -> Response:
        return page("meetings.html.j2", session=session, uploads=app.state.store.uploads())

    @app.get("/meetings/{upload_id}", include_in_schema=False)
    def meeting_page(upload_id: str, session: PageSession) -> Response:
        return page("meeting.html.j2", session=session, upload=_get_upload(app, upload_id))

    @app.get("/meetings/{upload_id}/report", tags=["meetings"], response_class=HTMLResponse)
    def meeting_report(upload_id: str, session: PageSession) -> Response:
        """The report page: the same self-contained HTML `voiceshare analyze --format html`
        writes."""
        path = _report_file(app, _get_upload(app, upload_id), "html")
        return HTMLResponse(path.read_text(encoding="utf-8"), headers={
            "content-security-policy": _REPORT_CSP})  # fmt: skip

    @app.post("/meetings/{upload_id}/delete", include_in_schema=False)
    def meeting_delete_page(
        upload_id: str, session: PageSession, csrf_token: Annotated[str, Form()] = ""
    ) -> Response:
        _check_csrf(session, csrf_token)
        delete_upload(app, upload_id)
        return RedirectResponse("/meetings", status_code=303)

    @app.get("/trends", include_in_schema=False)
    def trends_page(session: PageSession) -> Response:
        teams = sorted({m.team for m in app.state.store.meetings() if m.team})
        return page("trends.html.j2", session=session, teams=teams)

    @app.get("/trends/report", include_in_schema=False)
    def trends_report(session: PageSession, team: str | None = None) -> Response:
        from voiceshare.trends import load_trends, render_html

        trends = load_trends(app.state.store, team or None)
        return HTMLResponse(render_html(trends), headers={"content-security-policy": _REPORT_CSP})


def _limit_text(app: FastAPI) -> str:
    return f"{app.state.settings.max_upload_bytes / (1024 * 1024):g} MB"
