"""The store of analysed meetings: open (and migrate) a database, save a meeting in one
transaction, and read back what `people` and `trends` need.

One process writes: the batch's worker processes analyse, the parent saves. Every meeting is
saved in its own transaction (its row, its people, their metrics and its JSON report together),
so a crash leaves each meeting either wholly stored or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from voiceshare.errors import ConfigError
from voiceshare.metrics.speaking import name_key
from voiceshare.store import tables as t

ENV_VAR = "VOICESHARE_STORE"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration. Opening a store already at it needs no Alembic import (a third of a
# second); a test checks that this is the head of `migrations/versions`.
HEAD_REVISION = "0003"

# Fields copied from a report's speaker row into `meeting_people`, as the JSON schema names them.
_PERSON_FIELDS = (
    "speaking_time_s", "share", "quiet", "spoke", "turns", "utterances", "words",
    "interruptions_made", "interruptions_received", "interruptions_made_per_10min",
    "interruptions_received_per_10min", "talked_over", "questions_asked",
    "questions_unanswered", "dismissals_received", "dismissals_made",
)  # fmt: skip
_ADDITIVE = (
    "speaking_time_s", "share", "turns", "utterances", "words", "interruptions_made",
    "interruptions_received", "talked_over", "questions_asked", "questions_unanswered",
    "dismissals_received", "dismissals_made",
)  # fmt: skip


class StoreError(ConfigError):
    """The store cannot be opened, read or written; the message says which and why."""


def default_store_url() -> str:
    """`sqlite:///` file `voiceshare.db` in the user's data directory (platformdirs)."""
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('voiceshare', appauthor=False) / 'voiceshare.db'}"


def resolve_store_url(given: str | None = None) -> str:
    """The URL given, else `VOICESHARE_STORE`, else the default file."""
    return given or os.environ.get(ENV_VAR) or default_store_url()


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


@dataclass(frozen=True)
class MeetingRecord:
    """One analysed meeting, as the batch hands it to the store.

    `report` holds at least the `meeting`, `speakers`, `balance`, `schema_version`, `generator`
    and `pseudonymised` keys of `MeetingReport.to_dict()`; `report_json` is the whole document.
    `labels` maps a person (as named in the report) to the source's label for them;
    `aliases` maps a person to the aliases an alias file declared for them.
    """

    content_hash: str
    report: Mapping[str, Any]
    report_json: str
    settings_hash: str
    team: str | None = None
    date: dt.date | None = None
    date_origin: str | None = None
    report_stem: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredMeeting:
    """What the store knows about a file already analysed (for skipping and the index)."""

    id: int
    content_hash: str
    settings_hash: str
    report_stem: str | None
    title: str
    source: str | None
    team: str | None
    date: dt.date | None
    date_origin: str | None
    duration_s: float | None
    present: int
    gini: float | None
    quiet_voices: int


@dataclass(frozen=True)
class PersonRow:
    """A person in the store: how many meetings they attended, when, and their aliases."""

    name: str
    meetings: int
    first_date: dt.date | None
    last_date: dt.date | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class MeetingSummary:
    """A stored meeting's balance figures, for trends."""

    id: int
    title: str
    team: str | None
    date: dt.date | None
    basis: str | None
    present: int
    equal_share: float | None
    gini: float | None
    entropy: float | None
    measured: frozenset[str]


@dataclass(frozen=True)
class AttendanceRow:
    """One person in one stored meeting, for trends."""

    meeting_id: int
    person: str
    share: float
    equal_share: float | None
    quiet: bool
    spoke: bool
    speaking_time_s: float | None
    interruptions_received: int
    interruptions_received_per_10min: float | None
    questions_unanswered: int
    dismissals_received: int


UploadStatus = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class Upload:
    """A meeting uploaded through the web service, and where its analysis job stands."""

    id: str
    status: UploadStatus
    progress: float
    error: str | None
    title: str | None
    team: str | None
    attendees: str
    original_name: str | None
    stored_path: str
    size_bytes: int
    content_hash: str
    meeting_title: str | None
    report_stem: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    attempts: int = 0


