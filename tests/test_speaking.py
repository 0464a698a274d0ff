"""Speaking time, shares, turns and balance on meetings built by hand."""

from __future__ import annotations

import math

import pytest

from tests.helpers import meeting
from voiceshare.metrics.balance import gini, normalised_entropy
from voiceshare.metrics.speaking import measure_speaking


def by_name(analysis):  # type: ignore[no-untyped-def]
    return {s.name: s for s in analysis.speakers}


def test_overlapping_speech_counts_for_each_speaker() -> None:
    """Overlap counts fully for both people; a speaker's own overlapping cues count once."""
    m = meeting(
        ("Ana", 0.0, 10.0, "so the plan for this week is to finish the migration"),
        ("Ben", 8.0, 12.0, "and the tests, we still need the tests"),
        ("Ana", 9.0, 11.0, "right and the tests"),
    )
    s = by_name(measure_speaking(m))
    assert s["Ana"].speaking_time_s == pytest.approx(11.0)  # [0,10] ∪ [9,11]
    assert s["Ben"].speaking_time_s == pytest.approx(4.0)
    assert s["Ana"].share == pytest.approx(11 / 15)
    assert s["Ben"].share == pytest.approx(4 / 15)


def test_shares_against_equal_share_and_quiet_voices() -> None:
    """A quiet voice speaks under half the equal share; silent attendees count as present."""
    m = meeting(
        ("Ana", 0, 60, "a long update " * 20),
        ("Ben", 60, 100, "another update " * 10),
        ("Cy", 100, 103, "nothing from me today"),
        attendees=("Dee Okafor",),
    )
    analysis = measure_speaking(m, attendees=["ana", "  dee   okafor "])
    s = by_name(analysis)
    assert analysis.balance.present == 4  # "ana" is Ana; Dee is added once
    assert analysis.balance.equal_share == pytest.approx(0.25)
    assert s["Cy"].quiet and s["Dee Okafor"].quiet
    assert not s["Ana"].quiet and not s["Ben"].quiet
    assert s["Dee Okafor"].spoke is False and s["Dee Okafor"].share == 0
    assert analysis.balance.quiet_voices == ("Cy", "Dee Okafor")
    assert analysis.balance.gini == pytest.approx(gini([60, 40, 3, 0]))


def test_transcript_without_times_uses_words_and_says_so() -> None:
    """With no timings, shares are by words, and the analysis notes it."""
    m = meeting(
        ("Ana", None, None, "one two three four five six"),
        ("Ben", None, None, "one two"),
    )
    analysis = measure_speaking(m)
    s = by_name(analysis)
    assert analysis.basis == "words"
    assert s["Ana"].share == pytest.approx(6 / 8)
    assert s["Ana"].speaking_time_s is None and s["Ana"].words_per_minute is None
    assert any("words" in note for note in analysis.notes)
    assert analysis.windows == ()


def test_backchannels_neither_make_turns_nor_break_them() -> None:
    """'mm-hmm' during Ana's monologue leaves it one turn and is counted as Ben's backchannel."""
    m = meeting(
        ("Ana", 0, 20, "first part of my update about the release"),
        ("Ben", 20.2, 20.8, "mm-hmm"),
        ("Ana", 21, 40, "second part of my update about the rollout"),
        ("Ben", 41, 50, "okay so my question is about the rollback plan"),
    )
    analysis = measure_speaking(m)
    s = by_name(analysis)
    assert analysis.backchannel_ids == frozenset({"2"})
    assert s["Ana"].turns == 1
    assert s["Ana"].longest_turn_s == pytest.approx(40.0)
    assert s["Ben"].turns == 1 and s["Ben"].backchannels == 1
    assert s["Ben"].first_contribution_s == pytest.approx(41.0)


def test_a_short_yes_that_takes_the_floor_is_not_a_backchannel() -> None:
    """'Yeah.' followed by the same speaker carrying on starts a turn."""
    m = meeting(
        ("Ana", 0, 5, "should we ship on friday?"),
        ("Ben", 5, 6, "Yeah."),
        ("Ben", 6, 12, "I think friday works if the tests are green"),
    )
    analysis = measure_speaking(m)
    assert analysis.backchannel_ids == frozenset()
    assert by_name(analysis)["Ben"].turns == 1


def test_words_per_minute_and_windows() -> None:
    """Words per minute uses speaking time; windows split talk on the recording's clock."""
    m = meeting(
        ("Ana", 290, 310, " ".join(["word"] * 50)),
        ("Ben", 310, 320, " ".join(["word"] * 20)),
    )
    analysis = measure_speaking(m)
    s = by_name(analysis)
    assert s["Ana"].words_per_minute == pytest.approx(50 / (20 / 60))
    assert [(w.start_s, w.end_s) for w in analysis.windows] == [(0, 300), (300, 600)]
    assert analysis.windows[0].seconds == {"Ana": pytest.approx(10)}
    assert analysis.windows[1].shares == {"Ana": pytest.approx(0.5), "Ben": pytest.approx(0.5)}


def test_unidentified_speakers_make_balance_unmeasurable() -> None:
    """Captions that never say who speaks give no shares and say why."""
    m = meeting(
        ("Unidentified speaker", 0, 5, "good morning"),
        ("Unidentified speaker", 5, 9, "good morning council"),
        metadata={"speakers": "unidentified"},
    )
    analysis = measure_speaking(m)
    assert analysis.basis is None
    assert analysis.balance.gini is None and analysis.balance.quiet_voices == ()
    assert "cannot be measured" in analysis.notes[0]


def test_gini_and_entropy_reference_values() -> None:
    """Equal talk: Gini 0, entropy 1; one person talks: Gini (n-1)/n, entropy 0."""
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 12]) == pytest.approx(0.75)
    assert gini([1, 2, 3]) == pytest.approx((2 * (1 + 4 + 9)) / (3 * 6) - 4 / 3)
    assert normalised_entropy([5, 5, 5, 5]) == pytest.approx(1.0)
    assert normalised_entropy([0, 0, 7]) == pytest.approx(0.0)
    assert normalised_entropy([1, 3]) == pytest.approx(
        -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)
    )
    assert gini([]) is None and normalised_entropy([3]) is None


def test_one_quiet_voice_is_counted_among_the_people_present() -> None:
    """The finding reads "1 of 4 people spoke under half an equal share", not "1 of 4 person"."""
    from voiceshare.analysis import analyze

    m = meeting(
        ("Ana", 0, 60, "a long update " * 20),
        ("Ben", 60, 100, "another update " * 10),
        ("Dee", 100, 140, "my update " * 10),
        ("Cy", 140, 143, "nothing from me today"),
    )
    quiet = [f.text for f in analyze(m, tier="fast").findings if f.kind == "quiet_voices"]
    assert quiet == ["1 of 4 people spoke under half an equal share (12%): Cy 2%."]
