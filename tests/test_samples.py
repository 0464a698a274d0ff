"""The bundled sample meetings read in their formats and show what they were written to show."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from voiceshare.analysis import analyze
from voiceshare.readers import read_meeting
from voiceshare.report.model import MeetingReport

EXPECTED_FORMATS = {
    "2026-03-02_standup.vtt": "webvtt",
    "2026-03-04_design_review.vtt": "webvtt",
    "2026-03-09_planning.txt": "plaintext",
    "2026-03-11_retro.srt": "subrip",
    "2026-03-16_customer_sync.otter.txt": "plaintext",
}


def test_there_are_samples_in_at_least_three_formats() -> None:
    """The demo covers several real export formats, each detected from its content."""
    files = sorted(p.name for p in SAMPLES.iterdir() if p.name != "README.md")
    assert files == sorted(EXPECTED_FORMATS)
    formats = {read_meeting(SAMPLES / name).format for name in files}
    assert formats == set(EXPECTED_FORMATS.values())


def _zoom_seconds(path: Path) -> dict[str, float]:
    """Speaking time per person straight from the cue lines (these cues never overlap)."""
    totals: dict[str, float] = defaultdict(float)
    lines = path.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"(\d+):(\d+):([\d.]+) --> (\d+):(\d+):([\d.]+)", line)
        if match:
            h1, m1, s1, h2, m2, s2 = match.groups()
            start = int(h1) * 3600 + int(m1) * 60 + float(s1)
            end = int(h2) * 3600 + int(m2) * 60 + float(s2)
            totals[lines[index + 1].split(": ", 1)[0]] += end - start
    return totals


def test_standup_is_dominated_and_has_two_quiet_voices() -> None:
    """Greg holds the floor in the stand-up; Mei and Noor are quiet voices."""
    path = SAMPLES / "2026-03-02_standup.vtt"
    expected = _zoom_seconds(path)
    report = analyze(read_meeting(path))
    total = sum(expected.values())
    for name, seconds in expected.items():
        assert report.speaker(name).share == pytest.approx(seconds / total, abs=1e-9)
    assert report.speaker("Greg Halvorsen").share > 0.5
    assert set(report.balance.quiet_voices) == {"Mei Tanaka", "Noor Haddad"}
    assert {"dominance", "quiet_voices"} <= {f.kind for f in report.findings}


def test_design_review_keeps_overlaps_and_finds_backchannels() -> None:
    """The Teams-style review has overlapping cues; the short ones are backchannels."""
    meeting = read_meeting(SAMPLES / "2026-03-04_design_review.vtt")
    overlapping = [
        b for a, b in zip(meeting.utterances, meeting.utterances[1:], strict=False)
        if b.start_s is not None and a.end_s is not None and b.start_s < a.end_s
    ]  # fmt: skip
    assert len(overlapping) >= 4
    report = analyze(meeting)
    assert sum(s.backchannels for s in report.speakers) >= 3
    assert report.balance.quiet_voices == ()


def test_customer_sync_shows_a_silent_attendee() -> None:
    """Noor never speaks in the customer sync: with the attendee list she is a quiet voice."""
    meeting = read_meeting(SAMPLES / "2026-03-16_customer_sync.otter.txt")
    assert "Noor Haddad" not in meeting.speaker_names
    report = analyze(meeting, attendees=["Noor Haddad"])
    noor = report.speaker("Noor Haddad")
    assert not noor.spoke and noor.quiet
    assert any(f.kind == "silent_attendees" for f in report.findings)


def _language(name: str) -> tuple[MeetingReport, list[tuple[str, str, str, float | None]]]:
    report = analyze(read_meeting(SAMPLES / name))
    return report, [(d.dismissed, d.by, d.kind, d.time_s) for d in report.dismissals]


def test_design_review_has_no_dismissals_and_no_unanswered_questions() -> None:
    """README: 'There are no interruptions or dismissals, and every question gets an answer.'
    The 'no's in it answer questions ('Not really, no.', 'No, that's good.', 'No, I think I'm
    good.'), the requests for the floor are taken up, and 'Oh, I love that.' takes up Luis's
    'what if...?' idea."""
    report, dismissals = _language("2026-03-04_design_review.vtt")
    assert dismissals == []
    unanswered = [q for q in report.questions if q.answered_by is None]
    assert [q for q in unanswered if q.question_type != "rhetorical"] == []
    assert sum(s.questions_unanswered for s in report.speakers) == 0


def test_planning_dismisses_noor_twice_as_written() -> None:
    """README: Greg rejects Noor's idea at [00:04:08] and moves on from her question at
    [00:05:06], which nobody answers; Jonas restates her idea without naming her. Greg's "No,
    Priya's got it." to "Should I demo the export part?" decides what she asked: an
    interruption, not a dismissal."""
    report, dismissals = _language("2026-03-09_planning.txt")
    assert sorted(dismissals, key=lambda d: d[3]) == [
        ("Noor Haddad", "Greg Halvorsen", "rejection", 248.0),
        ("Noor Haddad", "Greg Halvorsen", "unanswered_topic_change", 306.0),
    ]
    unanswered = [q for q in report.questions if q.answered_by is None]
    assert [(q.asker, q.time_s) for q in unanswered if q.question_type != "rhetorical"] == [
        ("Noor Haddad", 291.0)
    ]
    assert [(e.by, e.original_speaker, e.credited) for e in report.echoes] == [
        ("Jonas Becker", "Noor Haddad", False)
    ]


def test_retro_and_customer_sync_have_no_dismissals() -> None:
    """README: neither has dismissals; the customers' questions are all answered ('No, not
    for the rollout.' and 'No. We're changing...' answer questions, they reject nothing)."""
    _, retro = _language("2026-03-11_retro.srt")
    assert retro == []
    report, sync = _language("2026-03-16_customer_sync.otter.txt")
    assert sync == []
    customers = {"Rachel Osei", "Martin Kowalczyk"}
    assert [q for q in report.questions if q.asker in customers and q.answered_by is None] == []


def test_standup_requests_are_answered_by_a_short_yes() -> None:
    """Greg asks Mei 'can you also bring the notification settings page?', explains, and she
    says 'Okay, sure.'; Noor's 'Um, sure. Yeah.' answers 'Does that work?'."""
    report, dismissals = _language("2026-03-02_standup.vtt")
    assert dismissals == []
    answered = {(q.asker, round(q.time_s or 0)): q.answered_by for q in report.questions}
    assert answered[("Greg Halvorsen", 334)] == "Mei Tanaka"  # cue 63, "Okay, sure." cue 66
    assert answered[("Greg Halvorsen", 398)] == "Noor Haddad"