class Store:
    """A voiceshare store at a database URL. Use `Store.open(url)`; close it (or use `with`)."""

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True) -> Store:
        """Open the store at `url` (see `resolve_store_url`) and bring its schema up to date.

        With `create=False` (reading commands), a store that does not exist yet is an error
        instead of a new empty database.
        """
        url = _normalise_url(resolve_store_url(url))
        shown = display_url(url)
        try:
            parsed = sa.make_url(url)
        except sa.exc.ArgumentError:
            raise StoreError(
                f"{url!r} is not a database URL (use e.g. sqlite:///meetings.db or "
                "postgresql://user@host/dbname)."
            ) from None
        if parsed.get_backend_name() == "sqlite":
            _prepare_sqlite_path(parsed, shown, create)
        try:
            engine = _engine(parsed)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
            raise StoreError(f"cannot open the store {shown}: {_reason(exc)}.") from None
        store = cls(engine, shown)
        try:
            store._migrate(create)
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn a database failure into one sentence naming the store."""
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot {doing} the store {self.url}: {_reason(exc)}.") from None

    def _migrate(self, create: bool) -> None:
        if self._current_revision() == HEAD_REVISION:
            return
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        scripts = ScriptDirectory.from_config(config)
        head = scripts.get_current_head()
        with self._errors("open"), self.engine.begin() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head:
                return
            if current is None and not create:
                raise StoreError(
                    f"there is no voiceshare store at {self.url} yet; "
                    "`voiceshare batch` creates it."
                )
            if current is not None and current not in {
                s.revision for s in scripts.walk_revisions()
            }:
                raise StoreError(
                    f"the store {self.url} was made by a newer voiceshare (schema {current}); "
                    "upgrade voiceshare to use it."
                )
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _current_revision(self) -> str | None:
        """The `alembic_version` row, read with plain SQL (None when there is no such table)."""
        with self._errors("open"), self.engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            versions = connection.scalars(sa.text("SELECT version_num FROM alembic_version"))
            found = list(versions)
        return found[0] if len(found) == 1 else None

    def revision(self) -> str | None:
        """The schema revision the database is at."""
        from alembic.runtime.migration import MigrationContext

        with self._errors("read"), self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # -- writing -------------------------------------------------------------------------

    def save(self, record: MeetingRecord) -> int:
        """Store one meeting in one transaction, replacing an earlier analysis of the same
        file. Returns the meeting's row id."""
        with self._errors("write to"), self.engine.begin() as connection:
            return _save(connection, record)

    # -- reading -------------------------------------------------------------------------

    def stored(self, content_hashes: Iterable[str]) -> dict[str, StoredMeeting]:
        """The stored meetings among `content_hashes`, by hash."""
        wanted = list(dict.fromkeys(content_hashes))
        found: dict[str, StoredMeeting] = {}
        m = t.meetings
        columns = [
            m.c.id, m.c.content_hash, m.c.settings_hash, m.c.report_stem, m.c.title,
            m.c.source, m.c.team, m.c.date, m.c.date_origin, m.c.duration_s, m.c.present,
            m.c.gini, m.c.quiet_voices,
        ]  # fmt: skip
        with self._errors("read"), self.engine.connect() as connection:
            # In chunks: databases limit how many parameters one statement may have.
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = sa.select(*columns).where(m.c.content_hash.in_(chunk))
                for row in connection.execute(query):
                    found[row.content_hash] = StoredMeeting(*row)
        return found

    def meeting_count(self) -> int:
        with self._errors("read"), self.engine.connect() as connection:
            return int(connection.scalar(sa.select(sa.func.count()).select_from(t.meetings)) or 0)

    def report(self, content_hash: str) -> str | None:
        """The stored JSON report of a file, by the SHA-256 of its content."""
        query = (
            sa.select(t.meeting_reports.c.report_json)
            .join(t.meetings, t.meetings.c.id == t.meeting_reports.c.meeting_id)
            .where(t.meetings.c.content_hash == content_hash)
        )
        with self._errors("read"), self.engine.connect() as connection:
            return connection.scalar(query)

    def meetings(
        self, team: str | None = None, since: dt.date | None = None
    ) -> list[MeetingSummary]:
        """Stored meetings (of `team`, on or after `since`), oldest first; undated last."""
        m = t.meetings
        query = sa.select(
            m.c.id, m.c.title, m.c.team, m.c.date, m.c.basis, m.c.present, m.c.equal_share,
            m.c.gini, m.c.entropy, m.c.measured,
        ).where(*_filters(team, since))  # fmt: skip
        with self._errors("read"), self.engine.connect() as connection:
            rows = [
                MeetingSummary(
                    row.id,
                    row.title,
                    row.team,
                    row.date,
                    row.basis,
                    row.present,
                    row.equal_share,
                    row.gini,
                    row.entropy,
                    frozenset(filter(None, row.measured.split(","))),
                )
                for row in connection.execute(query)
            ]
        return sorted(rows, key=lambda r: (r.date is None, r.date or dt.date.min, r.id))

    def attendance(
        self, team: str | None = None, since: dt.date | None = None
    ) -> list[AttendanceRow]:
        """Every person's row in the stored meetings (of `team`, on or after `since`)."""
        m, mp, p = t.meetings, t.meeting_people, t.people
        query = (
            sa.select(
                mp.c.meeting_id,
                p.c.name,
                mp.c.share,
                mp.c.equal_share,
                mp.c.quiet,
                mp.c.spoke,
                mp.c.speaking_time_s,
                mp.c.interruptions_received,
                mp.c.interruptions_received_per_10min,
                mp.c.questions_unanswered,
                mp.c.dismissals_received,
            )
            .join(m, m.c.id == mp.c.meeting_id)
            .join(p, p.c.id == mp.c.person_id)
            .where(*_filters(team, since))
        )
        with self._errors("read"), self.engine.connect() as connection:
            return [AttendanceRow(*row) for row in connection.execute(query)]

    def people(self, team: str | None = None) -> list[PersonRow]:
        """Everyone who attended a stored meeting (of `team`), with their aliases, by name."""
        m, mp, p, a = t.meetings, t.meeting_people, t.people, t.aliases
        query = (
            sa.select(
                p.c.id,
                p.c.name,
                sa.func.count(mp.c.meeting_id),
                sa.func.min(m.c.date),
                sa.func.max(m.c.date),
            )
            .join(mp, mp.c.person_id == p.c.id)
            .join(m, m.c.id == mp.c.meeting_id)
            .where(*_filters(team, None))
            .group_by(p.c.id, p.c.name)
        )
        with self._errors("read"), self.engine.connect() as connection:
            rows = connection.execute(query).all()
            alias_rows = connection.execute(sa.select(a.c.person_id, a.c.alias)).all()
        by_person: dict[int, list[str]] = {}
        for person_id, alias in alias_rows:
            by_person.setdefault(person_id, []).append(alias)
        people = [
            PersonRow(name, count, first, last, tuple(sorted(set(by_person.get(pid, [])) - {name})))
            for pid, name, count, first, last in rows
        ]
        return sorted(people, key=lambda r: name_key(r.name))

    # -- uploads (the web service) --------------------------------------------------------

    def add_upload(self, upload: Upload) -> None:
        """Record a new upload (in one transaction)."""
        with self._errors("write to"), self.engine.begin() as connection:
            connection.execute(t.uploads.insert(), _upload_row(upload))

    def update_upload(
        self,
        upload_id: str,
        *,
        status: UploadStatus | None = None,
        progress: float | None = None,
        error: str | None = None,
        meeting_title: str | None = None,
        report_stem: str | None = None,
        attempt: int | None = None,
    ) -> bool:
        """Change an upload's job status (the fields given); False when it no longer exists,
        or, with `attempt` (what `claim_upload` gave this worker), when the job is no longer
        this worker's (queued again and taken by another, or ended)."""
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("status", status),
                ("progress", progress),
                ("error", error),
                ("meeting_title", meeting_title),
                ("report_stem", report_stem),
            )
            if value is not None
        }
        changes["updated_at"] = dt.datetime.now(dt.UTC)
        if status == "done":
            changes["error"] = None  # a job done at last has no error left to show
        u = t.uploads
        conditions = [u.c.id == upload_id]
        if attempt is not None:
            conditions += [u.c.status == "running", u.c.attempts == attempt]
        with self._errors("write to"), self.engine.begin() as connection:
            result = connection.execute(u.update().where(*conditions).values(**changes))
            return bool(result.rowcount)

    def claim_upload(self, upload_id: str) -> Upload | None:
        """Take a queued upload's job for this worker: `running`, one more attempt. None when
        it is not queued (done, failed, deleted, or already taken by another worker)."""
        u = t.uploads
        now = dt.datetime.now(dt.UTC)
        with self._errors("write to"), self.engine.begin() as connection:
            taken = connection.execute(
                u.update()
                .where(u.c.id == upload_id, u.c.status == "queued")
                .values(
                    status="running", progress=0.05, error=None, updated_at=now,
                    attempts=u.c.attempts + 1,
                )
            ).rowcount  # fmt: skip
            if not taken:
                return None
            row = connection.execute(sa.select(u).where(u.c.id == upload_id)).first()
        return None if row is None else _upload(row)

    def touch_upload(self, upload_id: str, attempt: int) -> bool:
        """The running job's heartbeat: its worker (the one given `attempt`) is alive. False
        when the job is no longer that worker's."""
        return self.update_upload(upload_id, attempt=attempt)

    def requeue_stale_uploads(
        self,
        older_than: dt.datetime,
        max_attempts: int,
        error: str,
        enqueue: Callable[[str], None],
    ) -> list[str]:
        """Running jobs whose heartbeat stopped before `older_than` lost their worker: each goes
        back to `queued` and `enqueue(id)` puts it on the queue in the same transaction (if that
        fails, the job stays as it was, for the next try), or, after `max_attempts` tries, it
        is `failed` with `error`. Safe when several workers do it at once: each stale job is
        moved by exactly one of them. Returns the ids queued again."""
        u = t.uploads
        stale = (u.c.status == "running", u.c.updated_at < older_than)
        requeued: list[str] = []
        with self._errors("read"), self.engine.connect() as connection:
            rows = connection.execute(sa.select(u.c.id, u.c.attempts).where(*stale)).all()
        for upload_id, attempts in rows:
            if attempts >= max_attempts:
                values: dict[str, Any] = {"status": "failed", "progress": 1.0, "error": error}
            else:
                values = {"status": "queued", "progress": 0.0}
            with self._errors("write to"), self.engine.begin() as connection:
                moved = connection.execute(
                    u.update()
                    .where(u.c.id == upload_id, *stale)
                    .values(updated_at=dt.datetime.now(dt.UTC), **values)
                ).rowcount
                if moved and values["status"] == "queued":
                    enqueue(upload_id)  # raising rolls the move back
                    requeued.append(upload_id)
        return requeued

    def upload(self, upload_id: str) -> Upload | None:
        """One upload by its id."""
        with self._errors("read"), self.engine.connect() as connection:
            row = connection.execute(
                sa.select(t.uploads).where(t.uploads.c.id == upload_id)
            ).first()
        return None if row is None else _upload(row)

    def uploads(self, limit: int = 500) -> list[Upload]:
        """The most recent uploads, newest first."""
        query = sa.select(t.uploads).order_by(t.uploads.c.created_at.desc()).limit(limit)
        with self._errors("read"), self.engine.connect() as connection:
            return [_upload(row) for row in connection.execute(query)]

    def delete_upload(self, upload_id: str) -> Upload | None:
        """Remove an upload and, unless another upload holds the same file, its analysed
        meeting (in one transaction). Returns what was removed (None: there was no such
        upload); its files are the caller's to remove."""
        u = t.uploads
        with self._errors("write to"), self.engine.begin() as connection:
            row = connection.execute(sa.select(u).where(u.c.id == upload_id)).first()
            if row is None:
                return None
            connection.execute(u.delete().where(u.c.id == upload_id))
            _delete_orphaned_meeting(connection, row.content_hash)
        return _upload(row)

    def forget_meeting(self, content_hash: str) -> None:
        """Remove the analysed meeting of a file unless an upload still holds that file (a
        job that finished after its upload was deleted)."""
        with self._errors("write to"), self.engine.begin() as connection:
            _delete_orphaned_meeting(connection, content_hash)


