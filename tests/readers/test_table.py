"""CSV and TSV transcripts with a header naming speaker, start, end and text columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceshare.errors import InputError, UnknownFormatError
from voiceshare.readers import Source, read_meeting
from voiceshare.readers.table import read, sniff

SECONDS_CSV = """\
speaker,start,end,text
Priya,0.0,2.5,"Morning all, shall we start?"
Sam,2.8,4.1,Sure.
Priya,4.6,9.0,"First item: the budget, which is ""tight""."
"""

CLOCK_TSV = (
    "Start Time\tEnd Time\tSpeaker Name\tTranscript\n"
    "00:00:01.5\t00:00:04\tAda Lovelace\tHello everyone.\n"
    "00:01:02.5\t00:01:05,250\tCharles Babbage\tThanks, Ada.\n"
)


def test_seconds_csv_keeps_rows_as_utterances() -> None:
    """One row, one utterance: quoted commas and doubled quotes stay in the text."""
    parsed = read(Source.from_text(SECONDS_CSV, "standup.csv"))
    assert [(u.speaker, u.start_s, u.end_s, u.text) for u in parsed.utterances] == [
        ("Priya", 0.0, 2.5, "Morning all, shall we start?"),
        ("Sam", 2.8, 4.1, "Sure."),
        ("Priya", 4.6, 9.0, 'First item: the budget, which is "tight".'),
    ]
    assert parsed.has_speaker_names is True


def test_tsv_with_clock_times_and_synonym_headers() -> None:
    """`Start Time`, `Speaker Name`, `Transcript` are recognised; clock times become seconds."""
    parsed = read(Source.from_text(CLOCK_TSV, "call.tsv"))
    assert [(u.speaker, u.start_s, u.end_s) for u in parsed.utterances] == [
        ("Ada Lovelace", 1.5, 4.0),
        ("Charles Babbage", 62.5, 65.25),
    ]


def test_semicolons_milliseconds_and_anonymous_speakers() -> None:
    """A semicolon table with `start_ms` columns and numeric speakers."""
    text = "participant;start_ms;end_ms;utterance\n0;1500;2500;Hi, there.\n1;2600;3000;Hello.\n"
    parsed = read(Source.from_text(text))
    assert [(u.speaker, u.start_s, u.end_s) for u in parsed.utterances] == [
        ("Speaker 1", 1.5, 2.5),
        ("Speaker 2", 2.6, 3.0),
    ]
    assert parsed.has_speaker_names is False


def test_untimed_table_and_speaker_named_only_on_change() -> None:
    """Times are optional; an empty speaker cell continues the previous speaker."""
    text = "name,content\nAlice,First point.\n,Second point.\nBob,Agreed.\n"
    parsed = read(Source.from_text(text, "notes.csv"))
    assert [(u.speaker, u.start_s) for u in parsed.utterances] == [
        ("Alice", None),
        ("Alice", None),
        ("Bob", None),
    ]


def test_id_column_is_kept() -> None:
    """A segment id column becomes the utterance id."""
    text = "id,speaker,text\nseg-7,Alice,Hello.\nseg-8,Bob,Hi.\n"
    assert [u.id for u in read(Source.from_text(text)).utterances] == ["seg-7", "seg-8"]


def test_detected_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """A transcript table saved as .txt is still read as a table."""
    meeting = read_meeting(write("standup.txt", SECONDS_CSV))
    assert meeting.format == "table"
    assert meeting.speaker_names == ("Priya", "Sam")


def test_table_without_text_column_is_refused_clearly(write) -> None:  # type: ignore[no-untyped-def]
    """A CSV that is not a transcript names the columns it has and what is missing."""
    path = write("speakers.csv", "file_id,speaker_id,speaker_name\n4341191,0,Brandon\n")
    with pytest.raises(InputError, match="no text column, so it is not a transcript"):
        read_meeting(path)


def test_table_without_csv_extension_or_columns_is_not_claimed(write) -> None:  # type: ignore[no-untyped-def]
    """A table lacking transcript columns and a CSV extension is left to other readers."""
    path = write("numbers.txt", "a,b,c\n1,2,3\n4,5,6\n")
    assert sniff(Source.from_path(path)) == 0.0
    with pytest.raises(UnknownFormatError):
        read_meeting(path)


def test_sniff_ignores_pipe_separated_and_prose() -> None:
    """Rev .nlp headers and `Name: text` prose are not tables."""
    assert (
        sniff(Source.from_text("token|speaker|ts|endTs|punctuation|case|tags\nHi|0||||UC|\n")) == 0
    )
    assert sniff(Source.from_text("Alice: hello, how are you\nBob: fine, thanks\n")) == 0


def test_bad_time_is_an_error() -> None:
    """A start time that is neither seconds nor a clock time names the row."""
    broken = SECONDS_CSV.replace("2.8,4.1", "soon,4.1")
    with pytest.raises(InputError, match="row 3: the start time 'soon'"):
        read(Source.from_text(broken))


def test_truncated_last_row_keeps_the_rest_with_a_warning() -> None:
    """A file cut off in its last row keeps the complete rows."""
    source = Source.from_text(SECONDS_CSV + "Sam,9.5")
    parsed = read(source)
    assert len(parsed.utterances) == 3
    assert any("cut off" in w for w in source.warnings)


def test_header_without_rows_is_an_error() -> None:
    """A header alone holds no utterances."""
    with pytest.raises(InputError, match="no utterances"):
        read(Source.from_text("speaker,start,end,text\n", "empty.csv"))


def test_zoom_recordings_list_is_not_a_transcript(shared_data: Path) -> None:
    """Zoom's list of cloud recordings is a CSV but not a transcript: a clear error says why."""
    path = shared_data / "transcripts/zoom/zoomus_recordings__20240124.csv"
    with pytest.raises(InputError, match=r"Topic, ID, Start Time.*no speaker or text column"):
        read_meeting(path)


def test_zoom_metadata_tables_are_not_transcripts(shared_data: Path) -> None:
    """Other real CSVs in the data (metadata tables) are refused, never misread."""
    for relative in (
        "transcripts/earnings21/speaker-metadata.csv",
        "transcripts/earnings21/earnings21-file-metadata.csv",
        "transcripts/zoom/synthetic_test_transcripts/metadata.csv",
    ):
        with pytest.raises(InputError, match="not a transcript"):
            read_meeting(shared_data / relative)
