"""Words of a transcription assigned to diarized speaker turns, overlapping speech kept."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from voiceshare.audio.assign import meeting_from_diarization
from voiceshare.audio.turns import Diarization, SpeakerTurn
from voiceshare.model import UNIDENTIFIED_SPEAKER, Meeting, Utterance, Word

ANA, BEN = "Ana", "Ben"


def diarization(*turns: SpeakerTurn, overlap_detected: bool = True) -> Diarization:
    end = max((t.end_s for t in turns), default=0.0)
    return Diarization.from_turns(turns, end + 5.0, "test", overlap_detected)


def build(turns: Diarization, words: list[Word] | None) -> Meeting:
    return meeting_from_diarization(turns, words, id="m", title="Stand-up", source="standup.wav")


def texts_by_speaker(meeting: Meeting) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for utterance in meeting.utterances:
        if utterance.words:
            found.setdefault(utterance.speaker, []).extend(w.text for w in utterance.words)
    return found


# Ana speaks 0-4 s; Ben starts talking over her at 3 s and goes on to 6 s.
TALKED_OVER = diarization(SpeakerTurn(0.0, 4.0, ANA), SpeakerTurn(3.0, 6.0, BEN))
# Ana hands over to Ben at exactly 2 s, with no overlap.
HANDOVER = diarization(SpeakerTurn(0.0, 2.0, ANA), SpeakerTurn(2.0, 4.0, BEN))


def test_word_in_overlap_goes_to_both_speakers() -> None:
    """A word spoken while two people talk at once is kept in both speakers' utterances."""
    words = [Word("so", 1.0, 1.4), Word("wait", 3.2, 3.6), Word("listen", 5.0, 5.5)]
    found = texts_by_speaker(build(TALKED_OVER, words))
    assert found == {ANA: ["so", "wait"], BEN: ["wait", "listen"]}


def test_word_straddling_a_boundary_goes_to_who_holds_most_of_it() -> None:
    """A word across the hand-over belongs to the speaker whose turn holds most of it."""
    mostly_ana = build(HANDOVER, [Word("okay", 1.6, 2.2)])
    mostly_ben = build(HANDOVER, [Word("okay", 1.8, 2.6)])
    assert texts_by_speaker(mostly_ana) == {ANA: ["okay"]}
    assert texts_by_speaker(mostly_ben) == {BEN: ["okay"]}


def test_word_in_a_gap_goes_to_the_turn_it_overlaps_most() -> None:
    """A word whose middle falls between two turns goes to the turn it overlaps most."""
    gap = diarization(SpeakerTurn(0.0, 2.0, ANA), SpeakerTurn(2.5, 4.0, BEN))
    assert texts_by_speaker(build(gap, [Word("right", 1.7, 2.6)])) == {ANA: ["right"]}


def test_word_outside_turns_within_a_second_goes_to_the_nearest() -> None:
    """A word just outside every turn (within 1 s) goes to the nearest turn."""
    apart = diarization(SpeakerTurn(0.0, 2.0, ANA), SpeakerTurn(5.0, 7.0, BEN))
    meeting = build(apart, [Word("thanks", 2.3, 2.6), Word("hi", 4.2, 4.5)])
    assert texts_by_speaker(meeting) == {ANA: ["thanks"], BEN: ["hi"]}


def test_word_far_from_every_turn_goes_to_the_unidentified_speaker() -> None:
    """Words more than 1 s from any turn are speech nobody was found to say."""
    apart = diarization(SpeakerTurn(0.0, 2.0, ANA), SpeakerTurn(8.0, 9.0, BEN))
    meeting = build(apart, [Word("anyway", 4.0, 4.4), Word("moving", 4.6, 5.0)])
    unattributed = [u for u in meeting.utterances if u.speaker == UNIDENTIFIED_SPEAKER]
    assert [(u.text, u.start_s, u.end_s) for u in unattributed] == [("anyway moving", 4.0, 5.0)]


def test_utterances_follow_turns_with_joined_words() -> None:
    """One utterance per turn: the turn's times, the words in it joined as its text."""
    words = [Word("good", 0.2, 0.5), Word("morning", 0.5, 1.0), Word("hello", 2.2, 2.6)]
    meeting = build(HANDOVER, words)
    assert meeting.utterances == (
        Utterance("1", ANA, "good morning", 0.0, 2.0, tuple(words[:2])),
        Utterance("2", BEN, "hello", 2.0, 4.0, (words[2],)),
    )
    assert meeting.format == "audio" and meeting.metadata["words"] == "transcribed"


