"""Plain-text transcripts in the three layouts people and tools write, detected per file.

(a) `Name: text` lines. A line without a prefix that directly follows an utterance (no blank
    line between) is a wrapped continuation of it; a blank line ends an utterance, and a
    paragraph without a prefix after a blank line is a new utterance by the same speaker.
(b) Timestamped lines: `[00:01:02] Name: text`, `00:01:02 Name: text`, `(00:01:02) Name: text`,
    optionally with an end (`[00:01:02 - 00:01:09]`). Lines without a name continue with the
    previous speaker; a file with no names at all has one unidentified speaker.
(c) Blocks, as Otter and Rev export them: a header line `Name  0:03` (Otter, also
    `Speaker 1  0:00`), `Name 00:00:03` or `Name (00:03):` (Rev), then the paragraph, up to a
    blank line or the next header. One block is one utterance.

A few `Key: value` lines at the top (Title, Date, Attendees, Duration...) are read as the
meeting's details, not as speech, and Otter's `Transcribed by https://otter.ai` footer is dropped.
Google Meet's transcript (a Google Doc, downloaded as text) is layout (a) with furniture of its
own, read as details too: the title `<meeting> (2024-02-08 16:06 GMT) - Transcript`, `Attendees`
over a line naming everyone who joined, a note that the transcript is editable, a time mark
(`00:05:00`) on its own line every five minutes and `Meeting ended after 00:36:54`.

Times. Layouts (b) and (c) usually say only when each utterance *starts*. The end of such an
utterance is then estimated as the next later start: that counts the pause before the next
speaker as speech and hides any overlap, so it is an estimate, and a warning says so. The last
utterance has no later start and keeps no end time, so the meeting is not fully timed and
speaking shares are measured by words rather than by these estimated times.

This module also holds the speaker-name rules the SubRip and Teams .docx readers share.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from voiceshare.model import Utterance
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_clock, speaker_label
from voiceshare.readers._source import Source

UNIDENTIFIED = "Unidentified speaker"

Style = Literal["named", "timed", "blocks"]

# ---------------------------------------------------------------------------------------------
# Speaker names (shared with the SubRip and Teams readers)

_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,7})?"

# `Name: text`, `[Name] text`, `[Name]: text`, `<v Name>text`, after an optional dialogue dash
# or a caption speaker-change mark (`>>`). The colon must be followed by a space or the end, so
# clock times (`10:30`) and addresses (`https://`) are not names.
_PREFIX = re.compile(
    r"^\s*(?:>>+\s*|[-–—]\s+)?"
    r"(?:<v(?:\.[^\s>]+)*\s+(?P<voice>[^>]+)>"
    r"|\[(?P<bracket>[^\]\n]{1,60})\]\s*:?"
    r"|(?P<name>[^:\n\[\]<>]{1,60}?)\s*:(?=\s|$))"
    r"\s*(?P<text>.*)$",
    re.DOTALL,
)
# Bracketed sound descriptions in captions and transcripts: `[laughter]` is not a speaker.
_SOUND_TAGS = frozenset(
    """music laughter laughs laughing applause inaudible crosstalk silence noise foreign
    unintelligible cough coughs coughing sigh sighs pause indistinct overlapping chuckles
    chuckle chuckling static beep beeping sound background intro outro blank_audio
    no_audio groans clears throat typing""".split()
)
# Words that are followed by a colon in notes and logs but never name a speaker.
_NOT_NAMES = frozenset(
    """note notes nb ps info warning warn error debug todo action agenda summary http https
    re fwd subject from to cc bcc date time title attendees participants location duration
    meeting topic decision decisions example tip important update edit source transcript
    question answer chapter section part step item items keywords tags link url file
    recording host organizer organiser language""".split()
) | {"action items", "next steps", "meeting notes", "transcribed by", "e.g", "i.e"}
_BAD_NAME_CHARS = frozenset('?!;:"“”<>{}=|\\/@#*%$+&…[]~^`')
# Log lines (`UserWarning: ...`, `ValueError: ...`, `[INFO]: ...`) are not speech.
_LOG_LEVEL = re.compile(
    r"(?:Warning|Error|Exception|Traceback)$|^(?:[A-Z]+_)*(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL)$"
)
_ANONYMOUS_CODE = re.compile(r"(?:SPEAKER|Speaker|speaker|SPK|spk|Spk)_\d+|spk\d+|\d+")
_NUMBERED_SPEAKER = re.compile(r"(?i)speaker\s+(\d+)")


def plausible_name(name: str) -> bool:
    """Whether `name` (the part before a colon or in a header) can be a person's name or code."""
    name = " ".join(name.split())
    if not 1 <= len(name) <= 50 or not name[0].isalpha():
        return False
    if name.casefold().rstrip(".") in _NOT_NAMES or any(c in _BAD_NAME_CHARS for c in name):
        return False
    tokens = name.split()
    if len(tokens) > 5 or _LOG_LEVEL.search(name):
        return False
    # "so what I meant was: ..." is a sentence; names of three or more words are capitalised.
    return len(tokens) < 3 or sum(t[0].isupper() for t in tokens) >= 2


