"""Microsoft Teams transcripts downloaded as Word (`.docx`), and other Word transcripts.

Layouts, detected per document:
- Teams today: a title (`<meeting>-20240124_202901-Meeting Transcript`), the date, the
  duration (`27m 42s`) and `<Name> started transcription`, then one block per turn: a
  paragraph `Name   0:03` (some exports put the name and `00:00:03` on separate lines) and
  the text paragraph(s) up to the next heading. One block is one utterance. Teams gives only
  start times; ends are estimated as in the plain-text reader (see `plaintext`).
- Teams before 2022 (and Stream): `0:0:0.0 --> 0:0:5.320`, the speaker's name, the text;
  or a WebVTT cue pasted into the document (`<v Name>text</v>`). These have real end times.
- Any Word document whose paragraphs are `Name: text`, Google Meet's transcript among them (its
  title, attendee list, time marks and closing line are read as in `plaintext`).

A damaged or cut-off document is read from what remains of its text (with a warning) when the
text part can still be found in the archive.
"""

from __future__ import annotations

import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence

from voiceshare.readers._base import Parsed, ReaderSpec
from voiceshare.readers._source import Source
from voiceshare.readers.plaintext import (
    Block,
    Details,
    blocks_to_parsed,
    clock,
    is_meet_transcript,
    iso_date,
    meet_furniture,
    parse_duration,
    parse_header,
    plausible_name,
    split_speaker,
)

_DOCUMENT = "word/document.xml"
_TIME = r"\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d+)?"
_ARROW = re.compile(rf"^(?:(?P<name>.+?)\s+)?(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})\s*$")
_TIME_ONLY = re.compile(r"^(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?$")
_EVENT = re.compile(
    r"^.{1,80}?\s(?:started|stopped|paused|resumed) (?:transcription|recording)\.?$", re.I
)
_TITLE_SUFFIX = re.compile(r"-(?P<date>\d{8})_\d{6}-Meeting (?:Transcript|Recording)\s*$")
_VOICE = re.compile(r"^<v(?:\.[^\s>]+)*\s+(?P<name>[^>]+)>(?P<text>.*?)(?:</v>)?$")
_CUE_ID = re.compile(r"^\S*\d\S*$")
# Lower-case words that belong inside names (Ludwig van Beethoven, Ana de Armas).
_PARTICLES = frozenset("van von der den de da del di du la le bin binti al el y dos das".split())


def sniff(source: Source) -> float:
    if not source.data.startswith(b"PK\x03\x04"):
        return 0.0
    xml = _document_xml(source.data)
    if xml is None:
        return 0.0
    lines = _lines(_xml_paragraphs(xml[:500_000]))
    layout = _layout(lines)
    if layout in ("arrows", "blocks"):
        return 0.95
    if layout == "named":
        return 0.7
    # A Word document without a transcript layout: claim it weakly, so the user hears that it
    # has no transcript in it rather than that ZIP archives are not transcripts.
    return 0.3


def read(source: Source) -> Parsed:
    paragraphs = _read_paragraphs(source)
    lines = _lines(paragraphs)
    layout = _layout(lines)
    if layout is None:
        raise source.fail(
            "is a Word document without a transcript in it (voiceshare reads Teams "
            "transcripts, with `Name   0:03` headings, and paragraphs like `Name: text`)"
        )
    details = Details()
    marks = is_meet_transcript(lines)
    title, date, duration, body = _preamble(lines, layout, details, marks)
    if layout == "arrows":
        blocks = _arrow_blocks(body)
    elif layout == "blocks":
        blocks = _heading_blocks(body)
    else:
        blocks = _named_blocks(paragraphs, marks)
        ended = (meet_furniture(line)[1] for line in body)
        duration = duration or next((s for s in ended if s is not None), None)
    return blocks_to_parsed(
        source, blocks, details, title=title, date=date, stated_duration_s=duration
    )


# ---------------------------------------------------------------------------------------------
# Getting the paragraphs out


