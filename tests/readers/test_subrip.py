"""SubRip subtitles: speakers from the cue text when the exporting tool wrote them."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting, subrip

ZOOM = "transcripts/zoom/GMT20240124-202901_Recording.transcript.vtt"
ZOOM_CAPTIONS = "transcripts/zoom/GMT20240124-202901_Recording.cc.vtt"

# Otter's SRT export with "Include speaker names" on: `Name: text`, continuation cues unnamed.
OTTER_SRT = """\
1
00:00:00,000 --> 00:00:03,500
Priya Shah: Morning all, let's start.

2
00:00:03,500 --> 00:00:06,000
Sam Lee: The build is green.

3
00:00:06,000 --> 00:00:08,250
But the docs are behind.

4
00:00:08,250 --> 00:00:10,000
Priya Shah: Dana?
"""

# WhisperX's SRT with diarization: `[SPEAKER_00]: text`.
WHISPERX_SRT = """\
1
00:00:00,031 --> 00:00:02,500
[SPEAKER_00]: Hello and welcome.

2
00:00:02,900 --> 00:00:05,100
[SPEAKER_01]: Thanks for having me.
"""

# Film-style dialogue: two speakers in one cue, one line each.
DIALOGUE_SRT = """\
7
00:01:00,000 --> 00:01:04,000
- Ann Lee: Ready?
- Bo Kim: Yes, all set.

8
00:01:04,500 --> 00:01:06,000
<i>[Ann Lee] Then let's go.</i>
"""

# Captions that name nobody.
CAPTIONS_SRT = """\
1
00:00:00,000 --> 00:00:02,000
<i>Hello there.</i>

2
00:00:02,000 --> 00:00:04,000
>> How are you? >> Fine, thanks.
"""


def _read(text: str, name: str = "meeting.srt"):  # type: ignore[no-untyped-def]
    return read_meeting(Source.from_text(text, name))


def test_named_cues_keep_ids_times_and_continue_the_speaker() -> None:
    """`Name: text` names the speaker; an unnamed cue continues them; cue numbers are ids."""
    meeting = _read(OTTER_SRT)
    assert [(u.id, u.speaker, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("1", "Priya Shah", 0.0, 3.5),
        ("2", "Sam Lee", 3.5, 6.0),
        ("3", "Sam Lee", 6.0, 8.25),
        ("4", "Priya Shah", 8.25, 10.0),
    ]
    assert meeting.utterances[2].text == "But the docs are behind."
    assert meeting.format == "subrip"
    assert meeting.metadata["speakers"] == "named"


def test_diarization_codes_are_labelled_speakers() -> None:
    """`[SPEAKER_00]:` tells speakers apart without naming them."""
    meeting = _read(WHISPERX_SRT)
    assert len(set(meeting.speaker_names)) == 2
    assert meeting.metadata["speakers"] == "labelled"
    assert meeting.utterances[0].text == "Hello and welcome."


def test_a_cue_with_two_speakers_becomes_two_utterances() -> None:
    """Dialogue dashes with names split the cue, its time shared by length; `[Name]` and
    italics tags are understood."""
    meeting = _read(DIALOGUE_SRT)
    assert [(u.id, u.speaker, u.text) for u in meeting.utterances] == [
        ("7", "Ann Lee", "Ready?"),
        ("7.2", "Bo Kim", "Yes, all set."),
        ("8", "Ann Lee", "Then let's go."),
    ]
    first, second = meeting.utterances[:2]
    assert first.start_s == 60.0
    assert first.end_s == second.start_s
    assert second.end_s == 64.0


def test_voice_tags_name_the_speaker() -> None:
    """`<v Name>` (WebVTT-style voice tags some tools put in SRT) names the speaker."""
    meeting = _read(
        "1\n00:00:01,000 --> 00:00:02,000\n<v Ann Lee>Hi.</v>\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\n<v Bo Kim>Hello.</v>\n"
    )
    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Ann Lee", "Hi."),
        ("Bo Kim", "Hello."),
    ]


def test_subtitles_without_names_have_one_unidentified_speaker() -> None:
    """Plain captions cannot tell speakers apart; `>>` still marks separate turns."""
    meeting = _read(CAPTIONS_SRT)
    assert [u.text for u in meeting.utterances] == ["Hello there.", "How are you?", "Fine, thanks."]
    assert set(meeting.speaker_names) == {subrip.UNIDENTIFIED}
    assert meeting.metadata["speakers"] == "unidentified"


def test_sound_tags_are_not_speakers() -> None:
    """`[Laughter]` at the start of a cue is a sound, not a person."""
    meeting = _read(OTTER_SRT.replace("But the docs", "[Laughter] But the docs"))
    assert meeting.utterances[2].speaker == "Sam Lee"
    assert meeting.utterances[2].text == "[Laughter] But the docs are behind."


def test_truncated_file_keeps_complete_cues_and_warns() -> None:
    """A file cut off in the middle of a cue's times keeps the cues before it, with a warning."""
    meeting = _read(OTTER_SRT + "\n5\n00:00:10,500 --> 00:00:1")
    assert len(meeting.utterances) == 4
    assert any("truncated" in w for w in meeting.warnings)