def split_speaker(line: str) -> tuple[str, str] | None:
    """`(name, text)` when `line` starts with a speaker prefix, else None.

    Accepts `Name: text`, `[Name] text`, `[Name]: text`, `- Name: text`, `>> Name: text` and
    `<v Name>text`. `text` may be empty (`Name:` alone on a line, text on the next lines).
    """
    match = _PREFIX.match(line)
    if match is None:
        return None
    text = match["text"].strip()
    if match["voice"] is not None:
        raw = match["voice"]
        text = re.sub(r"</v>", "", text).strip()
    elif match["bracket"] is not None:
        raw = match["bracket"]
        if not text or _is_sound_tag(raw):
            return None
    else:
        raw = match["name"]
    raw = " ".join(raw.split())
    if not plausible_name(raw):
        return None
    return raw, text


def _is_sound_tag(label: str) -> bool:
    words = label.casefold().replace("-", " ").split()
    return not words or any(w.strip(".,") in _SOUND_TAGS for w in words)


def display_name(raw: str) -> tuple[str, bool]:
    """The name to show for a speaker as written in the source, and whether it is anonymous.

    Diarization codes (`SPEAKER_00`, `spk_1`, `0`) are labelled by `speaker_label`, the rule all
    readers share; `Speaker 1` as Otter, Rev and Teams write it is kept as written.
    """
    name = " ".join(raw.split())
    if _ANONYMOUS_CODE.fullmatch(name):
        return speaker_label(name), True
    numbered = _NUMBERED_SPEAKER.fullmatch(name)
    if numbered:
        return f"Speaker {int(numbered[1])}", True
    return name, False


# ---------------------------------------------------------------------------------------------
# Meeting details at the top of a file, and durations and dates as people write them

_META_KEYS = {
    "title": "title",
    "meeting": "title",
    "meeting title": "title",
    "subject": "title",
    "topic": "title",
    "date": "date",
    "meeting date": "date",
    "recorded": "date",
    "recorded on": "date",
    "attendees": "attendees",
    "participants": "attendees",
    "present": "attendees",
    "duration": "duration",
}
_IGNORED_META_KEYS = frozenset(
    {"time", "location", "host", "organizer", "organiser", "recording", "language", "source"}
    | {"file", "transcribed by", "meeting id", "start time", "end time"}
)
_META_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z ]{0,20}?)\s*:\s*(?P<value>.*)$")
_DURATION_WORDS = re.compile(
    r"^\s*(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?)?)?)?"
    r"\s*(?:(?P<s>\d+)\s*s(?:ec(?:onds?)?)?)?\s*$"
)
_DATE_FORMATS = ("%d %B %Y", "%B %d %Y", "%d %b %Y", "%b %d %Y", "%A %d %B %Y", "%A %B %d %Y")


def parse_duration(value: str) -> float | None:
    """Seconds from `42:15`, `1:02:03`, `27m 42s`, `1h 3m` or `90 minutes`; None if not one."""
    value = value.strip()
    clock = parse_clock(value)
    if clock is not None:
        return clock
    match = _DURATION_WORDS.match(value)
    if match is None or not any(match.groupdict().values()):
        return None
    hours, minutes, seconds = (int(match[k] or 0) for k in ("h", "m", "s"))
    return float(hours * 3600 + minutes * 60 + seconds)


