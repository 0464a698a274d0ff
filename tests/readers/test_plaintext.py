"""Plain-text transcripts: `Name: text` lines, timestamped lines, Otter/Rev blocks, Google Meet."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, plaintext, read_meeting

ZOOM = "transcripts/zoom/GMT20240124-202901_Recording.transcript.vtt"
ZOOM_CHAT = "transcripts/zoom/GMT20240124-202901_RecordingnewChat.txt"

# Typed-up meeting notes: details at the top, one line per turn, a wrapped line, a second
# paragraph by the same speaker after a blank line.
NAMED = """\
Title: Release planning
Date: 2024-03-05
Attendees: Priya Shah, Sam Lee, Dana Ortiz, Wei Chen

Priya Shah: Morning all. Let's start with the release.
Sam Lee: The build is green, but the docs are behind and
we may need another day for them.
Priya Shah: Dana, what do you think?
Dana Ortiz: I can help with the docs.

I wrote most of the install guide anyway.
Sam Lee: Great, thanks Dana.
"""

# `[hh:mm:ss] Name: text`, as many recorders and meeting bots write it.
TIMED = """\
[00:00:01] Priya Shah: Morning all.
[00:00:04] Sam Lee: The build is green.
[00:00:09] Priya Shah: Dana, what do you think?
[00:00:12] Dana Ortiz: I can help with the docs.
"""

# Otter's .txt export: `Name  m:ss` (two spaces), the paragraph, a blank line; unnamed voices
# are `Speaker N`; the free plan adds a footer.
OTTER = """\
Speaker 1  0:00
Okay, let's get going. Thanks everyone for joining.

Jane Doe  0:06
Thanks. I have two updates, the first one about hiring.

Speaker 1  0:14
Go ahead.

Jane Doe  1:02:03
That's all from me.

Transcribed by https://otter.ai
"""

# Rev's .txt export: `Name (mm:ss):` then the paragraph; hours appear after an hour.
REV = """\
Speaker 1 (00:00):
Okay, so let's get going.

Speaker 2 (00:06):
Thanks. I have two updates.

Speaker 1 (01:02:14):
Go ahead.
"""


def _read(text: str, name: str = "meeting.txt"):  # type: ignore[no-untyped-def]
    return read_meeting(Source.from_text(text, name))


def test_named_lines_keep_one_utterance_per_line() -> None:
    """Each `Name: text` line is an utterance; a wrapped line belongs to the line above it."""
    meeting = _read(NAMED)
    assert [u.speaker for u in meeting.utterances] == [
        "Priya Shah",
        "Sam Lee",
        "Priya Shah",
        "Dana Ortiz",
        "Dana Ortiz",
        "Sam Lee",
    ]
    assert meeting.utterances[1].text == (
        "The build is green, but the docs are behind and we may need another day for them."
    )
    assert meeting.format == "plaintext"
    assert not meeting.is_timed


def test_paragraph_after_blank_line_is_a_new_utterance_by_the_same_speaker() -> None:
    """A blank line ends an utterance; an unprefixed paragraph after it continues the speaker."""
    meeting = _read(NAMED)
    assert meeting.utterances[3].text == "I can help with the docs."
    assert meeting.utterances[4].text == "I wrote most of the install guide anyway."


def test_details_at_the_top_are_meeting_details_not_speech() -> None:
    """`Title:`, `Date:` and `Attendees:` lines describe the meeting; Wei Chen never spoke."""
    meeting = _read(NAMED)
    assert meeting.title == "Release planning"
    assert str(meeting.date) == "2024-03-05"
    assert meeting.attendees == ("Priya Shah", "Sam Lee", "Dana Ortiz", "Wei Chen")
    assert "Title" not in meeting.speaker_names


# Google Meet's transcript, a Google Doc downloaded as plain text: a time mark every five
# minutes on its own line (here one falls mid-sentence, as Meet puts them), the closing line,
# and the note that the transcript is editable (at the top in some exports, the bottom in others).
MEET = """\
Design review (2024-02-08 16:06 GMT) - Transcript
Attendees
Priya Shah, Sam Lee, Dana Ortiz, Wei Chen
Transcript
This editable transcript was computer generated and might contain errors. People can also \
change the text after it was created.
00:00:00

Priya Shah: Morning all. Let's start with the release.
Sam Lee: The build is green, but the docs are behind and
00:05:00

Sam Lee: we may need another day for them.
Dana Ortiz: I can help with the docs.

00:10:00

Priya Shah: Great, thanks Dana.
Meeting ended after 00:12:31 👋

