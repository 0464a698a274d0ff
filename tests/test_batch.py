"""`voiceshare batch`: the same reports as `analyze`, in parallel, resumable, one bad file never
stopping the rest, an index of every meeting, and each meeting saved whole to the store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.test_store import store_url_for
from voiceshare.batch import BatchProgress, run_batch, speaker_map_for
from voiceshare.cli import expand_inputs, main
from voiceshare.pipeline import Options
from voiceshare.store import Store

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file() and p.suffix != ".md")

MEETING_A = """WEBVTT

00:00:00.000 --> 00:00:20.000
Ana Ruiz: I have the whole update on the release and the migration plan for next week.

00:00:20.000 --> 00:00:22.000
SPEAKER_02: Okay, one small question.

00:00:22.000 --> 00:00:40.000
Ben Ode: Let me answer that and then go through the rest of the test results in detail.
"""


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A folder with the sample meetings in it."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for path in SAMPLE_FILES:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store on each backend."""
    for url in store_url_for(request.param, tmp_path):
        with Store.open(url) as opened:
            yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store."""
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as opened:
        yield opened


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script the way a user would."""
    exe = Path(sys.executable).with_name("voiceshare")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


def test_batch_writes_exactly_what_analyze_writes(exports: Path, tmp_path: Path) -> None:
    """Every report file of `batch` is byte for byte the one `analyze` writes."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["analyze", str(exports), "-o", str(tmp_path / "single")]) == 0
    assert main(["batch", str(exports), "-o", str(tmp_path / "batch"), "--store", store]) == 0
    single = sorted(p.name for p in (tmp_path / "single").iterdir())
    assert single == sorted(
        p.name for p in (tmp_path / "batch").iterdir() if not p.name.startswith("index.")
    )
    for name in single:
        assert (tmp_path / "batch" / name).read_bytes() == (tmp_path / "single" / name).read_bytes()


def test_parallel_workers_give_the_same_reports_as_one(exports: Path, tmp_path: Path) -> None:
    """With `--jobs 2` (a process pool) the reports and the stored meetings are the same."""
    files = list(expand_inputs((str(exports),)))
    results = {}
    for jobs in (1, 2):
        with Store.open(f"sqlite:///{tmp_path / f'{jobs}.db'}") as store:
            result = run_batch(files, tmp_path / f"out{jobs}", store=store, jobs=jobs)
            results[jobs] = sorted((r.person, r.share) for r in store.attendance())
        assert len(result.analysed) == len(files) and not result.failures
    assert results[1] == results[2]
    for path in (tmp_path / "out1").glob("*.json"):
        assert path.read_bytes() == (tmp_path / "out2" / path.name).read_bytes()


def test_each_meeting_is_stored_with_its_report(
    exports: Path, tmp_path: Path, store: Store
) -> None:
    """The store gets one meeting per file (with the team), its people and its JSON report."""
    files = list(expand_inputs((str(exports),)))
    result = run_batch(files, tmp_path / "out", store=store, team="platform", jobs=2)
    assert store.meeting_count() == len(files) == len(result.analysed)
    assert {m.team for m in store.meetings()} == {"platform"}
    standup = next(p for p in files if "standup" in p.name)
    import hashlib

    stored = json.loads(store.report(hashlib.sha256(standup.read_bytes()).hexdigest()) or "{}")
    written = json.loads((tmp_path / "out" / f"{standup.stem}.json").read_text())
    assert stored == written


def test_a_second_run_skips_what_is_stored(exports: Path, tmp_path: Path) -> None:
    """Files already stored with the same content and settings are skipped; a changed file,
    or one whose report was deleted, is analysed again."""
    files = list(expand_inputs((str(exports),)))
    out = tmp_path / "out"
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        run_batch(files, out, store=store)
        again = run_batch(files, out, store=store)
        assert len(again.unchanged) == len(files) and not again.analysed
        changed, deleted = files[0], files[1]
        changed.write_text(changed.read_text() + "\n")
        (out / f"{deleted.stem}.md").unlink()
        third = run_batch(files, out, store=store)
        assert {o.path for o in third.analysed} == {changed, deleted}
        assert store.meeting_count() == len(files) + 1  # the old version of `changed` stays
        other_team = run_batch(files, out, store=store, team="other")
        assert len(other_team.analysed) == len(files)


def test_an_interrupted_batch_resumes_where_it_stopped(exports: Path, tmp_path: Path) -> None:
    """Stopped after two meetings (Ctrl-C), the next run skips those two and does the rest,
    and every meeting is stored exactly once."""
    files = list(expand_inputs((str(exports),)))
    out = tmp_path / "out"

    def stop_after_two(event: BatchProgress) -> None:
        if event.done == 2:
            raise KeyboardInterrupt

    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        with pytest.raises(KeyboardInterrupt):
            run_batch(files, out, store=store, progress=stop_after_two)
        assert store.meeting_count() == 2
        resumed = run_batch(files, out, store=store)
        assert len(resumed.unchanged) == 2 and len(resumed.analysed) == len(files) - 2
        assert store.meeting_count() == len(files)


def test_one_bad_file_is_named_and_the_rest_go_on(exports: Path, tmp_path: Path) -> None:
    """A corrupt file fails in one line naming it, the others are stored, and the exit is 1."""
    (exports / "corrupt.vtt").write_bytes(b"\x00\x01garbage" * 50)
    (exports / "empty.srt").write_bytes(b"")
    store = f"sqlite:///{tmp_path / 'store.db'}"
    result = run("batch", str(exports), "-o", str(tmp_path / "out"), "--store", store, "-j", "2")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert any("corrupt.vtt" in line for line in errors)
    assert any("empty.srt" in line for line in errors)
    assert f"2 of {len(SAMPLE_FILES) + 2} files failed." in result.stderr
    with Store.open(store) as opened:
        assert opened.meeting_count() == len(SAMPLE_FILES)


def test_the_index_lists_every_meeting_and_every_failure(exports: Path, tmp_path: Path) -> None:
    """index.csv and index.html name every meeting (with links to its reports) and each failure."""
    (exports / "corrupt.vtt").write_bytes(b"\x00\x01garbage" * 50)
    files = list(expand_inputs((str(exports),)))
    out = tmp_path / "out"
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        run_batch(files, out, store=store)
        run_batch(files, out, store=store)  # the second index still lists the skipped ones
    rows = list(csv.DictReader((out / "index.csv").open()))
    assert len(rows) == len(files)
    by_status = {row["status"] for row in rows}
    assert by_status == {"unchanged", "failed"}
    failed = next(row for row in rows if row["status"] == "failed")
    assert "corrupt.vtt" in failed["error"] and failed["reports"] == ""
    standup = next(row for row in rows if "standup" in row["source"])
    assert standup["reports"] == "2026-03-02_standup.json;2026-03-02_standup.md"
    assert standup["date"] == "2026-03-02" and standup["date_origin"] == "file name"
    page = (out / "index.html").read_text()
    assert 'href="2026-03-02_standup.md"' in page and "corrupt.vtt" in page
    assert "<script" not in page and "http" not in page


def test_without_a_date_the_file_modification_time_is_used(tmp_path: Path) -> None:
    """A file with no date in its content or name is dated by its modification time, and the
    store records where the date came from."""
    path = tmp_path / "weekly.vtt"
    path.write_text(MEETING_A)
    stamp = dt.datetime(2023, 5, 17, 12, 0).timestamp()
    os.utime(path, (stamp, stamp))
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        result = run_batch([path], tmp_path / "out", store=store)
        (stored,) = store.stored([_sha256(path)]).values()
    assert result.outcomes[0].date == dt.date(2023, 5, 17)
    assert stored.date == dt.date(2023, 5, 17) and stored.date_origin == "file modified"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_speaker_map_merges_aliases_across_meetings(tmp_path: Path) -> None:
    """`Ana` and `Ana Ruiz` are one person through the map, and `SPEAKER_02` is Cleo Park in
    one meeting only; `voiceshare people` lists the aliases."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2024-01-10_sync.vtt").write_text(MEETING_A)
    (folder / "2024-01-17_sync.vtt").write_text(
        MEETING_A.replace("Ana Ruiz", "Ana").replace("SPEAKER_02", "Cleo Park")
    )
    speaker_map = tmp_path / "people.yaml"
    speaker_map.write_text('Ana: Ana Ruiz\n"2024-01-10_sync::SPEAKER_02": Cleo Park\n')
    store = f"sqlite:///{tmp_path / 'store.db'}"
    args = ["batch", str(folder), "-o", str(tmp_path / "out"), "--store", store]
    assert main([*args, "--speaker-map", str(speaker_map)]) == 0
    with Store.open(store) as opened:
        people = {p.name: p for p in opened.people()}
    assert set(people) == {"Ana Ruiz", "Ben Ode", "Cleo Park"}
    assert people["Ana Ruiz"].meetings == 2 and people["Cleo Park"].meetings == 2
    assert "ana" in people["Ana Ruiz"].aliases
    assert "speaker_02" in people["Cleo Park"].aliases
    listing = run("people", "--store", store)
    assert listing.returncode == 0
    assert "Cleo Park" in listing.stdout and "speaker_02" in listing.stdout
    assert json.loads(run("people", "--store", store, "--json").stdout)[0]["name"] == "Ana Ruiz"