def iso_date(value: str) -> str | None:
    """An ISO date from `2024-01-24`, `24 January 2024`, `January 24, 2024, 8:29PM`..."""
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    iso = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)", value)
    if iso:
        return iso_date(iso[1])
    # Drop a trailing time ("..., 8:29PM", "... at 03:35am") and commas.
    words = re.sub(r"[,]", " ", value).split()
    while words and (re.search(r"\d:\d", words[-1]) or words[-1].lower() in ("am", "pm", "at")):
        words.pop()
    text = " ".join(re.sub(r"(\d)(st|nd|rd|th)$", r"\1", w) for w in words)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


# Google Meet's furniture (see the module notes); Markdown conversions add `#`, `*` and `_`.
_MEET_TITLE = re.compile(
    r"^(?P<title>.*?)\s*(?:\((?P<date>\d{4}-\d{2}-\d{2})[^)]*\))?\s+[-–]\s+Transcript$"
)
_TIME_MARK = re.compile(r"^\d{1,2}:\d{2}:\d{2}$")
_MEET_ENDED = re.compile(r"(?i)^meeting ended after (?P<clock>\d{1,2}:\d{2}:\d{2})(?:\W|$)")
_MEET_NOTE = re.compile(r"(?i)^this editable transcript was computer generated\b")
_LIST_HEADINGS = {"attendees": "attendees", "participants": "attendees", "transcript": ""}


def _undecorated(line: str) -> str:
    return line.strip().strip("#*_ \t").strip()


def meet_furniture(line: str, marks: bool = True) -> tuple[bool, float | None]:
    """Whether `line` is Google Meet's layout rather than speech (the closing `Meeting ended
    after 00:36:54`, the note that the transcript is editable, and, when `marks`, a time mark
    on its own line), with the meeting's length when the line states it."""
    line = _undecorated(line)
    if (marks and _TIME_MARK.match(line)) or _MEET_NOTE.match(line):
        return True, None
    ended = _MEET_ENDED.match(line)
    if ended:
        return True, parse_clock(ended["clock"])
    return False, None


def _names_in(value: str) -> list[str]:
    """The items of a list of people ("Ana Ruiz, Ben Ode and Cleo Park")."""
    return [p.strip() for p in re.split(r"\s*[,;]\s*|\s+and\s+", value) if p.strip()]


def _name_list(line: str) -> bool:
    """Whether `line` is a list of people's names, as under Meet's `Attendees` heading."""
    if split_speaker(line) is not None or re.search(r"[?!:]", line):
        return False
    names = _names_in(line)
    return bool(names) and all(
        plausible_name(n) and all(t[0].isupper() or not t[0].isalpha() for t in n.split()[:1])
        for n in names
    )


def is_meet_transcript(lines: Sequence[str]) -> bool:
    """Whether `lines` carry Google Meet's closing line or note (then a time alone on its line
    is one of its marks; elsewhere it may be something said)."""
    return any(meet_furniture(line, marks=False)[0] for line in lines)


def meet_title(line: str) -> tuple[str, str | None] | None:
    """`(title, ISO date or None)` from Meet's `<meeting> (2024-02-08 16:06 GMT) - Transcript`."""
    match = _MEET_TITLE.match(_undecorated(line))
    if match is None or not match["title"]:
        return None
    return match["title"], iso_date(match["date"]) if match["date"] else None


@dataclass
class Details:
    """What the lines before the speech say about the meeting (see `take`)."""

    title: str | None = None
    date: str | None = None
    attendees: list[str] = field(default_factory=list)
    duration_s: float | None = None
    listing: str | None = None  # the list a heading alone on its line (`Attendees`) announced

    def take(self, line: str) -> bool:
        """Record `line` if it is a detail line (`Key: value`, or Meet's `Attendees` heading,
        the list on the line after it, and its title); False when it is not one."""
        listing, self.listing = self.listing, None
        if listing == "attendees" and _name_list(line):
            self.add_attendees(line)
            return True
        heading = _undecorated(line).casefold()
        if heading in _LIST_HEADINGS:
            self.listing = _LIST_HEADINGS[heading] or None
            return True
        titled = meet_title(line) if self.title is None else None
        if titled is not None:
            self.title, self.date = titled[0], self.date or titled[1]
            return True
        match = _META_LINE.match(line)
        if match is None:
            return False
        key = " ".join(match["key"].casefold().split())
        value = match["value"].strip()
        if key in _IGNORED_META_KEYS:
            return True
        kind = _META_KEYS.get(key)
        if kind is None:
            return False
        if kind == "title" and value:
            self.title = self.title or value
        elif kind == "date":
            self.date = self.date or iso_date(value)
        elif kind == "attendees":
            self.add_attendees(value)
            self.listing = None if value else "attendees"
        elif kind == "duration":
            self.duration_s = self.duration_s or parse_duration(value)
        return True

    def add_attendees(self, value: str) -> None:
        """Add the people a list names ("Ana Ruiz, Ben Ode and Cleo Park")."""
        self.attendees.extend(_names_in(value))