This editable transcript was computer generated and might contain errors. People can also \
change the text after it was created.
"""


def test_google_meet_transcript_reads_its_details_and_leaves_out_its_marks() -> None:
    """Meet's title, date and attendee list are the meeting's details and its closing line its
    length; the time marks and the editable-transcript note are nobody's speech."""
    meeting = _read(MEET)
    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Priya Shah", "Morning all. Let's start with the release."),
        ("Sam Lee", "The build is green, but the docs are behind and"),
        ("Sam Lee", "we may need another day for them."),
        ("Dana Ortiz", "I can help with the docs."),
        ("Priya Shah", "Great, thanks Dana."),
    ]
    assert meeting.title == "Design review"
    assert str(meeting.date) == "2024-02-08"
    assert meeting.attendees == ("Priya Shah", "Sam Lee", "Dana Ortiz", "Wei Chen")
    assert meeting.duration_s == 12 * 60 + 31
    assert meeting.warnings == ()


def test_a_list_heading_takes_only_a_list_of_names() -> None:
    """Under a `Participants` heading a sentence is not a list of people, and outside a Meet
    transcript a time alone on its line is something said."""
    meeting = _read(
        "Participants\n\nSo, this is the plan.\nAnn Lee: Hi all.\nBo Kim: Hi.\n\n"
        "Ann Lee: When does it start?\n\n10:45:00\n\nBo Kim: Great.\n"
    )
    assert meeting.attendees == ()
    assert [u.text for u in meeting.utterances] == [
        "Hi all.",
        "Hi.",
        "When does it start?",
        "10:45:00",
        "Great.",
    ]


def test_google_meet_transcript_converted_to_markdown() -> None:
    """The same transcript with the headings and note marked up as a Markdown conversion
    writes them reads the same."""
    marked = (
        MEET.replace("Design review", "## Design review")
        .replace("Attendees", "### Attendees")
        .replace("This editable", "#### _This editable")
        .replace("after it was created.", "after it was created._")
        .replace("Meeting ended", "### Meeting ended")
    )
    plain, converted = _read(MEET), _read(marked, "meeting.md")
    assert converted.utterances == plain.utterances
    assert (converted.title, converted.attendees, converted.duration_s) == (
        plain.title,
        plain.attendees,
        plain.duration_s,
    )


def test_a_colon_phrase_inside_a_paragraph_is_text_not_a_speaker() -> None:
    """`Budget: ...` on a wrapped line is part of the sentence when nobody called Budget speaks."""
    meeting = _read(
        "Ann Lee: The plan has two parts, and the first one is\nBudget: we stay within it.\n"
        "Bo Kim: Agreed.\nAnn Lee: Good.\n"
    )
    assert [u.speaker for u in meeting.utterances] == ["Ann Lee", "Bo Kim", "Ann Lee"]
    assert meeting.utterances[0].text == (
        "The plan has two parts, and the first one is Budget: we stay within it."
    )


def test_timed_lines_estimate_each_end_from_the_next_start() -> None:
    """Start times are the source's; an end is the next start (said in a warning); the last has
    none, so the meeting is not fully timed and shares fall back to words."""
    meeting = _read(TIMED)
    times = [(u.start_s, u.end_s) for u in meeting.utterances]
    assert times == [(1.0, 4.0), (4.0, 9.0), (9.0, 12.0), (12.0, None)]
    assert any("estimate" in w for w in meeting.warnings)
    assert not meeting.is_timed


@pytest.mark.parametrize(
    "line",
    ["00:01:02 Sam Lee: Hello.", "(00:01:02) Sam Lee: Hello.", "[01:02] Sam Lee: Hello."],
)
def test_timestamp_styles(line: str) -> None:
    """Bare, parenthesised and minutes:seconds timestamps all give the start time."""
    meeting = _read(f"{line}\n{line.replace('Sam Lee', 'Ann Lee')}\n")
    assert meeting.utterances[0].speaker == "Sam Lee"
    assert meeting.utterances[0].start_s == 62.0


def test_timed_lines_with_a_stated_end_keep_it_and_do_not_estimate() -> None:
    """`[start - end]` ranges are real end times: nothing is estimated."""
    meeting = _read(
        "[00:00:01 - 00:00:03] Ann Lee: Hi.\n[00:00:04 - 00:00:06] Bo Kim: Hello.\n"
        "[00:00:06 - 00:00:09] Ann Lee: Shall we start?\n"
    )
    assert [(u.start_s, u.end_s) for u in meeting.utterances] == [
        (1.0, 3.0),
        (4.0, 6.0),
        (6.0, 9.0),
    ]
    assert meeting.is_timed
    assert not any("estimate" in w for w in meeting.warnings)