def _filters(team: str | None, since: dt.date | None) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if team is not None:
        conditions.append(t.meetings.c.team == team)
    if since is not None:
        conditions.append(t.meetings.c.date >= since)
    return conditions


def _normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean PostgreSQL through psycopg 3 (the driver
    voiceshare installs), not SQLAlchemy's default psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _prepare_sqlite_path(parsed: sa.URL, shown: str, create: bool) -> None:
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise StoreError(
            f"{shown} is not a file; give the store a path, e.g. sqlite:///meetings.db."
        )
    path = Path(database).expanduser()
    if path.is_dir():
        raise StoreError(f"cannot open the store {shown}: {path} is a folder, not a file.")
    if path.exists():
        return
    if not create:
        raise StoreError(
            f"there is no voiceshare store at {path} yet; `voiceshare batch` creates it."
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store {shown}: {exc.strerror or exc} ({path.parent})."
        ) from None


def _engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() == "sqlite":
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Readers (trends) are not blocked while a batch writes; a committed meeting
            # survives a crash of the process.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = 10
    return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's boilerplate."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line.rstrip(".")


def _insert_missing(
    connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], keys: list[str]
) -> None:
    """Insert rows whose `keys` are not in `table` yet; safe when another writer races us."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        connection.execute(sqlite.insert(table).on_conflict_do_nothing(index_elements=keys), rows)
        return
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=keys)
        connection.execute(statement, rows)
        return
    for row in rows:
        exists = sa.select(sa.literal(1)).where(*(table.c[k] == row[k] for k in keys))
        if connection.scalar(exists) is None:
            connection.execute(table.insert(), row)


def _people_ids(connection: sa.Connection, names: Iterable[str]) -> dict[str, int]:
    """The people row id of each name (by `name_key`), creating people not seen before."""
    now = dt.datetime.now(dt.UTC)
    by_key = {name_key(name): name for name in names}
    _insert_missing(
        connection,
        t.people,
        [{"key": key, "name": name, "created_at": now} for key, name in by_key.items()],
        ["key"],
    )
    query = sa.select(t.people.c.key, t.people.c.id).where(t.people.c.key.in_(list(by_key)))
    return {key: person_id for key, person_id in connection.execute(query)}


def _merged_speakers(speakers: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Speaker rows by person key. Two report rows for one person (names that differ only in
    case) are added together."""
    merged: dict[str, dict[str, Any]] = {}
    for speaker in speakers:
        key = name_key(speaker["name"])
        row = {"name": speaker["name"], **{f: speaker.get(f) for f in _PERSON_FIELDS}}
        for count in ("questions_asked", "questions_unanswered", "dismissals_received",
                      "dismissals_made", "talked_over"):  # fmt: skip
            row[count] = row[count] or 0
        if key not in merged:
            merged[key] = row
            continue
        into = merged[key]
        for name in _ADDITIVE:
            if into[name] is None or row[name] is None:
                into[name] = into[name] if row[name] is None else row[name]
            else:
                into[name] += row[name]
        into["spoke"] = bool(into["spoke"] or row["spoke"])
        into["quiet"] = bool(into["quiet"] and row["quiet"])
        for rate, count in (
            ("interruptions_made_per_10min", "interruptions_made"),
            ("interruptions_received_per_10min", "interruptions_received"),
        ):
            seconds = into["speaking_time_s"]
            into[rate] = into[count] / (seconds / 600.0) if seconds else None
    return merged


