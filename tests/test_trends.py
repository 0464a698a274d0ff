"""`voiceshare trends`: each person's share against their equal share over time, the team's
balance, and the watch list, checked against values computed here from real ICSI meetings."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_store import store_url_for
from voiceshare.batch import run_batch
from voiceshare.cli import main
from voiceshare.store import AttendanceRow, MeetingSummary, Store
from voiceshare.trends import Thresholds, compute_trends, load_trends

# Recurring ICSI "Bmr" meetings (the same research group, speakers like me013 in most of them).
BMR = ["Bmr005", "Bmr006", "Bmr007", "Bmr008", "Bmr009", "Bmr011", "Bmr012", "Bmr013"]


def _union_s(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


@pytest.fixture(scope="module")
def bmr_folder(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight real Bmr meetings written as `speaker,start,end,text` CSV transcripts, one a week."""
    from voiceshare.evaluation.mrda import load_meeting

    folder = tmp_path_factory.mktemp("bmr")
    for week, meeting_id in enumerate(BMR):
        meeting, _ = load_meeting(shared_data / "mrda", meeting_id)
        date = dt.date(2001, 1, 1) + dt.timedelta(weeks=week)
        with (folder / f"{date.isoformat()}_{meeting_id}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["speaker", "start", "end", "text"])
            for u in meeting.utterances:
                writer.writerow([u.speaker, u.start_s, u.end_s, u.text])
    return folder


def expected_from_transcripts(folder: Path) -> dict[str, tuple[int, int, float]]:
    """Per person, computed here straight from the CSV files: (meetings attended, meetings in
    which they were under half the equal share, mean share)."""
    attended: dict[str, list[tuple[bool, float]]] = {}
    for path in sorted(folder.glob("*.csv")):
        spans: dict[str, list[tuple[float, float]]] = {}
        for row in csv.DictReader(path.open()):
            spans.setdefault(row["speaker"], []).append((float(row["start"]), float(row["end"])))
        seconds = {speaker: _union_s(s) for speaker, s in spans.items()}
        total, equal = sum(seconds.values()), 1 / len(seconds)
        for speaker, value in seconds.items():
            share = value / total
            attended.setdefault(speaker, []).append((share < equal / 2, share))
    return {
        person: (len(rows), sum(quiet for quiet, _ in rows), sum(s for _, s in rows) / len(rows))
        for person, rows in attended.items()
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def bmr_store(request: pytest.FixtureRequest, bmr_folder: Path, tmp_path: Path) -> Iterator[Store]:
    """The Bmr meetings batched into an empty store (team `Bmr`) on each backend."""
    for url in store_url_for(request.param, tmp_path):
        with Store.open(url) as store:
            result = run_batch(
                sorted(bmr_folder.glob("*.csv")), tmp_path / "out", store=store, team="Bmr", jobs=2
            )
            assert not result.failures
            yield store


@pytest.mark.shared_data
def test_trends_match_shares_computed_from_the_transcripts(
    bmr_store: Store, bmr_folder: Path
) -> None:
    """Meetings attended, quiet meetings and mean share per person equal an independent
    computation from the transcripts' own times."""
    expected = expected_from_transcripts(bmr_folder)
    trends = load_trends(bmr_store, team="Bmr")
    assert trends.meetings == len(BMR)
    got = {p.name: p for p in trends.people}
    assert set(got) == set(expected)
    for name, (meetings, quiet, mean_share) in expected.items():
        assert got[name].meetings == meetings, name
        assert got[name].quiet_meetings == quiet, name
        assert got[name].mean_share == pytest.approx(mean_share, abs=1e-3), name


@pytest.mark.shared_data
def test_the_watch_list_is_who_was_quiet_in_at_least_half_of_three_or_more(
    bmr_store: Store, bmr_folder: Path
) -> None:
    """Defaults are exactly 3 meetings and half; stricter or looser thresholds move the list
    as computed here, and the list is not trivially empty or everyone on this data."""
    expected = expected_from_transcripts(bmr_folder)
    for min_meetings, fraction in ((3, 0.5), (5, 0.75), (1, 0.25)):
        want = {
            name
            for name, (meetings, quiet, _) in expected.items()
            if meetings >= min_meetings and quiet >= fraction * meetings
        }
        trends = load_trends(bmr_store, thresholds=Thresholds(min_meetings, fraction))
        assert {p.name for p in trends.watchlist} == want
    default = {p.name for p in load_trends(bmr_store).watchlist}
    assert Thresholds() == Thresholds(3, 0.5)
    assert 0 < len(default) < len(expected)


@pytest.mark.shared_data
def test_trends_command_writes_json_html_and_csv(bmr_folder: Path, tmp_path: Path) -> None:
    """`voiceshare trends` writes the JSON document, a self-contained HTML page with a chart per
    person, and the CSV tables; --since keeps only later meetings."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert main(["batch", str(bmr_folder), "-o", str(tmp_path / "out"), "--store", store,
                 "--team", "Bmr"]) == 0  # fmt: skip
    out = tmp_path / "trends"
    assert main(["trends", "--store", store, "--team", "Bmr", "-o", str(out)]) == 0
    document = json.loads((out / "trends.json").read_text())
    assert document["meetings"] == len(BMR)
    assert {"name", "meetings", "quiet_meetings", "quiet_fraction"} <= document["watchlist"][
        0
    ].keys()
    me013 = next(p for p in document["people"] if p["name"] == "me013")
    assert [point["date"] for point in me013["points"]] == sorted(
        point["date"] for point in me013["points"]
    )
    with Store.open(store) as opened:
        questions_ran = all("questions" in m.measured for m in opened.meetings())
    # Where the question analysis did not run, the count is unknown (None), never a 0.
    assert (me013["questions_unanswered"] is None) == (not questions_ran)
    page = (out / "trends.html").read_text()
    assert page.count("<svg") >= len(document["people"])
    assert "<script" not in page and "http://" not in page and "https://" not in page
    rows = list(csv.DictReader((out / "trends.csv").open()))
    assert len(rows) == sum(len(p["points"]) for p in document["people"])
    watch_rows = list(csv.DictReader((out / "trends-watchlist.csv").open()))
    assert [r["person"] for r in watch_rows] == [p["name"] for p in document["watchlist"]]

    assert main(["trends", "--store", store, "--since", "2001-02-01", "-o", str(out),
                 "--format", "json"]) == 0  # fmt: skip
    later = json.loads((out / "trends.json").read_text())
    assert later["meetings"] == sum(
        1 for week in range(len(BMR)) if dt.date(2001, 1, 1) + dt.timedelta(weeks=week)
        >= dt.date(2001, 2, 1)
    )  # fmt: skip
    assert main(["trends", "--store", store, "--team", "nobody", "-o", str(out),
                 "--format", "json"]) == 0  # fmt: skip
    assert json.loads((out / "trends.json").read_text())["meetings"] == 0


@pytest.mark.shared_data
def test_pseudonymised_trends_hide_names_and_titles(bmr_store: Store, tmp_path: Path) -> None:
    """With a pseudonym key, no speaker id or meeting title is in the trends document."""
    from voiceshare.trends import pseudonymised, render_html, render_json

    trends = load_trends(bmr_store)
    hidden = pseudonymised(trends, "secret")
    text = render_json(hidden) + render_html(hidden)
    for person in trends.people:
        assert person.name not in text
    assert "Bmr0" not in text
    assert len({p.name for p in hidden.people}) == len(trends.people)


def _meeting(meeting_id: int, present: int) -> MeetingSummary:
    return MeetingSummary(
        meeting_id, f"m{meeting_id}", None, dt.date(2024, 1, 1) + dt.timedelta(days=meeting_id),
        "speaking_time", present, 1 / present, 0.3, 0.8, frozenset({"speaking_time"}),
    )  # fmt: skip


@given(
    attendance=st.lists(st.lists(st.booleans(), min_size=0, max_size=8), min_size=1, max_size=6),
    min_meetings=st.integers(min_value=1, max_value=5),
    fraction=st.sampled_from([0.25, 0.5, 0.75, 1.0]),
)
def test_watch_list_property(
    attendance: list[list[bool]], min_meetings: int, fraction: float
) -> None:
    """For any attendance, the watch list is exactly the people with at least `min_meetings`
    meetings who were quiet in at least `fraction` of them."""
    meetings = [_meeting(i, 4) for i in range(8)]
    rows = [
        AttendanceRow(i, f"P{person}", 0.3 - 0.25 * quiet, 0.25, quiet, True, 60.0, 0, 0.0, 0, 0)
        for person, flags in enumerate(attendance)
        for i, quiet in enumerate(flags)
    ]  # fmt: skip
    trends = compute_trends(meetings, rows, thresholds=Thresholds(min_meetings, fraction))
    want = {
        f"P{person}"
        for person, flags in enumerate(attendance)
        if len(flags) >= min_meetings and sum(flags) >= fraction * len(flags)
    }
    assert {p.name for p in trends.watchlist} == want
    for person in trends.people:
        assert [p.date for p in person.points] == sorted(p.date for p in person.points)


def test_earlier_and_recent_halves_show_the_direction() -> None:
    """Someone quiet at first and at an equal share later shows a rising share of equal."""
    meetings = [_meeting(i, 4) for i in range(4)]
    shares = [0.05, 0.05, 0.25, 0.25]
    rows = [
        AttendanceRow(i, "Sam", s, 0.25, s < 0.125, True, 60.0, 0, 0.0, 0, 0)
        for i, s in enumerate(shares)
    ]
    (sam,) = compute_trends(meetings, rows).people
    assert sam.earlier_share_of_equal == pytest.approx(0.2)
    assert sam.recent_share_of_equal == pytest.approx(1.0)
    assert sam.quiet_meetings == 2 and sam.quiet_fraction == 0.5


def test_bad_thresholds_and_formats_are_one_sentence(tmp_path: Path) -> None:
    """A zero-meeting threshold or an unknown format is refused with exit 1."""
    store = f"sqlite:///{tmp_path / 'store.db'}"
    Store.open(store).close()
    assert main(["trends", "--store", store, "--format", "pdf", "-o", str(tmp_path)]) == 1
    assert main(["trends", "--store", store, "--min-meetings", "0"]) == 2
    assert main(["trends", "--store", store, "--quiet-fraction", "0"]) == 2