def test_timed_lines_without_names_have_one_unidentified_speaker() -> None:
    """A timestamped text that names nobody cannot tell speakers apart."""
    meeting = _read("[00:00:01] Hello.\n[00:00:03] Hi there.\n[00:00:05] Let's begin.\n")
    assert set(meeting.speaker_names) == {plaintext.UNIDENTIFIED}
    assert meeting.metadata["speakers"] == "unidentified"


def test_otter_blocks() -> None:
    """Each Otter block is an utterance with its start; `Speaker 1` stays as written, a real
    name is kept, and the footer is not speech."""
    meeting = _read(OTTER)
    assert [(u.speaker, u.start_s) for u in meeting.utterances] == [
        ("Speaker 1", 0.0),
        ("Jane Doe", 6.0),
        ("Speaker 1", 14.0),
        ("Jane Doe", 3723.0),
    ]
    assert meeting.utterances[-1].text == "That's all from me."
    assert meeting.metadata["speakers"] == "named"


def test_rev_blocks_with_anonymous_speakers() -> None:
    """Rev's `Speaker 1 (00:00):` headings; only numbered speakers means unnamed speakers."""
    meeting = _read(REV)
    assert [(u.speaker, u.start_s) for u in meeting.utterances] == [
        ("Speaker 1", 0.0),
        ("Speaker 2", 6.0),
        ("Speaker 1", 3734.0),
    ]
    assert meeting.metadata["speakers"] == "labelled"


def test_truncated_blocks_keep_what_is_complete_and_warn() -> None:
    """A file cut off after a heading keeps the earlier blocks and says it may be truncated."""
    meeting = _read(OTTER.split("Jane Doe  1:02:03")[0] + "Jane Doe  1:02:03\n")
    assert len(meeting.utterances) == 3
    assert any("truncated" in w for w in meeting.warnings)