def _save(connection: sa.Connection, record: MeetingRecord) -> int:
    report = record.report
    info, balance = report["meeting"], report["balance"]
    speakers = _merged_speakers(report["speakers"])
    connection.execute(t.meetings.delete().where(t.meetings.c.content_hash == record.content_hash))
    meeting_id = connection.execute(
        t.meetings.insert().returning(t.meetings.c.id),
        {
            "content_hash": record.content_hash,
            "report_id": info["id"],
            "title": info["title"],
            "source": info.get("source"),
            "team": record.team,
            "date": record.date,
            "date_origin": record.date_origin,
            "duration_s": info.get("duration_s"),
            "format": info.get("format") or "",
            "timed": bool(info.get("timed")),
            "basis": balance.get("basis"),
            "present": balance.get("present") or 0,
            "equal_share": balance.get("equal_share"),
            "gini": balance.get("gini"),
            "entropy": balance.get("entropy"),
            "quiet_voices": len(balance.get("quiet_voices") or ()),
            "utterances": info.get("utterance_count") or 0,
            "pseudonymised": bool(report.get("pseudonymised")),
            "measured": ",".join(
                name
                for name, status in (report.get("analyses") or {}).items()
                if status.get("status") == "measured"
            ),
            "settings_hash": record.settings_hash,
            "report_stem": record.report_stem,
            "generator": report.get("generator") or "",
            "analysed_at": dt.datetime.now(dt.UTC),
        },
    ).scalar_one()
    ids = _people_ids(connection, (row["name"] for row in speakers.values()))
    if speakers:
        connection.execute(
            t.meeting_people.insert(),
            [
                {
                    **row,
                    "meeting_id": meeting_id,
                    "person_id": ids[key],
                    "label": record.labels.get(row["name"]),
                    "equal_share": balance.get("equal_share"),
                }
                for key, row in speakers.items()
            ],
        )
    connection.execute(
        t.meeting_reports.insert(),
        {
            "meeting_id": meeting_id,
            "schema_version": report.get("schema_version") or "",
            "report_json": record.report_json,
        },
    )
    _insert_missing(
        connection, t.aliases, _alias_rows(record, speakers, ids), ["person_id", "alias"]
    )
    return int(meeting_id)