# ---------------------------------------------------------------------------------------------
# Line shapes

_TIMED = re.compile(
    rf"^\s*(?:\[(?P<b1>{_TIME})(?:\s*[-–]\s*(?P<b2>{_TIME}))?\]"
    rf"|\((?P<p1>{_TIME})(?:\s*[-–]\s*(?P<p2>{_TIME}))?\)"
    rf"|(?P<t1>{_TIME})(?=\s))"
    r"\s*(?:[-–|]\s+)?(?P<rest>.*)$"
)
_HEADER = re.compile(
    rf"^\s*(?P<name>\S.{{0,59}}?)\s+(?:\((?P<p>{_TIME})\)|\[(?P<b>{_TIME})\]|(?P<t>{_TIME}))"
    r"\s*:?\s*$"
)
_SENTENCE_END = re.compile(r"[.?!…\"”)\]]\s*$")
_OTTER_FOOTER = re.compile(r"(?i)^transcribed by\s+https?://(?:www\.)?otter\.ai\S*$")
# Zoom's saved chat: `00:05:16<TAB>Name:<TAB>message` (older: `00:05:16<TAB> From  Name : msg`).
_ZOOM_CHAT = re.compile(r"^\d{2}:\d{2}:\d{2}\t(?:\s*From\s.+?:|[^\t]+?:\t)")
_STM_OR_RTTM = re.compile(
    r"^(?:SPEAKER\s+\S+\s+\d|\S+\s+\S+\s+\S+\s+\d+(?:\.\d+)?\s+\d+(?:\.\d+)?\s)"
)
_PREAMBLE_LINES = 12
_TABLE_HEADER_WORDS = frozenset(
    "speaker text start end start_time end_time begin time timestamp transcript utterance "
    "content name channel duration token ts endts speaker_id speaker_name".split()
)


def clock(value: str) -> float | None:
    """`parse_clock` that also accepts more than three digits of fraction (`0:00:05.3200000`)."""
    return parse_clock(re.sub(r"([.,]\d{3})\d+\s*$", r"\1", value.strip()))


def parse_header(line: str) -> tuple[str, float] | None:
    """`(name, start)` of a block header (`Name  0:03`, `Name (00:03):`), else None."""
    match = _HEADER.match(line)
    if match is None:
        return None
    name = " ".join(match["name"].split())
    start = clock(match["p"] or match["b"] or match["t"])
    if start is None or not plausible_name(name):
        return None
    return name, start


def _timed(line: str) -> tuple[float, float | None, str | None, str] | None:
    """`(start, end, name, text)` of a timestamped line; name None when the line has none."""
    match = _TIMED.match(line)
    if match is None:
        return None
    start = clock(match["b1"] or match["p1"] or match["t1"])
    if start is None:
        return None
    end_text = match["b2"] or match["p2"]
    end = clock(end_text) if end_text else None
    rest = match["rest"].strip()
    named = split_speaker(rest)
    if named is not None:
        return start, end, named[0], named[1]
    return start, end, None, rest


# ---------------------------------------------------------------------------------------------
# Detecting the layout


@dataclass(frozen=True)
class _Detection:
    style: Style | None
    confidence: float


def _content_lines(lines: Sequence[str]) -> list[str]:
    """Lines with the top-of-file details and Otter's footer taken out ('' for blank lines)."""
    result: list[str] = []
    details = Details()
    seen = 0
    marks = is_meet_transcript(lines)
    for raw in lines:
        line = raw.strip()
        if line:
            seen += 1
            # Details come in the first few lines, perhaps after a title line.
            if seen <= _PREAMBLE_LINES and details.take(line):
                continue
        if _OTTER_FOOTER.match(line) or meet_furniture(line, marks)[0]:
            continue
        result.append(line)
    return result


