"""NIST STM segments: file channel speaker start end [<labels>] text."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting
from voiceshare.readers.stm import read, sniff

WITH_LABELS = """\
;; CATEGORY "0" "" ""
;; LABEL "O" "Overall" "The Overall Results"
standup A Priya 0.00 2.50 <O,F0,female> Morning everyone, shall we start?
standup A Sam 2.80 4.10 <O,F0,male> Sure.
standup A inter_segment_gap 4.10 4.60 <O>
standup A Priya 4.60 6.00 <O,F0,female> ignore_time_segment_in_scoring
standup A Sam 6.20 8.00 Without a label field.
"""


def _durations_from_raw(path: Path) -> dict[str, float]:
    """Total segment time per speaker: end minus start, straight from the columns."""
    totals: dict[str, float] = defaultdict(float)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith(";;"):
            fields = line.split()
            totals[fields[2]] += float(fields[4]) - float(fields[3])
    return dict(totals)


def test_segments_keep_order_times_and_text() -> None:
    """Labels are not text; gaps are skipped; ignored segments keep their time, not the marker."""
    parsed = read(Source.from_text(WITH_LABELS, "standup.stm"))
    assert [(u.speaker, u.start_s, u.end_s, u.text) for u in parsed.utterances] == [
        ("Priya", 0.0, 2.5, "Morning everyone, shall we start?"),
        ("Sam", 2.8, 4.1, "Sure."),
        ("Priya", 4.6, 6.0, ""),
        ("Sam", 6.2, 8.0, "Without a label field."),
    ]
    assert parsed.has_speaker_names is True


def test_numeric_speakers_become_speaker_n() -> None:
    """Speaker ids that are bare numbers become "Speaker N" and count as anonymous."""
    parsed = read(Source.from_text("call 1 0 0.0 1.0 hello\ncall 1 1 1.0 2.0 hi\n"))
    assert [u.speaker for u in parsed.utterances] == ["Speaker 1", "Speaker 2"]
    assert parsed.has_speaker_names is False


def test_several_recordings_keep_the_first_with_a_warning() -> None:
    """An STM covering several files is read for the first file only, and says so."""
    source = Source.from_text("a 1 X 0 1 hi\nb 1 Y 0 1 hello\n")
    parsed = read(source)
    assert [u.speaker for u in parsed.utterances] == ["X"]
    assert any("2 recordings" in w for w in source.warnings)


def test_detected_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """An STM file saved as .txt is still read as STM."""
    meeting = read_meeting(write("standup.txt", WITH_LABELS))
    assert meeting.format == "stm"


def test_sniff_rejects_rttm() -> None:
    """RTTM lines also start with five fields but are not STM."""
    rttm = "SPEAKER standup 1 0.50 2.25 <NA> <NA> alice <NA> <NA>\n" * 3
    assert sniff(Source.from_text(rttm)) == 0.0


def test_truncated_last_line_is_dropped_with_a_warning() -> None:
    """A file cut off mid-line keeps every complete segment."""
    source = Source.from_text(WITH_LABELS + "standup A Sam 8.5")
    parsed = read(source)
    assert len(parsed.utterances) == 4
    assert any("cut off" in w for w in source.warnings)


def test_end_before_start_is_an_error() -> None:
    """A segment that ends before it starts is malformed."""
    broken = WITH_LABELS.replace("2.80 4.10", "4.10 2.80")
    with pytest.raises(InputError, match="line 4 is not an STM segment"):
        read(Source.from_text(broken))


def test_pyannote_sample_speakers_and_times(shared_data: Path) -> None:
    """pyannote's sample transcript: Diane and Sheila, per-speaker time from the raw columns."""
    path = shared_data / "audio/pyannote_sample/sample.stm"
    meeting = read_meeting(path)
    assert meeting.format == "stm"
    assert meeting.speaker_names == ("Diane", "Sheila")
    assert len(meeting.utterances) == 13
    totals: dict[str, float] = defaultdict(float)
    for utterance in meeting.utterances:
        assert utterance.duration_s is not None
        totals[utterance.speaker] += utterance.duration_s
    assert totals == pytest.approx(_durations_from_raw(path))
    assert meeting.utterances[0].text == "Hello?"
    assert meeting.utterances[-1].text == "Oh, I don't hear that in New Jersey now."
