"""RTTM speaker turns: timing only, one utterance per SPEAKER line, in file order."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting
from voiceshare.readers.rttm import read, sniff

TWO_SPEAKERS = """\
SPEAKER standup 1 0.50 2.25 <NA> <NA> alice <NA> <NA>
SPEAKER standup 1 2.90 1.10 <NA> <NA> bob <NA> <NA>
SPEAKER standup 1 3.50 0.40 <NA> <NA> alice <NA> <NA>
"""


def _durations_from_raw(path: Path) -> dict[str, float]:
    """Total speaking time per raw speaker label: the sum of the duration column."""
    totals: dict[str, float] = defaultdict(float)
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if fields and fields[0] == "SPEAKER":
            totals[fields[7]] += float(fields[4])
    return dict(totals)


def _durations_from_meeting(path: Path) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for utterance in read_meeting(path).utterances:
        assert utterance.duration_s is not None
        totals[utterance.speaker] += utterance.duration_s
    return dict(totals)


def test_each_speaker_line_is_one_timed_utterance() -> None:
    """Start and start + duration become the utterance's times; there is no text."""
    parsed = read(Source.from_text(TWO_SPEAKERS, "standup.rttm"))
    assert [(u.speaker, u.start_s, u.end_s, u.text) for u in parsed.utterances] == [
        ("alice", 0.5, 2.75, ""),
        ("bob", 2.9, 4.0, ""),
        ("alice", 3.5, 3.9, ""),
    ]
    assert parsed.has_text is False
    assert parsed.has_speaker_names is True


def test_numeric_labels_become_speaker_n() -> None:
    """earnings21-style labels `0`, `1` become "Speaker 1", "Speaker 2" and count as anonymous."""
    text = TWO_SPEAKERS.replace("alice", "0").replace("bob", "1")
    parsed = read(Source.from_text(text))
    assert [u.speaker for u in parsed.utterances] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert parsed.has_speaker_names is False


def test_concatenated_recordings_keep_the_first_with_a_warning() -> None:
    """An RTTM holding several file ids is read for the first one only, and says so."""
    other = TWO_SPEAKERS.replace("standup", "retro")
    source = Source.from_text(TWO_SPEAKERS + other)
    parsed = read(source)
    assert len(parsed.utterances) == 3
    assert any("2 recordings" in w and "'standup'" in w for w in source.warnings)


def test_other_line_types_and_comments_are_skipped() -> None:
    """SPKR-INFO lines and `;;` comments are not speaker turns."""
    text = ";; made by hand\nSPKR-INFO standup 1 <NA> <NA> <NA> unknown alice <NA> <NA>\n"
    parsed = read(Source.from_text(text + TWO_SPEAKERS))
    assert len(parsed.utterances) == 3


def test_detected_by_content_without_an_extension(write) -> None:  # type: ignore[no-untyped-def]
    """An RTTM file with no extension is still recognised."""
    meeting = read_meeting(write("diarization", TWO_SPEAKERS))
    assert meeting.format == "rttm"
    assert "the source has speaker timings only, no words" in meeting.warnings


def test_sniff_rejects_stm_lines() -> None:
    """STM lines (file channel speaker start end text) are not RTTM."""
    assert sniff(Source.from_text("sample 1 Diane 6.68 7.16 Hello?\n" * 3)) == 0.0


def test_truncated_last_line_is_dropped_with_a_warning() -> None:
    """A file cut off mid-line keeps every complete turn."""
    source = Source.from_text(TWO_SPEAKERS + "SPEAKER standup 1 4.2")
    parsed = read(source)
    assert len(parsed.utterances) == 3
    assert any("cut off" in w for w in source.warnings)


def test_malformed_line_is_an_error() -> None:
    """A speaker line with a non-numeric duration in the middle of the file is an error."""
    broken = TWO_SPEAKERS.replace("2.25", "long")
    with pytest.raises(InputError, match="line 1 is not an RTTM speaker turn"):
        read(Source.from_text(broken))


def test_negative_duration_is_an_error() -> None:
    """A turn cannot end before it starts."""
    with pytest.raises(InputError, match="negative"):
        read(Source.from_text(TWO_SPEAKERS.replace("1.10", "-1.10")))


def test_pyannote_sample_speaking_times(shared_data: Path) -> None:
    """pyannote's sample: two speakers, labels kept as written, times as in the file."""
    path = shared_data / "audio/pyannote_sample/sample.rttm"
    meeting = read_meeting(path)
    assert meeting.speaker_names == ("speaker90", "speaker91")
    assert len(meeting.utterances) == 10
    expected = _durations_from_raw(path)
    assert _durations_from_meeting(path) == pytest.approx(expected)
    # By hand from the file: speaker90 0.43+1.70+4.13+3.44+2.15, speaker91 0.80+1.11+3.43+0.44+6.72
    assert expected == pytest.approx({"speaker90": 11.85, "speaker91": 12.5})


@pytest.mark.parametrize(
    "relative",
    [
        "rttm/ami/only_words/rttms/dev/IS1008b.rttm",
        "rttm/voxconverse/dev/qouur.rttm",
    ],
)
def test_real_rttm_speaking_time_per_speaker(shared_data: Path, relative: str) -> None:
    """AMI and VoxConverse references: per-speaker totals match the raw duration column."""
    path = shared_data / relative
    assert _durations_from_meeting(path) == pytest.approx(_durations_from_raw(path))


def test_earnings21_numeric_speakers(shared_data: Path) -> None:
    """earnings21 RTTM labels 0..N become Speaker 1..N+1 with the same totals."""
    path = shared_data / "transcripts/earnings21/rttms/4320211.rttm"
    raw = {f"Speaker {int(k) + 1}": v for k, v in _durations_from_raw(path).items()}
    assert _durations_from_meeting(path) == pytest.approx(raw)
