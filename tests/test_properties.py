"""Invariants that must hold for any meeting (hypothesis property tests)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceshare.analysis import analyze
from voiceshare.model import Meeting, Utterance, Word, speakers_in_order
from voiceshare.readers import read_meeting
from voiceshare.report.render import render_json

NAMES = ["Ana Ruiz", "Ben Ode", "Chen Wei", "Dara Kim"]
WORDS = ["we", "should", "ship", "it", "yeah", "mm-hmm", "tests", "later", "right", "okay"]


@st.composite
def timed_meetings(draw: st.DrawFn) -> Meeting:
    count = draw(st.integers(min_value=1, max_value=30))
    clock = draw(st.floats(min_value=0, max_value=100))
    utterances = []
    for index in range(count):
        clock += draw(st.floats(min_value=-3, max_value=5))  # negative: overlapping cues
        clock = max(clock, 0.0)
        duration = draw(st.floats(min_value=0.1, max_value=30))
        text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)))
        start, end = round(clock, 3), round(clock + duration, 3)
        utterances.append(Utterance(str(index + 1), draw(st.sampled_from(NAMES)), text, start, end))
        clock += duration
    return Meeting(
        id="m",
        title="Property meeting",
        speakers=speakers_in_order(utterances),
        utterances=tuple(utterances),
    )


# The first example loads the language pipeline (seconds); time limits would only measure that.
@settings(deadline=None)
@given(timed_meetings())
def test_shares_sum_to_one(meeting: Meeting) -> None:
    """Whoever speaks, the shares of everyone present add up to 1."""
    report = analyze(meeting)
    if sum(s.speaking_time_s or 0 for s in report.speakers) > 0:
        assert sum(s.share for s in report.speakers) == pytest.approx(1.0)
    for speaker in report.speakers:
        assert 0.0 <= speaker.share <= 1.0


@settings(deadline=None)
@given(timed_meetings(), st.floats(min_value=0.5, max_value=10_000))
def test_shifting_all_times_changes_only_first_contribution_times(
    meeting: Meeting, shift: float
) -> None:
    """Moving the whole meeting later in the recording changes no metric but when people first
    spoke (and the clock positions of the time windows)."""
    shifted = meeting.with_changes(
        utterances=tuple(
            dataclasses.replace(u, start_s=u.start_s + shift, end_s=u.end_s + shift)  # type: ignore[operator]
            for u in meeting.utterances
        )
    )
    before, after = analyze(meeting), analyze(shifted)
    for a, b in zip(before.speakers, after.speakers, strict=True):
        assert b.first_contribution_s == pytest.approx(a.first_contribution_s + shift)  # type: ignore[operator]
        for field in ("speaking_time_s", "share", "words_per_minute", "longest_turn_s"):
            expected = getattr(a, field)
            if expected is None:  # e.g. no turn at all for someone who only backchannelled
                assert getattr(b, field) is None
            else:
                assert getattr(b, field) == pytest.approx(expected, rel=1e-6, abs=1e-6)
        assert (b.turns, b.words, b.backchannels, b.quiet) == (
            a.turns,
            a.words,
            a.backchannels,
            a.quiet,
        )
    assert after.balance.gini == pytest.approx(before.balance.gini, abs=1e-9)
    assert after.balance.entropy == pytest.approx(before.balance.entropy, abs=1e-9)
    assert after.meeting.duration_s == pytest.approx(before.meeting.duration_s)
    assert sum(sum(w.seconds.values()) for w in after.windows) == pytest.approx(
        sum(sum(w.seconds.values()) for w in before.windows), rel=1e-6
    )


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50, deadline=None
)
@given(timed_meetings(), st.booleans())
def test_report_json_round_trips_the_transcript(
    tmp_path: Path, meeting: Meeting, with_words: bool
) -> None:
    """Writing the normalised transcript (the report JSON) and reading it back loses nothing:
    same utterances, ids, speakers, times, text and word timings."""
    if with_words:
        meeting = meeting.with_changes(
            utterances=tuple(
                dataclasses.replace(
                    u, words=tuple(Word(w, u.start_s, u.end_s) for w in u.text.split())
                )
                for u in meeting.utterances
            )
        )
    meeting = meeting.with_changes(attendees=("Silent Sam",))
    path = tmp_path / "normalised.json"
    path.write_text(render_json(analyze(meeting)), encoding="utf-8")
    back = read_meeting(path)
    assert back.format == "voiceshare"
    assert back.utterances == meeting.utterances
    assert back.speaker_names == meeting.speaker_names
    assert back.attendees == ("Silent Sam",)
    assert back.title == meeting.title
    assert json.loads(path.read_text())["schema_version"].startswith("1.")
