"""The store of meetings: migrations from an empty database, transactional saves, identity across
meetings, and clear errors, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceshare.cli import main
from voiceshare.store import MeetingRecord, Store, StoreError
from voiceshare.store import database as store_database
from voiceshare.store.tables import metadata

POSTGRES_ENV = "VOICESHARE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def store_url_for(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in `tmp_path`, or a new database on the
    PostgreSQL server of `VOICESHARE_TEST_POSTGRES_URL` (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against (.ci/run)")
    name = f"voiceshare_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend."""
    yield from store_url_for(request.param, tmp_path)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, migrated store."""
    with Store.open(store_url) as opened:
        yield opened


def record(
    content_hash: str, speakers: list[tuple[str, float, bool]], **extra: Any
) -> MeetingRecord:
    """A stored meeting with `(name, share, quiet)` speakers, the rest as a report has it."""
    equal = 1 / len(speakers)
    report = {
        "schema_version": "1.0.0",
        "generator": "test",
        "meeting": {"id": content_hash[:16], "title": f"Meeting {content_hash[:4]}",
                    "source": f"{content_hash[:4]}.vtt", "duration_s": 600.0, "format": "webvtt",
                    "timed": True, "utterance_count": 10},
        "speakers": [
            {"name": name, "speaking_time_s": share * 600, "share": share, "quiet": quiet,
             "spoke": share > 0, "turns": 1, "utterances": 1, "words": 10,
             "interruptions_made": 0, "interruptions_received": 1,
             "interruptions_made_per_10min": 0.0, "interruptions_received_per_10min": 1.0,
             "talked_over": 0, "questions_asked": 0, "questions_unanswered": 0,
             "dismissals_received": 0, "dismissals_made": 0}
            for name, share, quiet in speakers
        ],
        "balance": {"basis": "speaking_time", "present": len(speakers), "equal_share": equal,
                    "gini": 0.2, "entropy": 0.9,
                    "quiet_voices": [n for n, _, q in speakers if q]},
        "analyses": {"speaking_time": {"status": "measured"},
                     "interruptions": {"status": "measured"},
                     "questions": {"status": "not_run"}},
        "pseudonymised": False,
    }  # fmt: skip
    return MeetingRecord(
        content_hash=content_hash, report=report, report_json="{}", settings_hash="s", **extra
    )


def test_migrations_build_exactly_the_declared_schema_from_an_empty_database(
    store_url: str,
) -> None:
    """Upgrading an empty database gives the tables of `tables.py`, nothing missing or extra."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with Store.open(store_url) as opened:
        assert opened.revision() == store_database.HEAD_REVISION
        with opened.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
            tables = set(sa.inspect(connection).get_table_names())
    assert differences == []
    assert {"meetings", "people", "aliases", "meeting_people", "meeting_reports"} <= tables


def test_the_known_head_is_the_newest_migration() -> None:
    """`HEAD_REVISION` (checked on open without importing Alembic) is the migrations' head."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(store_database.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == store_database.HEAD_REVISION


def test_migrations_downgrade_to_empty_and_upgrade_again(store_url: str) -> None:
    """Every migration can be undone, and the store then rebuilds itself on open."""
    from alembic import command
    from alembic.config import Config

    with Store.open(store_url) as opened:
        config = Config()
        config.set_main_option("script_location", str(store_database.MIGRATIONS))
        with opened.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        with opened.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) <= {"alembic_version"}
    with Store.open(store_url) as reopened:
        assert reopened.revision() == store_database.HEAD_REVISION and reopened.meeting_count() == 0


def test_a_saved_meeting_reads_back_with_its_people(store: Store) -> None:
    """Saving stores the meeting, each person's metrics and the JSON report."""
    store.save(record("a" * 64, [("Ana Ruiz", 0.8, False), ("Ben Ode", 0.2, True)]))
    assert store.meeting_count() == 1
    assert store.report("a" * 64) == "{}"
    (meeting,) = store.meetings()
    assert meeting.present == 2 and meeting.measured == {"speaking_time", "interruptions"}
    rows = {row.person: row for row in store.attendance()}
    assert rows["Ben Ode"].share == pytest.approx(0.2) and rows["Ben Ode"].quiet
    assert rows["Ana Ruiz"].interruptions_received == 1