def _other_format(lines: Sequence[str], head: str) -> str:
    """Why the text is some other format than plain text ('' when it is not)."""
    stripped = head.lstrip()
    if stripped.startswith("WEBVTT"):
        return "WebVTT"
    if stripped.startswith(("@UTF8", "@Begin", "@Font", "@Languages")) or "\n@Begin" in head:
        return "CHAT"
    if stripped.startswith(("{", "<")):
        return "JSON or markup"
    nonblank = [line for line in lines if line.strip()]
    if not nonblank:
        return ""
    if any("-->" in line for line in nonblank):
        return "subtitles"
    first = nonblank[0]
    for delimiter in (",", "\t", "|", ";"):
        fields = [f.strip().strip('"').casefold() for f in first.split(delimiter)]
        if len(fields) >= 3 and any(f in _TABLE_HEADER_WORDS for f in fields):
            return "a table"
    if sum(line.count("|") >= 2 for line in nonblank) > len(nonblank) / 2:
        return "a table"
    if sum(bool(_STM_OR_RTTM.match(line)) for line in nonblank) > len(nonblank) / 2:
        return "STM or RTTM"
    if sum(bool(_ZOOM_CHAT.match(line)) for line in nonblank) > len(nonblank) / 2:
        return "a Zoom chat log"
    return ""


def _detect(lines: Sequence[str]) -> _Detection:
    content = _content_lines(lines)
    nonblank = sum(1 for line in content if line)
    if not nonblank:
        return _Detection(None, 0.0)
    candidates = [
        _score_timed(content, nonblank),
        _score_blocks(content, nonblank),
        _score_named(content, nonblank),
    ]
    # Ties go to the more specific layout (the list's order).
    best = max(candidates, key=lambda d: d.confidence)
    return best


def _confidence(coverage: float, base: float, matches: int, names: Counter[str]) -> float:
    if coverage >= 0.9:
        score = base
    elif coverage >= 0.75:
        score = base - 0.15
    elif coverage >= 0.5:
        score = 0.45
    else:
        return 0.0
    if matches < 3:
        score = min(score, 0.5)
    # `Key: value` documents (settings, e-mail headers) never repeat a key; people speak again.
    if names and matches >= 4 and max(names.values()) == 1:
        return 0.0
    return score


def _score_timed(content: Sequence[str], nonblank: int) -> _Detection:
    timed = covered = 0
    names: Counter[str] = Counter()
    unnamed = 0
    following = False
    for line in content:
        if not line:
            following = False
            continue
        parsed = _timed(line)
        if parsed is not None:
            timed += 1
            covered += 1
            following = True
            if parsed[2] is None:
                unnamed += 1
            else:
                names[parsed[2]] += 1
        elif following:
            covered += 1
    if timed < 0.25 * nonblank:
        return _Detection("timed", 0.0)
    base = 0.9 if unnamed <= timed / 2 else 0.55
    # Lines named in the log-level style (`[10:00:01] INFO: ...`) are rejected by the name rules.
    return _Detection("timed", _confidence(covered / nonblank, base, timed, names))


def _score_blocks(content: Sequence[str], nonblank: int) -> _Detection:
    headers = with_text = covered = 0
    names: Counter[str] = Counter()
    in_block = False
    for index, line in enumerate(content):
        if not line:
            in_block = False
            continue
        header = parse_header(line)
        if header is not None:
            headers += 1
            covered += 1
            names[header[0]] += 1
            following = content[index + 1] if index + 1 < len(content) else ""
            with_text += bool(following) and parse_header(following) is None
            in_block = True
        elif in_block:
            covered += 1
    # The last heading may have lost its text to truncation (or to the sniffer's 4,000 chars).
    if headers < 2 or headers < 0.15 * nonblank or with_text < 0.8 * (headers - 1):
        return _Detection("blocks", 0.0)
    return _Detection("blocks", _confidence(covered / nonblank, 0.9, headers, names))