def test_scoped_aliases_apply_to_their_file_only() -> None:
    """`FILE::ALIAS` entries apply to that file (by name or stem, any case) and win there."""
    mapping = {"sam": "Sam Lee", "standup::speaker_02": "Priya Nair", "retro.vtt::sam": "Sam Roe"}
    assert speaker_map_for(Path("x/standup.vtt"), mapping) == {
        "sam": "Sam Lee",
        "speaker_02": "Priya Nair",
    }
    assert speaker_map_for(Path("RETRO.vtt"), mapping) == {"sam": "Sam Roe"}
    assert speaker_map_for(Path("other.vtt"), mapping) == {"sam": "Sam Lee"}
    assert speaker_map_for(Path("other.vtt"), None) is None


def test_a_pseudonymised_batch_keeps_names_out_of_the_store(tmp_path: Path) -> None:
    """With --pseudonymize, neither the reports nor any table of the store holds a real name."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "sync.vtt").write_text(MEETING_A)
    speaker_map = tmp_path / "people.csv"
    speaker_map.write_text("alias,person\nSPEAKER_02,Cleo Park\n")
    store_path = tmp_path / "store.db"
    code = main(
        ["batch", str(folder), "-o", str(tmp_path / "out"), "--store", f"sqlite:///{store_path}",
         "--speaker-map", str(speaker_map), "--pseudonymize"]
    )  # fmt: skip
    assert code == 0
    import sqlite3

    with sqlite3.connect(store_path) as connection:
        dump = "\n".join(connection.iterdump())
    for name in ("Ana", "Ruiz", "Ben", "Cleo", "SPEAKER_02", "speaker_02"):
        assert name not in dump
    assert "Participant 1" in dump


def test_a_missing_input_or_bad_option_is_one_sentence(tmp_path: Path) -> None:
    """An empty folder, an unknown format or an unusable store: one sentence, exit 1."""
    (tmp_path / "empty").mkdir()
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["batch", str(tmp_path / "empty"), "--store", store]) == 1
    (tmp_path / "a.vtt").write_text(MEETING_A)
    assert main(["batch", str(tmp_path / "a.vtt"), "--store", store, "--format", "pdf"]) == 1
    result = run("batch", str(tmp_path / "a.vtt"), "-o", str(tmp_path / "out"), "--store", "nope")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: 'nope' is not a database URL")


def test_the_store_comes_from_the_environment(tmp_path: Path) -> None:
    """VOICESHARE_STORE chooses the store when --store is not given."""
    (tmp_path / "a.vtt").write_text(MEETING_A)
    store = tmp_path / "env.db"
    env = {**os.environ, "VOICESHARE_STORE": f"sqlite:///{store}"}
    exe = Path(sys.executable).with_name("voiceshare")
    args = [str(exe), "batch", str(tmp_path / "a.vtt"), "-o", str(tmp_path / "out")]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    with Store.open(f"sqlite:///{store}", create=False) as opened:
        assert opened.meeting_count() == 1


def test_options_reach_every_worker(tmp_path: Path) -> None:
    """Attendees given to the batch reach the worker processes (through the initializer)."""
    for name in ("one", "two", "three"):
        (tmp_path / f"{name}.vtt").write_text(MEETING_A)
    files = sorted(tmp_path.glob("*.vtt"))
    result = run_batch(files, tmp_path / "out", options=Options(attendees=("Dana Silent",)), jobs=2)
    assert len(result.analysed) == 3
    for path in files:
        report = json.loads((tmp_path / "out" / f"{path.stem}.json").read_text())
        assert "Dana Silent" in report["balance"]["quiet_voices"]
