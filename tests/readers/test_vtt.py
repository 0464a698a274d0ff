"""WebVTT in its three styles: Zoom names, Teams/Meet voice tags, broadcast captions."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from voiceshare.analysis import analyze
from voiceshare.errors import InputError
from voiceshare.readers import read_meeting

ZOOM = "transcripts/zoom/GMT20240124-202901_Recording.transcript.vtt"


def _seconds(clock: str) -> float:
    h, m, s = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_zoom_transcript_speakers_and_speaking_time(shared_data: Path) -> None:
    """The real Zoom export reads with its five named speakers and their speaking time, checked
    against a straightforward parse of the cue lines."""
    path = shared_data / ZOOM
    lines = path.read_text(encoding="utf-8").splitlines()
    spans: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for index, line in enumerate(lines):
        if "-->" in line:
            start, end = (_seconds(t) for t in line.split(" --> "))
            text = lines[index + 1]
            if ": " not in text:  # Zoom names nobody for this cue
                continue
            spans[text.split(": ")[0]].append((start, end))
    expected = {}
    for speaker, intervals in spans.items():
        total, reach = 0.0, -1.0
        for start, end in sorted(intervals):
            total += max(0.0, end - max(start, reach))
            reach = max(reach, end)
        expected[speaker] = total

    meeting = read_meeting(path)
    assert meeting.format == "webvtt"
    assert set(meeting.speaker_names) == {*expected, "Unidentified speaker"}
    assert len(expected) == 5
    assert len(meeting.utterances) == len([line for line in lines if "-->" in line])
    unnamed = [u for u in meeting.utterances if u.speaker == "Unidentified speaker"]
    assert [u.text for u in unnamed] == ["Hmm."]
    assert any("attributed to nobody" in w for w in meeting.warnings)
    assert meeting.utterances[0].id == "1" and meeting.utterances[0].text == "Hi!"
    assert meeting.date is not None and meeting.date.isoformat() == "2024-01-24"
    report = analyze(meeting)
    assert report.balance.present == 5  # the unattributed "Hmm." is nobody's share
    for name, seconds in expected.items():
        assert report.speaker(name).speaking_time_s == pytest.approx(seconds, abs=1e-6)
    total = sum(expected.values())
    assert report.speaker("Conor Healy").share == pytest.approx(expected["Conor Healy"] / total)


def test_zoom_closed_captions_without_names_are_unidentified(shared_data: Path) -> None:
    """Zoom's .cc.vtt has no names: nobody is invented, balance is reported as not measurable."""
    meeting = read_meeting(shared_data / "transcripts/zoom/GMT20240124-202901_Recording.cc.vtt")
    assert meeting.speaker_names == ("Unidentified speaker",)
    assert meeting.metadata["speakers"] == "unidentified"
    report = analyze(meeting)
    assert report.balance.gini is None
    assert report.status("speaking_time").status == "not_measurable"  # type: ignore[union-attr]


def test_broadcast_captions_split_at_speaker_changes(shared_data: Path) -> None:
    """`>>` marks a new speaker mid-cue; such a cue yields one utterance per part, ids `N.2`."""
    path = shared_data / "transcripts/council/oakland_captions.vtt"
    meeting = read_meeting(path)
    text = path.read_text(encoding="utf-8")
    changes = text.count(">>")
    assert meeting.metadata["speakers"] == "unidentified"
    # Every `>>` that is not at the start of a cue's text produced an extra utterance.
    cue_texts = re.split(r"\n\n+", text)
    mid_cue = sum(
        body.count(">>") - body.lstrip().startswith(">>")
        for block in cue_texts
        if "-->" in block and (body := block.split("\n", 1)[1] if "\n" in block else "")
    )
    assert sum(1 for u in meeting.utterances if "." in u.id) == mid_cue
    assert changes > mid_cue > 0
    parts = [u for u in meeting.utterances if u.id.split(".")[0] == "1"]
    assert [p.text for p in parts] == ["successor agency/city council.", "good morning, welcome to"]
    assert parts[0].end_s == pytest.approx(parts[1].start_s)


TEAMS = """WEBVTT

a1b2c3d4-0001/12-0
00:00:01.000 --> 00:00:06.500
<v Mei Tanaka>Let's look at the cache design first.</v>

a1b2c3d4-0001/13-0
00:00:05.800 --> 00:00:06.300
<v Luis Ortega>Mm-hmm.</v>

a1b2c3d4-0001/14-0
00:00:06.600 --> 00:00:12.000
<v Luis Ortega>I think the TTL should be per tenant &amp; configurable.</v>
"""


def test_teams_voice_tags_keep_overlapping_cues_and_ids(write) -> None:  # type: ignore[no-untyped-def]
    """Teams/Meet `<v Name>` cues keep their ids, overlaps and decoded entities."""
    meeting = read_meeting(write("teams.txt", TEAMS))  # misleading extension: sniffed by content
    assert meeting.format == "webvtt"
    assert meeting.speaker_names == ("Mei Tanaka", "Luis Ortega")
    assert [u.id for u in meeting.utterances] == [
        "a1b2c3d4-0001/12-0",
        "a1b2c3d4-0001/13-0",
        "a1b2c3d4-0001/14-0",
    ]
    assert meeting.utterances[1].start_s == pytest.approx(5.8)
    assert meeting.utterances[2].text.endswith("per tenant & configurable.")
    report = analyze(meeting)
    assert report.utterances[1].backchannel
    assert report.speaker("Luis Ortega").speaking_time_s == pytest.approx(0.5 + 5.4)


def test_truncated_vtt_keeps_complete_cues_and_warns(write) -> None:  # type: ignore[no-untyped-def]
    """A file cut off inside a timing line keeps the cues before it and says what was lost."""
    cut = TEAMS + "\nfeed/15-0\n00:00:12.100 --> 00:0"
    meeting = read_meeting(write("cut.vtt", cut))
    assert len(meeting.utterances) == 3
    assert any("could not be read" in w for w in meeting.warnings)


def test_vtt_with_no_cues_is_an_error(write) -> None:  # type: ignore[no-untyped-def]
    """A WebVTT header and nothing else is reported, not analysed as an empty meeting."""
    with pytest.raises(InputError, match="no utterances"):
        read_meeting(write("empty.vtt", "WEBVTT\n\n"))
