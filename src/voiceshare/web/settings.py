"""What the upload service is told: its token, data folder, store, queue and upload limit.

Everything comes from options or the environment; nothing here imports the web framework, so
the CLI can refuse a bad configuration (one sentence, exit 1) before anything starts.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from voiceshare.errors import ConfigError

TOKEN_ENV = "VOICESHARE_TOKEN"
MAX_UPLOAD_ENV = "VOICESHARE_MAX_UPLOAD_MB"
DATA_DIR_ENV = "VOICESHARE_DATA_DIR"
QUEUE_ENV = "VOICESHARE_QUEUE"
LEASE_ENV = "VOICESHARE_JOB_LEASE_S"
# A running job whose worker has not shown a sign of life for this long is queued again.
DEFAULT_JOB_LEASE_S = 120.0
DEFAULT_MAX_UPLOAD_MB = 500
# A token shorter than this is too easy to guess for a service that holds meeting recordings.
MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class Settings:
    """The service's configuration (see `load_settings`)."""

    token: str
    data_dir: Path
    store_url: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    # None: a SQLite queue file in the data folder; else a redis:// URL shared by all workers.
    queue_url: str | None = None
    # Analysis threads the web process runs itself; 0 when separate workers run the jobs.
    workers: int = 1
    # True when no token was configured and a random one was made for this run (loopback only).
    token_generated: bool = False
    # Seconds without a heartbeat after which a running job counts as lost (its worker died)
    # and is queued again; workers beat every quarter of it.
    job_lease_s: float = DEFAULT_JOB_LEASE_S

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def results_dir(self) -> Path:
        return self.data_dir / "results"

    @property
    def queue_file(self) -> Path:
        return self.data_dir / "queue.db"


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_data_dir() -> Path:
    """`web` in the user's voiceshare data folder (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("voiceshare", appauthor=False) / "web"


def _number(env: dict[str, str], name: str, default: float) -> tuple[float, str]:
    """The number in environment variable `name` (`default` when unset), and the text it came
    from; -1.0 for text that is not a number, for the caller's range check to refuse."""
    raw = env.get(name, "").strip() or str(default)
    try:
        return float(raw), raw
    except ValueError:
        return -1.0, raw


def load_settings(
    host: str = "127.0.0.1",
    *,
    store_url: str | None = None,
    data_dir: Path | None = None,
    workers: int = 1,
    environ: dict[str, str] | None = None,
    serving: bool = True,
) -> Settings:
    """Settings from the options given and the environment.

    Without `VOICESHARE_TOKEN` the service refuses to listen anywhere but loopback; on loopback
    it makes a random token for this run (the CLI prints it once), so even a laptop-only
    service never answers without one. Separate workers (`serving=False`) answer no requests
    and need no token.
    """
    env = dict(os.environ) if environ is None else environ
    token = env.get(TOKEN_ENV, "").strip()
    generated = False
    if not token and not serving:
        token = "-"
    elif not token:
        if not is_loopback(host):
            raise ConfigError(
                f"refusing to listen on {host} without a token: set {TOKEN_ENV} to a long "
                "random secret (or listen on 127.0.0.1)."
            )
        token, generated = secrets.token_urlsafe(24), True
    elif serving and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"{TOKEN_ENV} is too short to be safe: use at least {MIN_TOKEN_CHARS} random "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)."
        )
    limit_mb, raw_limit = _number(env, MAX_UPLOAD_ENV, DEFAULT_MAX_UPLOAD_MB)
    if not limit_mb > 0:
        raise ConfigError(
            f"{MAX_UPLOAD_ENV} must be a positive number of megabytes, not {raw_limit!r}."
        )
    queue_url = env.get(QUEUE_ENV, "").strip() or None
    if queue_url is not None and not queue_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"{QUEUE_ENV} must be a redis:// URL (leave it unset for the SQLite queue in the "
            "data folder)."
        )
    lease_s, raw_lease = _number(env, LEASE_ENV, DEFAULT_JOB_LEASE_S)
    if not 1.0 <= lease_s <= 86400.0:
        raise ConfigError(
            f"{LEASE_ENV} must be a number of seconds from 1 to 86400, not {raw_lease!r}."
        )
    folder = data_dir or (Path(env[DATA_DIR_ENV]) if env.get(DATA_DIR_ENV) else None)
    return Settings(
        token=token,
        data_dir=(folder or default_data_dir()).expanduser().resolve(),
        store_url=store_url,
        max_upload_bytes=int(limit_mb * 1024 * 1024),
        queue_url=queue_url,
        workers=workers,
        token_generated=generated,
        job_lease_s=lease_s,
    )
