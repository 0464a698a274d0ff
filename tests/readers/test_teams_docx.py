"""Word transcripts: Teams (today's headings, the older `-->` layout), `Name: text`, Meet."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting, teams_docx


def _docx(paragraphs: list[str]) -> bytes:
    """A Word document with one paragraph per item; `\\n` inside an item is a line break."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for number, line in enumerate(text.split("\n")):
            if number:
                paragraph.add_run().add_break()
            paragraph.add_run(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Teams today: title, date, duration, who started transcription, then `Name   m:ss` headings
# with the text in the following paragraph(s).
TEAMS = [
    "Release planning-20240124_202901-Meeting Transcript",
    "24 January 2024, 08:29PM",
    "27m 42s",
    "Priya Shah started transcription",
    "Priya Shah   0:03",
    "Morning all. Let's start with the release.",
    "Sam Lee   0:03",
    "Sure.",
    "Priya Shah   0:09",
    "Dana, what do you think?",
    "Dana Ortiz   0:15",
    "I can help with the docs.",
    "I wrote most of the install guide anyway.",
    "Sam Lee   1:02:10",
    "Great, thanks Dana.",
    "Priya Shah stopped transcription",
]

# Teams before 2022 (and Stream): a `-->` line, the name, the text; real end times.
TEAMS_OLD = [
    "0:0:0.0 --> 0:0:5.320",
    "Priya Shah",
    "Morning all.",
    "",
    "0:0:5.320 --> 0:0:9.100",
    "Sam Lee",
    "The build is green.",
    "",
    "0:0:9.500 --> 0:0:12.250",
    "Priya Shah",
    "Dana, what do you think?",
]

# Exports that put the name and the time in separate paragraphs.
TEAMS_SPLIT = [
    "Release planning",
    "Priya Shah",
    "00:00:03",
    "Morning all.",
    "Sam Lee",
    "00:00:08",
    "The build is green.",
]

# A transcript someone typed up in Word.
NAMED = [
    "Interview, 5 March 2024",
    "Alice Moreau: Thanks for joining us.",
    "Ben Okafor: Happy to be here.",
    "It's been a busy year.",
    "Alice Moreau: Let's begin.",
]


# Google Meet's transcript downloaded from Google Docs as Word: a time mark every five minutes
# in a paragraph of its own, one of them under a short unnamed paragraph (which, with a name
# and a time, would look like a Teams heading).
MEET = [
    "Design review (2024-02-08 16:06 GMT) - Transcript",
    "Attendees",
    "Priya Shah, Sam Lee, Dana Ortiz, Wei Chen",
    "Transcript",
    "This editable transcript was computer generated and might contain errors. People can "
    "also change the text after it was created.",
    "00:00:00",
    "Priya Shah: Morning all. Let's start with the release.",
    "Sam Lee: The build is green.",
    "Thanks.",
    "00:05:00",
    "Dana Ortiz: I can help with the docs.",
    "Because I wrote them.",
    "00:10:00",
    "Priya Shah: Great, thanks Dana.",
    "Meeting ended after 00:12:31 👋",
]


def _read(paragraphs: list[str], name: str = "meeting.docx"):  # type: ignore[no-untyped-def]
    return read_meeting(Source(Path(name), _docx(paragraphs)))


def test_teams_headings_one_utterance_per_block() -> None:
    """Each `Name   m:ss` heading and its paragraphs is one utterance with its start time."""
    meeting = _read(TEAMS)
    assert [(u.speaker, u.start_s) for u in meeting.utterances] == [
        ("Priya Shah", 3.0),
        ("Sam Lee", 3.0),
        ("Priya Shah", 9.0),
        ("Dana Ortiz", 15.0),
        ("Sam Lee", 3730.0),
    ]
    assert meeting.utterances[3].text == (
        "I can help with the docs. I wrote most of the install guide anyway."
    )
    assert meeting.format == "teams-docx"


def test_teams_header_gives_title_date_and_duration() -> None:
    """The title loses Teams' timestamp suffix; the date and `27m 42s` are read; the
    transcription start and stop notices are not speech."""
    meeting = _read(TEAMS)
    assert meeting.title == "Release planning"
    assert str(meeting.date) == "2024-01-24"
    assert meeting.stated_duration_s == 27 * 60 + 42
    assert all("transcription" not in u.text for u in meeting.utterances)


def test_teams_ends_are_estimates_from_the_next_later_start() -> None:
    """Teams gives starts only: an end is the next later start (two people starting in the same
    second both run to it), the last has none, and a warning says so."""
    meeting = _read(TEAMS)
    assert [u.end_s for u in meeting.utterances] == [9.0, 9.0, 15.0, 3730.0, None]
    assert any("estimate" in w for w in meeting.warnings)


def test_heading_and_text_in_one_paragraph_with_a_line_break() -> None:
    """Stream-style paragraphs hold the heading and the text separated by a line break."""
    meeting = _read(["Priya Shah   0:03\nMorning all.", "Sam Lee   0:08\nHello."])
    assert [(u.speaker, u.text, u.start_s) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all.", 3.0),
        ("Sam Lee", "Hello.", 8.0),
    ]


def test_older_teams_layout_with_real_end_times() -> None:
    """`0:0:0.0 --> 0:0:5.320`, the name, the text: start and end are the source's own."""
    meeting = _read(TEAMS_OLD)
    assert [(u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all.", 0.0, 5.32),
        ("Sam Lee", "The build is green.", 5.32, 9.1),
        ("Priya Shah", "Dana, what do you think?", 9.5, 12.25),
    ]
    assert meeting.is_timed
    assert not any("estimate" in w for w in meeting.warnings)


def test_older_layout_with_voice_tags() -> None:
    """A WebVTT cue pasted into Word (`<v Name>text</v>`) names its speaker."""
    meeting = _read(
        [
            "WEBVTT",
            "00:00:01.000 --> 00:00:04.000",
            "<v Priya Shah>Morning all.</v>",
            "00:00:04.500 --> 00:00:06.000",
            "<v Sam Lee>Hello.</v>",
        ]
    )
    assert [(u.speaker, u.text, u.end_s) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all.", 4.0),
        ("Sam Lee", "Hello.", 6.0),
    ]


def test_name_and_time_on_separate_lines() -> None:
    """`Name` then `00:00:03` in the next paragraph is a heading too."""
    meeting = _read(TEAMS_SPLIT)
    assert meeting.title == "Release planning"
    assert [(u.speaker, u.text, u.start_s) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all.", 3.0),
        ("Sam Lee", "The build is green.", 8.0),
    ]


def test_generic_word_transcript_with_name_prefixes() -> None:
    """Any Word document of `Name: text` paragraphs reads; an unnamed paragraph continues the
    speaker as a separate utterance."""
    meeting = _read(NAMED)
    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Alice Moreau", "Thanks for joining us."),
        ("Ben Okafor", "Happy to be here."),
        ("Ben Okafor", "It's been a busy year."),
        ("Alice Moreau", "Let's begin."),
    ]
    assert meeting.title == "Interview, 5 March 2024"
    assert not meeting.is_timed


def test_google_meet_transcript_saved_as_word() -> None:
    """Meet's title, date, attendee list and closing line are the meeting's details; its time
    marks are nobody's speech, and a short paragraph above one is not a Teams heading."""
    meeting = _read(MEET)
    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all. Let's start with the release."),
        ("Sam Lee", "The build is green."),
        ("Sam Lee", "Thanks."),
        ("Dana Ortiz", "I can help with the docs."),
        ("Dana Ortiz", "Because I wrote them."),
        ("Priya Shah", "Great, thanks Dana."),
    ]
    assert meeting.title == "Design review"
    assert str(meeting.date) == "2024-02-08"
    assert meeting.attendees == ("Priya Shah", "Sam Lee", "Dana Ortiz", "Wei Chen")
    assert meeting.duration_s == 12 * 60 + 31