@pytest.mark.parametrize(("text", "name"), [(OTTER, "otter.vtt"), (REV, "rev"), (TIMED, "x.srt")])
def test_detected_by_content_whatever_the_extension(write, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """The layout is recognised from the text, with a misleading or missing extension."""
    meeting = read_meeting(write(name, text))
    assert meeting.format == "plaintext"


NOT_PLAIN_TEXT = {
    "webvtt": "WEBVTT\n\n1\n00:00:00.050 --> 00:00:01.790\nAnn Lee: Hi!\n",
    "subrip": "1\n00:00:00,050 --> 00:00:01,790\nAnn Lee: Hi!\n\n2\n00:00:02,000 --> "
    "00:00:03,000\nBo Kim: Hello.\n",
    "chat": "@UTF8\n@Begin\n@Participants:\tMOT Mother, CHI Child\n*MOT:\thello .\n@End\n",
    "stm": "ES2008a 1 FEE005 12.34 15.67 <o,f0,female> okay so let's start\n"
    "ES2008a 1 MEE006 15.70 17.00 <o,f0,male> sure\n",
    "rttm": "SPEAKER ES2008a 1 12.34 3.33 <NA> <NA> FEE005 <NA> <NA>\n"
    "SPEAKER ES2008a 1 15.70 1.30 <NA> <NA> MEE006 <NA> <NA>\n",
    "csv": "start,end,speaker,text\n0.0,1.5,Ann Lee,Hi: there\n1.5,3.0,Bo Kim,Hello: you\n",
    "nlp": "token|speaker|ts|endTs|punctuation|case|tags|wer_tags\nGood|1||||UC|[]|[]\n",
    "json": '[{"speaker": "Ann", "text": "Hi: there"}, {"speaker": "Bo", "text": "Hi"}]',
    "prose": "The meeting went well.\n\nWe agreed on the plan: ship on Friday.\n"
    "Everyone was there.\n",
    "settings": "name: voiceshare\nversion: 1\nauthor: someone\nlicense: MIT\n",
    "python log": "UserWarning: Could not find hypothesis\nUserWarning: assuming empty\n"
    "FutureWarning: read_table is deprecated\nUserWarning: again\n",
}


@pytest.mark.parametrize("kind", sorted(NOT_PLAIN_TEXT))
def test_sniffer_leaves_other_formats_alone(kind: str) -> None:
    """Subtitles, CHAT, STM, RTTM, tables, JSON, prose and logs are not claimed."""
    assert plaintext.sniff(Source.from_text(NOT_PLAIN_TEXT[kind])) == 0.0


def test_zoom_chat_log_is_not_a_transcript(shared_data: Path) -> None:
    """Zoom's saved chat is typed messages, not speech: not claimed, and refused if forced."""
    source = Source.from_path(shared_data / ZOOM_CHAT)
    assert plaintext.sniff(source) == 0.0
    with pytest.raises(InputError, match="chat log"):
        read_meeting(shared_data / ZOOM_CHAT, format_name="plaintext")


def _zoom_cues(path: Path) -> list[tuple[float, str, str]]:
    """(start, name, text) of the real Zoom export's named cues, parsed independently."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cues = []
    for index, line in enumerate(lines):
        if "-->" in line and ": " in lines[index + 1]:
            h, m, s = line.split(" --> ")[0].split(":")
            name, text = lines[index + 1].split(": ", 1)
            cues.append((int(h) * 3600 + int(m) * 60 + float(s), name, text))
    return cues


def test_real_meeting_written_as_otter_blocks(shared_data: Path, write) -> None:  # type: ignore[no-untyped-def]
    """The real Zoom meeting, rewritten in Otter's layout by the test, reads back with the same
    speakers in the same order and the same start seconds."""
    cues = _zoom_cues(shared_data / ZOOM)
    blocks = []
    for start, name, text in cues:
        minutes, seconds = divmod(int(start), 60)
        blocks.append(f"{name}  {minutes}:{seconds:02d}\n{text}\n")
    meeting = read_meeting(write("zoom-otter.txt", "\n".join(blocks)))
    assert [u.speaker for u in meeting.utterances] == [name for _, name, _ in cues]
    assert [u.start_s for u in meeting.utterances] == [float(int(s)) for s, _, _ in cues]
    assert len(set(meeting.speaker_names)) == 5


def test_real_meeting_written_as_timed_lines(shared_data: Path, write) -> None:  # type: ignore[no-untyped-def]
    """The same meeting as `[hh:mm:ss] Name: text` lines keeps every line's speaker and text."""
    cues = _zoom_cues(shared_data / ZOOM)
    lines = []
    for start, name, text in cues:
        minutes, seconds = divmod(int(start), 60)
        lines.append(f"[00:{minutes:02d}:{seconds:02d}] {name}: {text}")
    meeting = read_meeting(write("zoom-lines", "\n".join(lines) + "\n"))
    # Runs of spaces (and Zoom's no-break spaces) become single spaces, as in every reader.
    expected = [(name, " ".join(text.split())) for _, name, text in cues]
    assert [(u.speaker, u.text) for u in meeting.utterances] == expected


def test_windows_1252_text_with_curly_quotes(write) -> None:  # type: ignore[no-untyped-def]
    """A transcript saved as Windows-1252 (Word's 'Text Only') reads with its curly quotes."""
    text = (
        "Zoë Martín: I don’t think we’re ready – are we?\n"
        "Sam Lee: “Ready” is a strong word; let’s say almost.\n"
        "Zoë Martín: Fair enough, let’s ship on Friday.\n"
    )
    meeting = read_meeting(write("notes.txt", text.encode("cp1252")))
    assert meeting.utterances[0].text == "I don’t think we’re ready – are we?"
    assert meeting.utterances[0].speaker == "Zoë Martín"
    assert meeting.utterances[1].text == "“Ready” is a strong word; let’s say almost."


def test_utf16_with_bom(write) -> None:  # type: ignore[no-untyped-def]
    """A UTF-16 file with a byte-order mark (Notepad's 'Unicode') reads like UTF-8."""
    data = codecs.BOM_UTF16_LE + TIMED.replace("\n", "\r\n").encode("utf-16-le")
    meeting = read_meeting(write("timed.txt", data))
    assert [u.speaker for u in meeting.utterances][:2] == ["Priya Shah", "Sam Lee"]
    assert meeting.utterances[0].start_s == 1.0


def test_empty_file_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """An empty (or blank) file says so."""
    with pytest.raises(InputError, match="is empty"):
        read_meeting(write("empty.txt", "\n  \n"))


def test_binary_file_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """Bytes that are not text are refused in one sentence, not with a decoding traceback."""
    with pytest.raises(InputError, match="not a transcript"):
        read_meeting(write("meeting.txt", bytes(range(256)) * 8))


def test_text_in_no_known_layout_is_refused_when_forced() -> None:
    """Forcing the plain-text reader on prose gives one clear sentence."""
    source = Source.from_text("Just some notes.\nNothing about who spoke.\n")
    with pytest.raises(InputError, match="transcript layout"):
        read_meeting(source, format_name="plaintext")