def _alias_rows(
    record: MeetingRecord, speakers: Mapping[str, Mapping[str, Any]], ids: Mapping[str, int]
) -> list[dict[str, Any]]:
    """Aliases worth remembering: what an alias file merged into a person, the source's label
    for them, and their name as written when it differs from the stored name."""
    rows: dict[tuple[int, str], str] = {}
    for key, row in speakers.items():
        person_id = ids[key]
        candidates = [
            *((alias, "speaker map") for alias in record.aliases.get(row["name"], ())),
            *(
                ((record.labels[row["name"]], "source label"),)
                if row["name"] in record.labels
                else ()
            ),
            (row["name"], "as written"),
        ]
        for alias, origin in candidates:
            alias = " ".join(str(alias).split())
            if alias:
                rows.setdefault((person_id, alias), origin)
    return [
        {"person_id": pid, "alias": alias, "origin": origin}
        for (pid, alias), origin in rows.items()
    ]


def _upload_row(upload: Upload) -> dict[str, Any]:
    return {f.name: getattr(upload, f.name) for f in fields(Upload)}


def _upload(row: sa.Row[Any]) -> Upload:
    values = row._asdict()
    for stamp in ("created_at", "updated_at"):
        # SQLite gives naive datetimes back; they were stored in UTC.
        if values[stamp].tzinfo is None:
            values[stamp] = values[stamp].replace(tzinfo=dt.UTC)
    return Upload(**values)


def _delete_orphaned_meeting(connection: sa.Connection, content_hash: str) -> None:
    still_held = connection.scalar(
        sa.select(sa.func.count())
        .select_from(t.uploads)
        .where(t.uploads.c.content_hash == content_hash)
    )
    if not still_held:
        connection.execute(t.meetings.delete().where(t.meetings.c.content_hash == content_hash))