def test_teams_document_titled_transcript_keeps_its_headings() -> None:
    """A Teams document whose title ends in " - Transcript", with two `Key: text` lines in
    its turns, is still read by its headings."""
    paragraphs = [
        "Design review - Transcript",
        "Ana Ruiz   0:03",
        "Budget: we stay within it.",
        "Ben Ode   0:09",
        "Timeline: two more weeks.",
        "Ana Ruiz   0:15",
        "Agreed.",
    ]
    meeting = _read(paragraphs)
    assert [u.speaker for u in meeting.utterances] == ["Ana Ruiz", "Ben Ode", "Ana Ruiz"]
    assert meeting.utterances[0].start_s == 3


def test_detected_by_content_whatever_the_extension(write) -> None:  # type: ignore[no-untyped-def]
    """A Teams .docx renamed (or without an extension) is still recognised."""
    assert read_meeting(write("transcript.bin", _docx(TEAMS))).format == "teams-docx"
    assert read_meeting(write("transcript", _docx(TEAMS_OLD))).format == "teams-docx"


def test_other_zip_archives_are_not_claimed(write) -> None:  # type: ignore[no-untyped-def]
    """A ZIP without `word/document.xml` (say, a folder of exports) is refused clearly."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("meeting.vtt", "WEBVTT\n")
    source = Source(Path("exports.zip"), buffer.getvalue())
    assert teams_docx.sniff(source) == 0.0
    with pytest.raises(InputError, match="ZIP archive"):
        read_meeting(write("exports.zip", buffer.getvalue()))


def test_word_document_without_a_transcript_says_so(write) -> None:  # type: ignore[no-untyped-def]
    """A Word document of ordinary prose is a clear error naming the layouts we read."""
    path = write("essay.docx", _docx(["On meetings", "Meetings are where work happens."]))
    with pytest.raises(InputError, match="Word document without a transcript"):
        read_meeting(path)


def _cut_inside_document_xml(data: bytes) -> bytes:
    """The .docx cut off half-way through its compressed text part (as by a failed download)."""
    start = data.find(b"PK\x03\x04")
    while start != -1:
        name_len, extra_len = struct.unpack("<HH", data[start + 26 : start + 30])
        name = data[start + 30 : start + 30 + name_len]
        size = struct.unpack("<I", data[start + 18 : start + 22])[0]
        if name == b"word/document.xml":
            body = start + 30 + name_len + extra_len
            return data[: body + size * 2 // 3]
        start = data.find(b"PK\x03\x04", start + 4)
    raise AssertionError("no word/document.xml in the test document")


def test_truncated_document_keeps_the_complete_paragraphs(write) -> None:  # type: ignore[no-untyped-def]
    """A .docx cut off inside its text keeps the turns that were complete, with a warning."""
    paragraphs = TEAMS[:4]
    for number in range(60):
        paragraphs += [
            f"{'Priya Shah' if number % 2 else 'Sam Lee'}   {number}:00",
            f"Turn {number}.",
        ]
    meeting = read_meeting(write("cut.docx", _cut_inside_document_xml(_docx(paragraphs))))
    assert 5 < len(meeting.utterances) < 60
    assert meeting.utterances[0].text == "Turn 0."
    assert any("cut off" in w for w in meeting.warnings)


def test_damaged_archive_with_no_readable_text_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """A .docx cut off before its text part is refused in one sentence."""
    data = _docx(TEAMS)
    cut = data[: data.find(b"word/document.xml") + 40]
    with pytest.raises(InputError, match="damaged Word document"):
        read_meeting(write("broken.docx", cut))