def test_damaged_cue_in_the_middle_is_skipped_with_a_warning() -> None:
    """A garbled stretch is skipped; reading resumes at the next cue."""
    damaged = OTTER_SRT.replace("2\n00:00:03,500 --> 00:00:06,000", "2\n00:00:03,500 -> 00:00:06")
    meeting = _read(damaged)
    assert [u.id for u in meeting.utterances] == ["1", "3", "4"]
    assert any("unreadable" in w for w in meeting.warnings)


def test_no_cues_at_all_is_a_clear_error() -> None:
    """Forcing the SubRip reader on text without cues says what was expected."""
    with pytest.raises(InputError, match="no readable SubRip cues"):
        read_meeting(Source.from_text("Just a note.\n"), format_name="subrip")


def test_detected_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """An SRT saved as .txt (or with no extension) is still read as SubRip."""
    assert read_meeting(write("captions.txt", OTTER_SRT)).format == "subrip"
    assert read_meeting(write("captions", WHISPERX_SRT)).format == "subrip"


def test_webvtt_is_not_claimed() -> None:
    """WebVTT also has `-->` lines but is left to its own reader."""
    vtt = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nAnn: Hi\n"
    assert subrip.sniff(Source.from_text(vtt)) == 0.0


def _vtt_to_srt(text: str) -> str:
    """WebVTT cues rewritten as SubRip: drop the header, comma before the milliseconds."""
    body = text.split("\n", 1)[1].lstrip("\n")
    return re.sub(r"(\d\d:\d\d:\d\d)\.(\d{3})", r"\1,\2", body)


def _seconds(clock: str) -> float:
    h, m, s = clock.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_real_zoom_meeting_as_srt_speakers_and_speaking_time(shared_data: Path, write) -> None:  # type: ignore[no-untyped-def]
    """The real Zoom meeting, converted to SRT by the test, reads with the same five speakers and
    speaking time per speaker as a straightforward parse of the cues (union of intervals)."""
    srt_text = _vtt_to_srt((shared_data / ZOOM).read_text(encoding="utf-8"))
    lines = srt_text.splitlines()
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    current = None
    for index, line in enumerate(lines):
        if "-->" in line:
            start, end = (_seconds(t) for t in line.split(" --> "))
            text = lines[index + 1]
            if ": " in text:
                current = text.split(": ")[0]
            if current is not None:
                spans[current].append((start, end))
    expected = {}
    for speaker, intervals in spans.items():
        total, reach = 0.0, -1.0
        for start, end in sorted(intervals):
            total += max(0.0, end - max(start, reach))
            reach = max(reach, end)
        expected[speaker] = round(total, 2)

    meeting = read_meeting(write("zoom.srt", srt_text))
    assert meeting.format == "subrip"
    got: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for u in meeting.utterances:
        assert u.start_s is not None
        assert u.end_s is not None
        got[u.speaker].append((u.start_s, u.end_s))
    measured = {}
    for speaker, intervals in got.items():
        total, reach = 0.0, -1.0
        for start, end in sorted(intervals):
            total += max(0.0, end - max(start, reach))
            reach = max(reach, end)
        measured[speaker] = round(total, 2)
    assert len(expected) == 5
    assert measured == expected
    assert len(meeting.utterances) == sum(1 for line in lines if "-->" in line)


def test_real_captions_without_names_as_srt(shared_data: Path, write) -> None:  # type: ignore[no-untyped-def]
    """Zoom's closed captions (no names) converted to SRT: every cue read, nobody identified."""
    srt_text = _vtt_to_srt((shared_data / ZOOM_CAPTIONS).read_text(encoding="utf-8"))
    cue_count = sum(1 for line in srt_text.splitlines() if "-->" in line)
    meeting = read_meeting(write("zoom-cc.srt", srt_text))
    assert len({u.id.split(".")[0] for u in meeting.utterances}) == cue_count
    assert meeting.metadata["speakers"] == "unidentified"
