"""CSV and TSV transcripts: one row per utterance, under a header that names the columns.

The header must name a speaker column and a text column (`speaker,start,end,text` and common
synonyms such as `Name`, `Start Time`, `Transcript`); start and end are optional and may be seconds
(`62.5`), milliseconds (a `start_ms` column) or clock times (`00:01:02.5`). The delimiter (comma,
tab or semicolon) is detected with `csv.Sniffer`. A table without a speaker or text column (a list
of recordings, say) is refused with a message naming the columns it has.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from voiceshare.model import Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_seconds, speaker_label
from voiceshare.readers._source import Source

_DELIMITERS = ",\t;"
UNIDENTIFIED = "Unidentified speaker"

# Header synonyms, best first, as normalised by `_normalise`.
_SPEAKER = ("speaker", "speaker_name", "speaker_label", "speaker_id", "participant", "name", "spk")
_TEXT = ("text", "transcript", "transcription", "utterance", "content", "sentence", "words")
_START = (
    "start", "start_time", "start_s", "start_sec", "start_secs", "start_seconds", "starttime",
    "begin", "begin_time", "begin_s", "start_timestamp", "from", "timestamp", "time",
)  # fmt: skip
_END = (
    "end", "end_time", "end_s", "end_sec", "end_secs", "end_seconds", "endtime",
    "stop", "stop_time", "stop_s", "end_timestamp", "to",
)  # fmt: skip
_START_MS = ("start_ms", "begin_ms", "start_time_ms", "start_millis", "startms")
_END_MS = ("end_ms", "stop_ms", "end_time_ms", "end_millis", "endms")
_ID = ("id", "segment_id", "utterance_id", "cue_id", "segment")


@dataclass(frozen=True)
class _Columns:
    speaker: int | None
    text: int | None
    start: int | None
    end: int | None
    start_scale: float  # 1.0 for seconds or clock times, 0.001 for milliseconds
    end_scale: float
    id: int | None


def sniff(source: Source) -> float:
    table = _header(source, source.head)
    if table is None:
        return 0.0
    _, header = table
    columns = _columns(header)
    if columns.speaker is not None and columns.text is not None:
        return 0.95 if columns.start is not None else 0.85
    # A table that is not a transcript: claim it weakly when its extension says CSV, so the user
    # is told which columns are missing rather than that the format is unknown.
    if source.suffix in ("csv", "tsv") and len(header) >= 2:
        return 0.3
    return 0.0


def _header(source: Source, text: str) -> tuple[str, list[str]] | None:
    """The delimiter and the header cells, or None when `text` does not look like a table."""
    lines = [line for line in text.split("\n") if line.strip()][:20]
    if len(lines) < 2 and not (lines and source.suffix in ("csv", "tsv")):
        return None
    first = lines[0]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = max(_DELIMITERS, key=first.count)
    # The sniffer can be misled by punctuation in the text; a delimiter that splits the header
    # into speaker and text columns wins.
    candidates = [sniffed, *(d for d in _DELIMITERS if d != sniffed)]
    headers = [(d, _cells(first, d)) for d in candidates if d in first]
    headers = [(d, cells) for d, cells in headers if len(cells) >= 2]
    if not headers:
        return None
    for delimiter, cells in headers:
        columns = _columns(cells)
        if columns.speaker is not None and columns.text is not None:
            return delimiter, cells
    delimiter, cells = headers[0]
    if any(len(cell) > 60 for cell in cells):
        return None
    return delimiter, cells


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _normalise(cell: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", cell.strip().lstrip("\ufeff").lower()).strip("_")


def _columns(header: Sequence[str]) -> _Columns:
    names = [_normalise(cell) for cell in header]

    def find(synonyms: Sequence[str]) -> int | None:
        for synonym in synonyms:
            if synonym in names:
                return names.index(synonym)
        return None

    start, start_ms = find(_START), find(_START_MS)
    end, end_ms = find(_END), find(_END_MS)
    return _Columns(
        speaker=find(_SPEAKER),
        text=find(_TEXT),
        start=start if start is not None else start_ms,
        end=end if end is not None else end_ms,
        start_scale=0.001 if start is None and start_ms is not None else 1.0,
        end_scale=0.001 if end is None and end_ms is not None else 1.0,
        id=find(_ID),
    )


def read(source: Source) -> Parsed:
    table = _header(source, source.text)
    if table is None:
        raise source.fail("is not a table with a header row (columns separated by , or tab or ;)")
    delimiter, header = table
    columns = _columns(header)
    speaker_at, text_at = columns.speaker, columns.text
    if speaker_at is None or text_at is None:
        missing = " or ".join(
            what for what, index in (("speaker", speaker_at), ("text", text_at)) if index is None
        )
        found = ", ".join(h.strip() for h in header if h.strip())
        raise source.fail(
            f"is a table with the columns {found}, but no "
            f"{missing} column, so it is not a transcript (a transcript table needs "
            "columns such as speaker, start, end, text)"
        )
    try:
        rows = list(csv.reader(io.StringIO(source.text.lstrip("\ufeff")), delimiter=delimiter))
    except csv.Error as exc:
        raise source.fail(f"is not a well-formed table ({exc})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)][1:]
    if not rows:
        raise source.fail("has a header row but no utterances under it")
    last = len(rows) + 1  # rows are numbered from 2, after the header
    utterances: list[Utterance] = []
    raw_speakers: list[str] = []
    previous = ""
    for number, row in enumerate(rows, start=2):
        short = len(row) <= max(speaker_at, text_at)
        if short and number != last:
            raise source.fail(
                f"row {number} has {len(row)} cells where the header names {len(header)}"
            )
        if short:
            source.warn(f"the last row ({number}) is cut off and was dropped")
            break
        if number == last and len(row) < len(header):
            source.warn(f"the last row ({number}) is cut off; kept what it has")
        text = clean_text(row[text_at])
        if not text:
            continue
        # Some exports name the speaker only when it changes.
        speaker = row[speaker_at].strip() or previous
        previous = speaker
        raw_speakers.append(speaker)
        start_s = _time(source, row, columns.start, columns.start_scale, number, "start")
        end_s = _time(source, row, columns.end, columns.end_scale, number, "end")
        cue_id = row[columns.id].strip() if columns.id is not None and columns.id < len(row) else ""
        display = speaker_label(speaker) if speaker else UNIDENTIFIED
        utterances.append(Utterance(cue_id, display, text, start_s, end_s))
    anonymous = all(not s or speaker_label(s) != s for s in raw_speakers)
    return Parsed(utterances=utterances, has_speaker_names=not anonymous)


def _time(
    source: Source, row: list[str], index: int | None, scale: float, number: int, what: str
) -> float | None:
    if index is None or index >= len(row) or not row[index].strip():
        return None
    value = row[index].strip()
    if re.fullmatch(r"\d+,\d+", value):  # a decimal comma (semicolon-separated exports)
        value = value.replace(",", ".")
    seconds = parse_seconds(value)
    if seconds is None or seconds < 0:
        raise source.fail(
            f"row {number}: the {what} time {value!r} is not a time in seconds or hh:mm:ss"
        )
    return round(seconds * scale, 6)


SPEC = ReaderSpec(
    name="table",
    description="CSV/TSV table with speaker and text columns (and optional start, end)",
    extensions=("csv", "tsv"),
    sniff=sniff,
    read=read,
)
