"""RTTM (NIST Rich Transcription Time Marked): who spoke when, with no words.

`SPEAKER <file> <channel> <start> <duration> <NA> <NA> <name> <NA> <NA>`, one speech turn a line.
Diarization tools (pyannote, VBx, DiariZen) write it, and it is the format of diarization
references (AMI, VoxConverse, earnings21). Other RTTM line types carry no speaker turns and are
skipped.
"""

from __future__ import annotations

import math

from voiceshare.model import Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, speaker_label
from voiceshare.readers._source import Source

# The line types NIST's RTTM defines; only SPEAKER lines are speaker turns.
_TYPES = frozenset(
    {
        "SPEAKER",
        "SPKR-INFO",
        "SEGMENT",
        "LEXEME",
        "NON-LEX",
        "NON-SPEECH",
        "NOSCORE",
        "NO_RT_METADATA",
        "SU",
        "A/P",
        "CB",
        "IP",
        "EDIT",
        "FILLER",
    }
)
_FIELDS = 9  # the tenth (signal lookahead time) is often left out


def sniff(source: Source) -> float:
    lines = _content_lines(source.head)
    if len(source.head) >= 4000 and len(lines) > 1:
        lines = lines[:-1]  # the head may end mid-line
    if not lines:
        return 0.0
    typed = [line.split() for line in lines]
    rttm = [f for f in typed if f[0].upper() in _TYPES and len(f) >= _FIELDS]
    if not any(f[0].upper() == "SPEAKER" for f in rttm):
        return 0.0
    if len(rttm) / len(typed) >= 0.9 and all(_is_number(f[3]) and _is_number(f[4]) for f in rttm):
        return 1.0
    return 0.0


def _content_lines(text: str) -> list[str]:
    return [
        line for line in text.split("\n") if line.strip() and not line.lstrip().startswith(";;")
    ]


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def read(source: Source) -> Parsed:
    lines = source.text.rstrip().split("\n")
    turns: list[tuple[str, str, float, float]] = []  # file id, raw name, start, end
    for number, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields or fields[0].startswith(";;") or fields[0].upper() != "SPEAKER":
            continue
        last = number == len(lines)
        if len(fields) < 8 or not (_is_number(fields[3]) and _is_number(fields[4])):
            if last:
                source.warn(f"the last line ({number}) is cut off and was dropped")
                break
            raise source.fail(
                f"line {number} is not an RTTM speaker turn "
                "(expected `SPEAKER file channel start duration <NA> <NA> name ...`)"
            )
        start, duration = float(fields[3]), float(fields[4])
        if start < 0 or duration < 0:
            raise source.fail(f"line {number} has a negative start or duration")
        turns.append((fields[1], fields[7], start, start + duration))
    if not turns:
        raise source.fail("has no RTTM `SPEAKER` lines")

    file_ids = list(dict.fromkeys(file_id for file_id, *_ in turns))
    if len(file_ids) > 1:
        first = file_ids[0]
        kept = sum(1 for file_id, *_ in turns if file_id == first)
        source.warn(
            f"holds {len(file_ids)} recordings ({_listing(file_ids)}); read only the first, "
            f"{first!r} ({kept} of {len(turns)} speaker turns)"
        )
        turns = [turn for turn in turns if turn[0] == first]

    names = [name for _, name, _, _ in turns]
    utterances = [
        Utterance("", _display(name), "", round(start, 6), round(end, 6))
        for _, name, start, end in turns
    ]
    return Parsed(
        utterances=utterances,
        has_text=False,
        has_speaker_names=not all(any(ch.isdigit() for ch in name) for name in names),
    )


def _display(name: str) -> str:
    """Numeric labels (`0`, `1`) become "Speaker N"; other labels are kept as written."""
    return speaker_label(name) if name.isdigit() else name


def _listing(ids: list[str], limit: int = 3) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


SPEC = ReaderSpec(
    name="rttm",
    description="RTTM speaker turns (diarization output or reference; timing only)",
    extensions=("rttm",),
    sniff=sniff,
    read=read,
)
