"""NIST STM (segment time mark): the reference transcript format of NIST/sclite scoring.

`file channel speaker start end [<labels>] text`, one segment a line; `;;` starts a comment.
Segments keep the file's order. `inter_segment_gap` and `excluded_region` lines mark stretches
with no speaker and are skipped; `ignore_time_segment_in_scoring` keeps the time with no text.
"""

from __future__ import annotations

import math
import re

from voiceshare.model import Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, speaker_label
from voiceshare.readers._source import Source

_NOT_SPEAKERS = frozenset({"inter_segment_gap", "excluded_region"})
_IGNORED_TEXT = "ignore_time_segment_in_scoring"
# RTTM lines also start with five fields, the fourth and fifth numbers: never take them.
_RTTM_TYPES = frozenset({"SPEAKER", "SPKR-INFO", "LEXEME", "NON-SPEECH", "NON-LEX", "SEGMENT"})
_LABELS = re.compile(r"^<[^<>\s]*>$")


def sniff(source: Source) -> float:
    head = source.head
    lines = _content_lines(head)
    if len(head) >= 4000 and len(lines) > 1:
        lines = lines[:-1]  # the head may end mid-line
    if not lines:
        return 0.0
    good = 0
    for line in lines:
        fields = line.split(maxsplit=5)
        if fields[0].upper() in _RTTM_TYPES:
            return 0.0
        if len(fields) >= 5 and _segment_times(fields[3], fields[4]) is not None:
            good += 1
    share = good / len(lines)
    if share < 0.9:
        return 0.0
    comments = [line for line in head.split("\n") if line.startswith(";;")]
    if any("CATEGORY" in line or "LABEL" in line for line in comments):
        return 0.95
    return 0.8 if good >= 2 else 0.5


def _content_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip() and not line.startswith(";;")]


def _segment_times(start: str, end: str) -> tuple[float, float] | None:
    try:
        start_s, end_s = float(start), float(end)
    except ValueError:
        return None
    if not (math.isfinite(start_s) and math.isfinite(end_s)) or start_s < 0 or end_s < start_s:
        return None
    return start_s, end_s


def read(source: Source) -> Parsed:
    lines = source.text.rstrip().split("\n")
    segments: list[tuple[str, str, float, float, str]] = []  # file, speaker, start, end, text
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith(";;"):
            continue
        fields = line.split(maxsplit=5)
        times = _segment_times(fields[3], fields[4]) if len(fields) >= 5 else None
        if times is None:
            if number == len(lines):
                source.warn(f"the last line ({number}) is cut off and was dropped")
                break
            raise source.fail(
                f"line {number} is not an STM segment "
                "(expected `file channel speaker start end [<labels>] text`, end after start)"
            )
        speaker = fields[2]
        if speaker.lower() in _NOT_SPEAKERS:
            continue
        text = _text(fields[5] if len(fields) > 5 else "")
        segments.append((fields[0], speaker, times[0], times[1], text))
    if not segments:
        raise source.fail("has no STM segments with a speaker")

    file_ids = list(dict.fromkeys(file_id for file_id, *_ in segments))
    if len(file_ids) > 1:
        first = file_ids[0]
        kept = sum(1 for file_id, *_ in segments if file_id == first)
        source.warn(
            f"holds {len(file_ids)} recordings ({', '.join(file_ids[:3])}"
            f"{' ...' if len(file_ids) > 3 else ''}); read only the first, "
            f"{first!r} ({kept} of {len(segments)} segments)"
        )
        segments = [s for s in segments if s[0] == first]

    names = [speaker for _, speaker, *_ in segments]
    utterances = [
        Utterance("", _display(speaker), text, start, end)
        for _, speaker, start, end, text in segments
    ]
    return Parsed(
        utterances=utterances,
        has_speaker_names=not all(any(ch.isdigit() for ch in name) for name in names),
    )


def _text(rest: str) -> str:
    """The transcript after the optional `<labels>` field."""
    parts = rest.split(maxsplit=1)
    if parts and _LABELS.match(parts[0]):
        rest = parts[1] if len(parts) > 1 else ""
    rest = clean_text(rest)
    return "" if rest.lower() == _IGNORED_TEXT else rest


def _display(speaker: str) -> str:
    """Numeric labels (`0`, `1`) become "Speaker N"; other labels are kept as written."""
    return speaker_label(speaker) if speaker.isdigit() else speaker


SPEC = ReaderSpec(
    name="stm",
    description="NIST STM segments (file channel speaker start end text)",
    extensions=("stm",),
    sniff=sniff,
    read=read,
)