def _score_named(content: Sequence[str], nonblank: int) -> _Detection:
    named = covered = 0
    names: Counter[str] = Counter()
    for line in content:
        if not line:
            continue
        prefix = split_speaker(line)
        if prefix is not None:
            named += 1
            names[prefix[0]] += 1
        # Lines without a prefix continue a speaker (wrapped, or a new paragraph).
        covered += named > 0
    if named < 0.3 * nonblank:
        return _Detection("named", 0.0)
    score = _confidence(covered / nonblank, 0.8, named, names)
    if len(names) > max(8, 0.6 * named):
        score *= 0.5
    return _Detection("named", score)


def sniff(source: Source) -> float:
    head = source.head
    lines = head.splitlines()
    if len(head) >= 4000 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut off
    if _other_format(lines, head):
        return 0.0
    if head.lstrip().startswith("[") and source.json is not None:
        return 0.0
    return _detect(lines).confidence


# ---------------------------------------------------------------------------------------------
# Reading


@dataclass
class _Draft:
    speaker: str | None  # None: the previous speaker's, resolved after the pass
    lines: list[str]
    start_s: float | None = None
    end_s: float | None = None
    open: bool = True  # a line right after it (no blank line between) continues it


@dataclass
class Block:
    """One utterance as found in a block-structured source (Otter, Rev, Teams .docx)."""

    speaker: str | None
    text: str
    start_s: float | None = None
    end_s: float | None = None
    id: str = ""


def read(source: Source) -> Parsed:
    lines = source.text.splitlines()
    problem = _other_format(lines[:200], source.head)
    if problem == "a Zoom chat log":
        raise source.fail(
            "is a Zoom chat log (messages typed in the chat), not a transcript of what was said"
        )
    detection = _detect(lines[:1000])
    if detection.style is None or detection.confidence == 0.0:
        # Forced to read it: take the layout that explains any line at all.
        detection = _fallback(lines)
    if detection.style is None:
        raise source.fail(
            "has no lines in a transcript layout voiceshare knows "
            "(`Name: text`, `[00:01:02] Name: text`, or `Name  0:03` headers)"
        )
    details = Details()
    blocks, skipped = _parse(lines, detection.style, details)
    if skipped:
        source.warn(f"{skipped} line(s) before the first speaker were not read as speech")
    return blocks_to_parsed(source, blocks, details)


def _fallback(lines: Sequence[str]) -> _Detection:
    content = _content_lines(lines)
    if any(_timed(line) for line in content if line):
        return _Detection("timed", 0.1)
    if sum(1 for line in content if line and parse_header(line)) >= 1:
        return _Detection("blocks", 0.1)
    if any(split_speaker(line) for line in content if line):
        return _Detection("named", 0.1)
    return _Detection(None, 0.0)


def _name_counts(lines: Sequence[str], style: Style) -> Counter[str]:
    counts: Counter[str] = Counter()
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if style == "blocks":
            header = parse_header(line)
            if header:
                counts[header[0]] += 1
        elif style == "named":
            prefix = split_speaker(line)
            if prefix:
                counts[prefix[0]] += 1
    return counts


def _parse(lines: Sequence[str], style: Style, details: Details) -> tuple[list[Block], int]:
    """The utterances of `lines` in `style`, and how many preamble lines were skipped.

    A prefix or header whose name occurs only once in the file counts inside a paragraph only
    after a finished sentence: after a line broken mid-sentence it is more likely wrapped text
    ("...and the first is" / "Budget: we stay within it").
    """
    counts = _name_counts(lines, style)
    marks = style == "named" and is_meet_transcript(lines)
    drafts: list[_Draft] = []
    preamble: list[str] = []
    paragraph_start = True
    last_start: float | None = None
    previous_line = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            if drafts:
                drafts[-1].open = False
            paragraph_start = True
            continue
        if _OTTER_FOOTER.match(line):
            continue
        furniture, length_s = meet_furniture(line, marks) if style == "named" else (False, None)
        if furniture:
            details.duration_s = details.duration_s or length_s
            continue
        if not drafts and len(preamble) < _PREAMBLE_LINES and details.take(line):
            continue
        sentence_ended = _SENTENCE_END.search(previous_line) is not None
        draft = _start(
            line, style, paragraph_start or not drafts, counts, last_start, sentence_ended
        )
        if draft is not None:
            drafts.append(draft)
            if draft.start_s is not None:
                last_start = draft.start_s
        elif drafts and drafts[-1].open:
            drafts[-1].lines.append(line)
        elif drafts:
            drafts.append(_Draft(drafts[-1].speaker, [line]))
        else:
            preamble.append(line)
        paragraph_start = False
        previous_line = line
    if preamble and details.title is None and len(preamble[0]) <= 120:
        details.title = preamble.pop(0)
    blocks = [Block(d.speaker, " ".join(d.lines), d.start_s, d.end_s) for d in drafts]
    return blocks, len(preamble)