def _read_paragraphs(source: Source) -> list[str]:
    """The document's paragraphs (line breaks inside one kept as `\\n`), via python-docx."""
    import docx

    try:
        document = docx.Document(io.BytesIO(source.data))
        return [str(p.text) for p in document.paragraphs]
    except Exception:  # python-docx raises many kinds of error for damaged files
        xml = _document_xml(source.data)
        paragraphs = _xml_paragraphs(xml) if xml is not None else []
        if xml is None or not any(p.strip() for p in paragraphs):
            raise source.fail("is a damaged Word document whose text cannot be read") from None
        if xml.rstrip().endswith(b"</w:document>"):
            source.warn("the Word document is damaged, but its text part was read in full")
        else:
            source.warn(
                f"the Word document is cut off; read the {len(paragraphs)} paragraphs that "
                "were complete and dropped the rest"
            )
        return paragraphs


def _document_xml(data: bytes) -> bytes | None:
    """The main text part of a .docx, or what remains of it in a damaged archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if _DOCUMENT not in archive.namelist():
                return None
            return archive.read(_DOCUMENT)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError):
        return _salvage(data)


def _salvage(data: bytes) -> bytes | None:
    """Decompress `word/document.xml` from its local header, as far as the bytes go.

    A .docx cut off at the end has lost the archive's directory (which `zipfile` needs), but
    each member is stored behind its own header, and Word writes the text part early.
    """
    position = 0
    while (index := data.find(b"PK\x03\x04", position)) != -1 and index + 30 <= len(data):
        (_, _, flags, method, _, _, _, size, _, name_len, extra_len) = struct.unpack(
            "<IHHHHHIIIHH", data[index : index + 30]
        )
        name = data[index + 30 : index + 30 + name_len]
        start = index + 30 + name_len + extra_len
        if name == _DOCUMENT.encode():
            # With a data descriptor (flag bit 3) the size is only known after the data.
            body = data[start:] if flags & 0x08 or not size else data[start : start + size]
            if method == 0:
                return body
            if method == 8:
                try:
                    return zlib.decompressobj(-15).decompress(body)
                except zlib.error:
                    return None
            return None
        position = index + 4
    return None


_PARAGRAPH = re.compile(rb"<w:p[\s>].*?</w:p>|<w:p/>", re.S)
_RUN_PIECE = re.compile(
    rb"<w:t(?:\s[^>]*)?>(.*?)</w:t>|<w:(?:br|cr)\b[^>]*/>|<w:tab\b[^>]*/>", re.S
)


def _xml_paragraphs(xml: bytes) -> list[str]:
    """Paragraph texts straight from the XML: complete paragraphs only, for damaged files."""
    paragraphs = []
    for paragraph in _PARAGRAPH.finditer(xml):
        pieces = []
        for piece in _RUN_PIECE.finditer(paragraph.group(0)):
            token = piece.group(0)
            if piece.group(1) is not None:
                pieces.append(html.unescape(piece.group(1).decode("utf-8", "replace")))
            elif token.startswith(b"<w:tab"):
                pieces.append("\t")
            else:
                pieces.append("\n")
        paragraphs.append("".join(pieces))
    return paragraphs


def _lines(paragraphs: Sequence[str]) -> list[str]:
    """Non-empty lines: paragraphs split at their line breaks."""
    return [line.strip() for p in paragraphs for line in p.split("\n") if line.strip()]


# ---------------------------------------------------------------------------------------------
# Layouts


def _layout(lines: Sequence[str]) -> str | None:
    arrows = sum(1 for line in lines if _ARROW.match(line))
    if arrows >= 2:
        return "arrows"
    named = [p for p in (split_speaker(line) for line in lines) if p is not None]
    # Meet's time marks under a short unnamed paragraph ("Thanks." / "00:05:00") look like
    # name-and-time headings.
    meet = is_meet_transcript(lines)
    if (
        not (meet and len(named) >= 2)
        and sum(1 for i in range(len(lines)) if _heading(lines, i) is not None) >= 2
    ):
        return "blocks"
    # Counted from the first named line (a title page may come before it), furniture left out.
    first = next((i for i, line in enumerate(lines) if split_speaker(line) is not None), 0)
    body = [line for line in lines[first:] if not meet_furniture(line, meet)[0]]
    if len(named) >= 2 and len(named) >= 0.3 * len(body):
        return "named"
    return None


def _heading(lines: Sequence[str], index: int) -> tuple[str, float, int] | None:
    """`(name, start, lines used)` when a heading starts at `lines[index]`."""
    line = lines[index]
    header = parse_header(line)
    if header is not None and _capitalised(header[0]):
        return header[0], header[1], 1
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if _TIME_ONLY.match(following) and plausible_name(line) and _capitalised(line):
        start = clock(following)
        if start is not None:
            return " ".join(line.split()), start, 2
    return None


def _capitalised(name: str) -> bool:
    """Display names in Teams are capitalised; text ending in a time mostly is not."""
    tokens = name.split()
    return len(tokens) == 1 or all(t[0].isupper() or t in _PARTICLES for t in tokens[1:])


def _preamble(
    lines: list[str], layout: str, details: Details, marks: bool
) -> tuple[str | None, str | None, float | None, list[str]]:
    """Title, date, duration from the lines before the first turn; the rest of the lines.
    Detail lines (`Key: value`, Meet's title and attendee list) go into `details`."""
    first = len(lines)
    for index in range(len(lines)):
        if layout == "arrows" and _ARROW.match(lines[index]):
            first = index - 1 if index and _CUE_ID.match(lines[index - 1]) else index
            break
        if layout == "blocks" and _heading(lines, index) is not None:
            first = index
            break
        if layout == "named" and split_speaker(lines[index]) is not None:
            first = index
            break
    title = date = None
    duration = None
    for line in lines[:first]:
        if _EVENT.match(line) or line.upper() == "WEBVTT" or meet_furniture(line, marks)[0]:
            continue
        if details.take(line):
            title, date = title or details.title, date or details.date
            duration = duration or details.duration_s
            continue
        if duration is None and re.search(r"\d\s*[hms]\b", line):
            duration = parse_duration(line)
            if duration is not None:
                continue
        if date is None and (found := iso_date(line)):
            date = found
            continue
        if title is None:
            suffix = _TITLE_SUFFIX.search(line)
            title = line[: suffix.start()] if suffix else line
            if suffix and date is None:
                stamp = suffix["date"]
                date = iso_date(f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}")
    return title, date, duration, lines[first:]


def _heading_blocks(lines: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = _heading(lines, index)
        if heading is not None:
            name, start, used = heading
            blocks.append(Block(name, "", start))
            index += used
            continue
        if not _EVENT.match(line) and blocks:
            blocks[-1].text = f"{blocks[-1].text} {line}"
        index += 1
    return blocks


def _arrow_blocks(lines: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    pending_id = ""
    speaker_line_ok = False
    for index, line in enumerate(lines):
        arrow = _ARROW.match(line)
        if arrow is not None:
            name = arrow["name"].strip() if arrow["name"] else None
            blocks.append(Block(name, "", clock(arrow["start"]), clock(arrow["end"]), pending_id))
            pending_id = ""
            speaker_line_ok = name is None
            continue
        next_is_arrow = index + 1 < len(lines) and _ARROW.match(lines[index + 1]) is not None
        if next_is_arrow and _CUE_ID.match(line):
            pending_id = line
            continue
        if not blocks or _EVENT.match(line):
            continue
        block = blocks[-1]
        voice = _VOICE.match(line)
        if voice is not None and block.speaker is None:
            block.speaker, line = " ".join(voice["name"].split()), voice["text"].strip()
        elif speaker_line_ok and not next_is_arrow and plausible_name(line):
            block.speaker = " ".join(line.split())  # the name's own paragraph, text follows
            speaker_line_ok = False
            continue
        elif block.speaker is None and not block.text and (named := split_speaker(line)):
            block.speaker, line = named
        speaker_line_ok = False
        block.text = f"{block.text} {line}"
    return blocks


def _named_blocks(paragraphs: Sequence[str], marks: bool) -> list[Block]:
    """One utterance per `Name: text` paragraph; a paragraph without a name continues. Meet's
    furniture is left out (its time marks when `marks`)."""
    blocks: list[Block] = []
    for paragraph in paragraphs:
        text = " ".join(paragraph.split())
        if not text or _EVENT.match(text) or meet_furniture(text, marks)[0]:
            continue
        named = split_speaker(text)
        if named is not None:
            blocks.append(Block(named[0], named[1]))
        elif blocks:
            blocks.append(Block(None, text))
    return blocks


SPEC = ReaderSpec(
    name="teams-docx",
    description="a Microsoft Teams or Google Meet transcript, or another saved as Word (.docx)",
    extensions=("docx",),
    sniff=sniff,
    read=read,
    binary=True,
)