def test_people_match_case_and_whitespace_insensitively(store: Store) -> None:
    """`Ana Ruiz`, `ana  ruiz` and `ANA RUIZ` in three meetings are one person, three meetings."""
    for digit, name in zip("abc", ["Ana Ruiz", "ana  ruiz", "ANA RUIZ"], strict=True):
        store.save(record(digit * 64, [(name, 0.5, False), ("Ben Ode", 0.5, False)]))
    people = {p.name: p for p in store.people()}
    assert set(people) == {"Ana Ruiz", "Ben Ode"}
    assert people["Ana Ruiz"].meetings == 3
    assert set(people["Ana Ruiz"].aliases) == {"ANA RUIZ", "ana ruiz"}


def test_saving_the_same_file_again_replaces_it(store: Store) -> None:
    """One file is one meeting: a second analysis of the same content replaces the first."""
    store.save(record("a" * 64, [("Ana", 0.9, False), ("Ben", 0.1, True)]))
    store.save(record("a" * 64, [("Ana", 0.5, False), ("Ben", 0.5, False)], team="core"))
    assert store.meeting_count() == 1
    assert {row.person: row.share for row in store.attendance()} == {"Ana": 0.5, "Ben": 0.5}
    assert [m.team for m in store.meetings()] == ["core"]


def test_a_crash_while_saving_leaves_no_half_written_meeting(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the meeting and its metrics were written rolls the whole meeting back."""

    def crash(*_: object) -> list[dict[str, Any]]:
        raise RuntimeError("power cut")

    monkeypatch.setattr(store_database, "_alias_rows", crash)
    with pytest.raises(RuntimeError):
        store.save(record("a" * 64, [("Ana", 0.5, False), ("Ben", 0.5, False)]))
    assert store.meeting_count() == 0
    assert store.attendance() == [] and store.people() == []
    with store.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM meeting_reports")) == 0


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shares=st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=8)
)
def test_metrics_round_trip_through_the_store(tmp_path: Path, shares: list[float]) -> None:
    """Whatever the shares, they read back exactly as saved, one row per person."""
    url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
    speakers = [(f"Person {i}", share, share < 0.1) for i, share in enumerate(shares)]
    with Store.open(url) as opened:
        opened.save(record("f" * 64, speakers))
        rows = {row.person: (row.share, row.quiet) for row in opened.attendance()}
    assert rows == {name: (share, quiet) for name, share, quiet in speakers}


BAD_URLS = {
    "not a url": "not a database url",
    "memory": "sqlite://",
    "unreachable server": "postgresql://nobody@127.0.0.1:1/voiceshare",
    "unknown driver": "mysql://someone@localhost/db",
}


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_an_unusable_store_url_is_one_sentence(case: str) -> None:
    """A bad or unreachable store URL raises `StoreError` with one sentence, never a traceback."""
    with pytest.raises(StoreError) as error:
        Store.open(BAD_URLS[case])
    message = str(error.value)
    assert "\n" not in message and message.endswith(".")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """A corrupt store file is named in one sentence, and left as it was."""
    path = tmp_path / "store.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="file is not a database"):
        Store.open(f"sqlite:///{path}")
    assert path.read_bytes() == b"this is not a database" * 100


def test_reading_commands_do_not_create_a_store(tmp_path: Path) -> None:
    """`people` and `trends` on a store that does not exist say so and exit 1, creating nothing."""
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    assert main(["people", "--store", url]) == 1
    assert main(["trends", "--store", url, "-o", str(tmp_path / "out")]) == 1
    assert list(tmp_path.iterdir()) == []


def test_passwords_are_hidden_in_messages() -> None:
    """A store URL's password never appears in an error message."""
    with pytest.raises(StoreError) as error:
        Store.open("postgresql://user:s3cret@127.0.0.1:1/voiceshare")
    assert "s3cret" not in str(error.value)


def test_the_default_store_is_a_file_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without --store, VOICESHARE_STORE decides; without it, voiceshare.db under the data dir."""
    from platformdirs import user_data_path

    from voiceshare.store import default_store_url, resolve_store_url

    monkeypatch.delenv("VOICESHARE_STORE", raising=False)
    assert default_store_url().startswith("sqlite:///")
    assert default_store_url().endswith("voiceshare.db")
    assert str(user_data_path("voiceshare", appauthor=False)) in default_store_url()
    monkeypatch.setenv("VOICESHARE_STORE", "sqlite:///elsewhere.db")
    assert resolve_store_url() == "sqlite:///elsewhere.db"
    assert resolve_store_url("sqlite:///given.db") == "sqlite:///given.db"