def _start(
    line: str,
    style: Style,
    paragraph_start: bool,
    counts: Counter[str],
    last_start: float | None,
    sentence_ended: bool,
) -> _Draft | None:
    """A new utterance if `line` starts one in `style`, else None."""
    if style == "timed":
        timed = _timed(line)
        if timed is None:
            return None
        start, end, name, text = timed
        return _Draft(name, [text] if text else [], start, end)
    if style == "blocks":
        header = parse_header(line)
        if header is None:
            return None
        name, start = header
        if not paragraph_start and counts[name] < 2:
            return None
        if not paragraph_start and last_start is not None and start < last_start - 1.0:
            return None  # a time going backwards mid-paragraph is text ("see you at 10:30")
        return _Draft(name, [], start)
    prefix = split_speaker(line)
    if prefix is None:
        return None
    name, text = prefix
    if not paragraph_start and counts[name] < 2 and not sentence_ended:
        return None
    return _Draft(name, [text] if text else [])


def blocks_to_parsed(
    source: Source,
    blocks: Sequence[Block],
    details: Details | None = None,
    *,
    title: str | None = None,
    date: str | None = None,
    stated_duration_s: float | None = None,
) -> Parsed:
    """Turn found blocks into `Parsed`: names, anonymous codes, empty blocks, estimated ends."""
    details = details or Details()
    any_named = any(b.speaker for b in blocks)
    anonymous: dict[str, bool] = {}
    kept: list[Block] = []
    empty = 0
    previous: str | None = None
    truncated = bool(blocks) and not clean_text(blocks[-1].text)
    for block in blocks[: len(blocks) - truncated]:
        text = clean_text(block.text)
        speaker = block.speaker or previous
        if speaker is not None:
            previous = speaker
        if not text:
            empty += 1
            continue
        name = UNIDENTIFIED
        if speaker is not None:
            name, anonymous[name] = display_name(speaker)
        kept.append(Block(name, text, block.start_s, block.end_s, block.id))
    if empty:
        source.warn(f"{empty} speaker heading(s) had no text after them and were skipped")
    if truncated:
        source.warn("the file ends with a speaker heading and no text: it may be truncated")
    utterances = _with_estimated_ends(source, kept)
    identified = any_named
    return Parsed(
        utterances=utterances,
        title=title or details.title,
        date=date or details.date,
        attendees=tuple(details.attendees),
        stated_duration_s=stated_duration_s or details.duration_s,
        has_speaker_names=identified and not all(anonymous.values()),
        speakers_identified=identified,
    )


def _with_estimated_ends(source: Source, blocks: Sequence[Block]) -> list[Utterance]:
    """Utterances whose missing end is the next strictly later start (see the module notes)."""
    ends: list[float | None] = [b.end_s for b in blocks]
    estimated = 0
    # Next strictly greater start to the right, with a monotonic stack (O(n)).
    stack: list[float] = []
    for index in range(len(blocks) - 1, -1, -1):
        start = blocks[index].start_s
        if start is None:
            continue
        while stack and stack[-1] <= start:
            stack.pop()
        if ends[index] is None and stack:
            ends[index] = stack[-1]
            estimated += 1
        stack.append(start)
    if estimated:
        source.warn(
            "the transcript gives start times only: each utterance is taken to end when the "
            "next one starts (an estimate that counts pauses as speech), and the last has no "
            "end time"
        )
    return [
        Utterance(b.id, b.speaker or UNIDENTIFIED, b.text, b.start_s, end)
        for b, end in zip(blocks, ends, strict=True)
    ]


SPEC = ReaderSpec(
    name="plaintext",
    description="a plain-text transcript (`Name: text`, `[00:01:02] Name: text`, Otter/Rev "
    "blocks, Google Meet)",
    extensions=("txt", "text", "md"),
    sniff=sniff,
    read=read,
)
