"""WebVTT: Zoom (`Name: text`), Teams/Meet (`<v Name>text</v>`) and broadcast captions (`>>`)."""

from __future__ import annotations

import html
import re

from voiceshare.model import UNIDENTIFIED_SPEAKER, Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_clock
from voiceshare.readers._source import Source

UNIDENTIFIED = UNIDENTIFIED_SPEAKER

_ARROW = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Zoom prefixes each cue with the speaker's display name and a colon.
_NAME_PREFIX = re.compile(r"^(?P<name>[^:\n<>]{1,60}?):\s+(?P<text>.*)$", re.DOTALL)
_SPEAKER_CHANGE = re.compile(r"\s*>>+\s*")


def sniff(source: Source) -> float:
    head = source.head.lstrip()
    if head.startswith("WEBVTT"):
        return 1.0
    return 0.0


def read(source: Source) -> Parsed:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        document = webvtt.from_string(source.text)
    except MalformedFileError as exc:
        raise source.fail(f"is not valid WebVTT ({exc})") from None
    expected = sum(1 for line in source.text.splitlines() if _ARROW.match(line))
    cues = [c for c in document.captions if c.end != c.start or c.text.strip()]
    parsed_count = len(document.captions)
    if parsed_count < expected:
        source.warn(
            f"{expected - parsed_count} of {expected} cues could not be read and were skipped"
        )

    raw = [(c.identifier, c.start, c.end, c.raw_text, c.voice) for c in cues]
    texts = [html.unescape(_TAG.sub("", text)) for _, _, _, text, _ in raw]
    if any(voice for *_, voice in raw):
        style = "voice"
    elif _named_share(texts) >= 0.5:
        style = "named"
    elif any(">>" in text for text in texts):
        style = "captions"
    else:
        style = "anonymous"

    utterances: list[Utterance] = []
    current = UNIDENTIFIED
    unnamed = 0
    for index, ((identifier, start, end, _, voice), text) in enumerate(
        zip(raw, texts, strict=True)
    ):
        cue_id = (identifier or "").strip() or str(index + 1)
        start_s, end_s = parse_clock(start), parse_clock(end)
        if style == "captions":
            utterances.extend(_caption_utterances(cue_id, start_s, end_s, text))
            continue
        text = clean_text(text)
        if style == "voice" and voice:
            current = clean_text(voice)
        elif style == "named":
            match = _NAME_PREFIX.match(text)
            if match and _plausible_name(match["name"]):
                current, text = clean_text(match["name"]), match["text"]
            else:
                # Zoom leaves the name out when it could not tell who spoke; do not guess.
                current = UNIDENTIFIED
                unnamed += 1
        if not text:
            continue
        utterances.append(Utterance(cue_id, current, text, start_s, end_s))
    named = style in ("voice", "named")
    if unnamed:
        source.warn(f"{unnamed} cue(s) name no speaker; they are attributed to nobody")
    return Parsed(
        utterances=utterances,
        has_speaker_names=named,
        speakers_identified=named,
        title=_title(document),
    )


def _title(document: object) -> str | None:
    # Meet and some tools put `Title: ...` in the header block; webvtt-py keeps it there.
    header = getattr(document, "header_comments", None) or []
    for line in header:
        if isinstance(line, str) and line.lower().startswith("title:"):
            return line.split(":", 1)[1].strip() or None
    return None


def _plausible_name(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 6 and not any(ch.isdigit() for ch in name[:1])


def _named_share(texts: list[str]) -> float:
    if not texts:
        return 0.0
    named = 0
    for text in texts:
        match = _NAME_PREFIX.match(clean_text(text))
        named += bool(match and _plausible_name(match["name"]))
    return named / len(texts)


def _caption_utterances(
    cue_id: str, start_s: float | None, end_s: float | None, text: str
) -> list[Utterance]:
    """Broadcast captions mark a change of speaker with `>>`, mid-cue as often as not.

    The source names nobody, so every part is attributed to one unidentified speaker; a cue that
    holds a change of speaker becomes one utterance per part (ids `7`, `7.2`), with the cue's
    time shared out by length, because the parts really are different turns.
    """
    parts = [clean_text(p) for p in _SPEAKER_CHANGE.split(text)]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return [Utterance(cue_id, UNIDENTIFIED, parts[0], start_s, end_s)] if parts else []
    result = []
    total = sum(len(p) for p in parts)
    cursor = start_s
    for number, part in enumerate(parts, start=1):
        part_end = None
        if cursor is not None and start_s is not None and end_s is not None:
            part_end = cursor + (end_s - start_s) * len(part) / total
        part_id = cue_id if number == 1 else f"{cue_id}.{number}"
        result.append(Utterance(part_id, UNIDENTIFIED, part, cursor, part_end))
        cursor = part_end
    return result


SPEC = ReaderSpec(
    name="webvtt",
    description="WebVTT captions (Zoom `Name: text`, Teams/Meet `<v Name>`, broadcast `>>`)",
    extensions=("vtt",),
    sniff=sniff,
    read=read,
)