def test_turn_without_words_is_kept_without_text() -> None:
    """A turn where nothing was recognised still counts as speaking time."""
    meeting = build(HANDOVER, [Word("hello", 0.2, 0.6)])
    assert [(u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        (ANA, "hello", 0.0, 2.0),
        (BEN, "", 2.0, 4.0),
    ]


def test_without_words_utterances_are_timed_turns_with_no_text() -> None:
    """Without a transcription each turn is a timed, text-less utterance, speakers in order of
    first speech, and the report is told overlap was not detected."""
    turns = diarization(
        SpeakerTurn(4.0, 6.0, ANA), SpeakerTurn(0.0, 3.0, BEN), overlap_detected=False
    )
    meeting = build(turns, None)
    assert [(u.id, u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("1", BEN, "", 0.0, 3.0),
        ("2", ANA, "", 4.0, 6.0),
    ]
    assert meeting.speaker_names == (BEN, ANA)
    assert meeting.is_timed and meeting.stated_duration_s == 11.0
    assert any("under-counted" in w for w in meeting.warnings)
    assert any("not transcribed" in w for w in meeting.warnings)


def test_overlap_warning_only_when_the_diarizer_cannot_see_overlap() -> None:
    """A diarizer that reports overlap gets no under-counting warning; its own warnings are kept."""
    turns = Diarization.from_turns(
        [SpeakerTurn(0.0, 1.0, ANA)], 2.0, "pyannote", True, warnings=["a very short recording"]
    )
    assert build(turns, None).warnings == (
        "a very short recording",
        "the recording was not transcribed: speaker timings only, no words",
    )


def test_three_hour_meeting_is_assigned_in_well_under_a_second() -> None:
    """30,000 words over 5,000 turns, with overlaps, take a fraction of a second."""
    turns = [SpeakerTurn(i * 2.16, i * 2.16 + 2.4, f"SPEAKER_{i % 7:02d}") for i in range(5_000)]
    words = [Word(f"w{i}", i * 0.36, i * 0.36 + 0.3) for i in range(30_000)]
    begin = time.perf_counter()
    meeting = build(diarization(*turns), words)
    elapsed = time.perf_counter() - begin
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert len(meeting.utterances) >= 5_000


# Property tests use whole-second times and shifts, so every midpoint comparison is exact.
@st.composite
def recordings(draw: st.DrawFn) -> tuple[Diarization, list[Word]]:
    turns = [
        SpeakerTurn(float(start), float(start + length), draw(st.sampled_from([ANA, BEN, "Chen"])))
        for start, length in draw(
            st.lists(st.tuples(st.integers(0, 60), st.integers(1, 10)), max_size=12)
        )
    ]
    words = [
        Word(f"w{i}", float(start), float(start + length))
        for i, (start, length) in enumerate(
            draw(st.lists(st.tuples(st.integers(0, 80), st.integers(0, 3)), max_size=30))
        )
    ]
    return Diarization.from_turns(turns, 100.0, "test", draw(st.booleans())), words


@settings(deadline=None)
@given(recordings())
def test_every_word_lands_in_some_utterance(recording: tuple[Diarization, list[Word]]) -> None:
    """No transcribed word is lost, whoever it is given to."""
    turns, words = recording
    kept = {w.text for u in build(turns, words).utterances for w in u.words}
    assert kept == {w.text for w in words}


@settings(deadline=None)
@given(recordings())
def test_utterances_are_sorted_by_start(recording: tuple[Diarization, list[Word]]) -> None:
    """Utterances come in time order, numbered 1..N."""
    meeting = build(*recording)
    starts = [u.start_s or 0.0 for u in meeting.utterances]
    assert starts == sorted(starts)
    assert [u.id for u in meeting.utterances] == [str(i + 1) for i in range(len(starts))]


@settings(deadline=None)
@given(recordings(), st.integers(1, 3_600))
def test_shifting_all_times_shifts_the_meeting(
    recording: tuple[Diarization, list[Word]], shift_s: int
) -> None:
    """Moving the whole recording later moves every utterance and word by the same amount and
    changes nothing else."""
    turns, words = recording
    shifted_turns = Diarization.from_turns(
        [SpeakerTurn(t.start_s + shift_s, t.end_s + shift_s, t.speaker) for t in turns.turns],
        turns.duration_s + shift_s,
        turns.backend,
        turns.overlap_detected,
    )
    shifted_words = [
        Word(w.text, (w.start_s or 0) + shift_s, (w.end_s or 0) + shift_s) for w in words
    ]
    original, moved = build(turns, words), build(shifted_turns, shifted_words)

    def unshifted(utterance: Utterance) -> tuple[object, ...]:
        assert utterance.start_s is not None and utterance.end_s is not None
        return (
            utterance.speaker,
            utterance.text,
            utterance.start_s - shift_s,
            utterance.end_s - shift_s,
            tuple(w.text for w in utterance.words),
        )

    assert [unshifted(u) for u in moved.utterances] == [
        (u.speaker, u.text, u.start_s, u.end_s, tuple(w.text for w in u.words))
        for u in original.utterances
    ]
