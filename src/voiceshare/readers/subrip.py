"""SubRip (`.srt`) subtitles, parsed with the `srt` library.

Speakers come from the cue text when the exporting tool wrote them: `Name: text` (Otter, Rev
with speaker names), `[Name] text` or `[SPEAKER_00]: text` (WhisperX), `- Name: text` dialogue
lines, or `<v Name>`. A cue without a name continues the previous speaker. A cue that names
two speakers (`- Ann: Ready?` / `- Ben: Yes.`) holds two turns: it becomes one utterance per
speaker (ids `7`, `7.2`), the cue's time shared out by length. Subtitles that name nobody are
attributed to one unidentified speaker, as for WebVTT captions.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from voiceshare.model import Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text
from voiceshare.readers._source import Source
from voiceshare.readers.plaintext import UNIDENTIFIED, display_name, split_speaker

_SRT_ARROW = re.compile(
    r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]+)*\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|\{\\[^}]*\}")  # <i>, <font ...>, {\an8}
_SPEAKER_CHANGE = re.compile(r"\s*>>+\s*")


def sniff(source: Source) -> float:
    head = source.head
    if head.lstrip().startswith("WEBVTT"):
        return 0.0
    lines = head.splitlines()
    first = next((i for i, line in enumerate(lines) if _SRT_ARROW.match(line)), None)
    if first is None:
        return 0.0
    before = [line.strip() for line in lines[:first] if line.strip()]
    comma = "," in lines[first].split("-->")[0]
    if len(before) == 1 and before[0].isdigit():
        return 1.0 if comma else 0.9  # `1` then `00:00:01,000 --> ...`: SubRip's own shape
    if not before:
        return 0.7 if comma else 0.5  # a cue without its number
    return 0.4 if comma else 0.0


@dataclass
class _Part:
    speaker: str | None  # None: the previous speaker's
    text: str


def read(source: Source) -> Parsed:
    cues = _parse_cues(source)
    if not cues:
        raise source.fail(
            "has no readable SubRip cues (numbered blocks with times such as "
            "`00:00:01,000 --> 00:00:04,000`)"
        )
    texts = [_cue_lines(str(cue.content)) for cue in cues]
    counts: Counter[str] = Counter()
    named_cues = 0
    for lines in texts:
        names = [p[0] for p in (split_speaker(line) for line in lines) if p is not None]
        counts.update(names)
        named_cues += bool(names)
    named = named_cues >= 2 and (
        named_cues >= 0.2 * len(cues) or max(counts.values(), default=0) >= 2
    )

    utterances: list[Utterance] = []
    anonymous: dict[str, bool] = {}
    current = UNIDENTIFIED
    for number, (cue, lines) in enumerate(zip(cues, texts, strict=True), start=1):
        cue_id = str(cue.index) if cue.index is not None else str(number)
        start_s = cue.start.total_seconds()
        end_s = cue.end.total_seconds() if cue.end >= cue.start else None
        parts = _named_parts(lines) if named else _caption_parts(lines)
        spans = _share_time(start_s, end_s, [p.text for p in parts])
        for part_number, (part, (part_start, part_end)) in enumerate(
            zip(parts, spans, strict=True), start=1
        ):
            if part.speaker is not None:
                current, anonymous[current] = display_name(part.speaker)
            if not part.text:
                continue
            part_id = cue_id if part_number == 1 else f"{cue_id}.{part_number}"
            utterances.append(Utterance(part_id, current, part.text, part_start, part_end))
    return Parsed(
        utterances=utterances,
        has_speaker_names=named and not all(anonymous.values()),
        speakers_identified=named,
    )


def _parse_cues(source: Source) -> list[Any]:
    """Every readable cue; unreadable stretches are skipped with a warning, not fatal.

    `srt.parse` stops at the first stretch it cannot read (a damaged cue, or a last cue cut off
    mid-way); its error says where the next readable cue starts, so parsing resumes there.
    """
    import srt

    text = source.text
    cues: list[Any] = []
    skipped: list[str] = []
    at_end = False
    position = 0
    while position < len(text):
        try:
            for cue in srt.parse(text[position:]):
                cues.append(cue)
            break
        except srt.SRTParseError as exc:
            if str(exc.unmatched_content).strip():
                skipped.append(str(exc.unmatched_content).strip())
            position += max(int(exc.actual_start), 1)
            at_end = position >= len(text)
    if skipped:
        where = " at the end (the file may be truncated)" if at_end and len(skipped) == 1 else ""
        source.warn(
            f"{len(skipped)} unreadable stretch(es) of text{where} skipped, "
            f"the first starting {_preview(skipped[0])}"
        )
    if cues and not str(cues[-1].content).strip():
        source.warn("the last cue has no text: the file may be truncated")
    cues = [c for c in cues if str(c.content).strip()]
    backwards = [c for c in cues if c.end < c.start]
    if backwards:
        source.warn(f"{len(backwards)} cue(s) end before they start; their end times were dropped")
    return cues


def _preview(text: str) -> str:
    line = " ".join(text.split())
    return repr(line[:40] + ("..." if len(line) > 40 else ""))


def _cue_lines(content: str) -> list[str]:
    """The cue's lines with formatting tags removed; `<v Name>` becomes `Name: `."""
    content = _VOICE.sub(lambda m: f"{' '.join(m[1].split())}: ", content)
    content = html.unescape(_TAG.sub("", content))
    return [line.strip() for line in content.splitlines() if line.strip()]


def _named_parts(lines: list[str]) -> list[_Part]:
    """A new part at every line that names its speaker; other lines continue the part."""
    parts: list[_Part] = []
    for line in lines:
        prefix = split_speaker(line)
        if prefix is not None:
            parts.append(_Part(prefix[0], prefix[1]))
        elif parts:
            parts[-1].text = f"{parts[-1].text} {_undash(line)}"
        else:
            parts.append(_Part(None, _undash(line)))
    # A part may be empty: `Name:` alone on a cue's last line names who speaks next.
    return [_Part(p.speaker, clean_text(p.text)) for p in parts]


def _caption_parts(lines: list[str]) -> list[_Part]:
    """Unnamed subtitles: `>>` marks a change of speaker, as in broadcast captions."""
    text = clean_text(" ".join(_undash(line) for line in lines))
    parts = [clean_text(p) for p in _SPEAKER_CHANGE.split(text)]
    return [_Part(None, p) for p in parts if p]


def _undash(line: str) -> str:
    return re.sub(r"^[-–—]\s+", "", line)


def _share_time(
    start_s: float, end_s: float | None, texts: list[str]
) -> list[tuple[float, float | None]]:
    """Split a cue's time between its parts in proportion to their length."""
    total = sum(len(t) for t in texts)
    if len(texts) <= 1 or total == 0 or end_s is None:
        return [(start_s, end_s)] * len(texts)
    spans: list[tuple[float, float | None]] = []
    cursor = start_s
    for text in texts:
        part_end = cursor + (end_s - start_s) * len(text) / total
        spans.append((round(cursor, 3), round(part_end, 3)))
        cursor = part_end
    return spans


SPEC = ReaderSpec(
    name="subrip",
    description="SubRip subtitles (.srt), with speaker names when the cues carry them",
    extensions=("srt",),
    sniff=sniff,
    read=read,
)
