"""The ICSI Meeting Recorder Dialog Act corpus (MRDA) as voiceshare meetings plus gold labels.

The analyses are evaluated on MRDA exactly as they run on a user's transcript: `load_meeting`
builds a `Meeting` the way a reader does (`Parsed` -> `build_meeting`) and returns the
annotators' dialog acts beside it, keyed by utterance id.

Layout of the data folder (`root`)::

    dadb/<meeting>.dadb            one row per dialog-act unit (csv, no header)
    transcripts/<meeting>.trans    unit id, punctuated text, original-spelling text (csv)
    metadata/{train,val,test}_split.txt   meeting ids, one a line

`.dadb` columns (14 in every row, worked out from the data and the MRDA manual):

    0  start_s          unit start, seconds from the start of the recording
    1  end_s            unit end
    2  unit id          `<meeting>-<channel>_<start ms, 7 digits>_<end ms, 7 digits>`
    3  alignment code   `A` for almost every unit; `D` (digit task) and `B` (bleeped) rows have
                        no words; other letters (`Z`, `X`, `W`, `Y`, `M`, `A1`...) flag units
                        whose word alignment needed repair. Not used.
    4  words            `t0+t1+word|t0+t1+word|...`, in the transcriber's spelling (`o_k`).
                        `XXXX+XXXX+{word}` is a transcript word the aligner could not time;
                        `t0+t1+<word>` is a word the aligner placed there that is not in the
                        unit's transcript (a neighbour's backchannel, a merged-away token).
    5  DA label         the dialog-act label: `general^specific...[.disruption]`, several DAs
                        joined by `|`, quoted material after `:` (`s^cs:qw`); `z` = not labelled
                        (pre/post-meeting chatter, digits, a duplicated microphone)
    6  channel          `<meeting>-c<N>`
    7  speaker          anonymised participant id (`me011`, `fe008`)
    8  original label   the label as first typed; differs from column 5 only in about 1,000
                        rows that have the non-tag `sj` where column 5 has `s` (and once empty)
    9  adjacency pairs  cleaned and renumbered so that pair numbers are unique in the meeting
                        (`30a`, `3b`, `1340b-3.1350a.1360a`, `70b-1+`); see `gold_answers`
    10 original APs     as the annotators typed them: numbers restart per annotation session
                        and `@..@`/`!..!` mark parts later dropped; not used
    11 hot-spot marks   (`b`, `c`, `r`, `10=l=a.a`...); not used
    12 note             free text, mostly laughter (`laughing after this`); not used
    13 comment          annotator comments (`FBH`, `FIXED AP`, `DUPLICATED-MICROPHONE`)

`.trans` rows are `unit id,punctuated text,original-spelling text`. Both files are plain
comma-separated text without csv quoting (a comment may start with a literal `"`); no text
field contains a comma in this release, so every `.dadb` row has exactly 14 fields and every
`.trans` row 3. The punctuated text separates tokens with spaces: `.` `?` `!` end a unit,
` - ` marks a disfluency, a word fragment ends in `-` (`they'r-`), `==` marks a cut-off, `@@`
is laughter and `@reject@` a word the aligner rejected, and `|` separates the parts of a unit
carrying different dialog acts (an annotation mark, removed from the utterance text).

Reading labels (MRDA manual, sections 3.2-3.5): a label is one or two DAs joined by `|`, each
`tag^tag...`, optionally `.` plus a disruption form (`%` indecipherable, `%-` interrupted,
`%--` abandoned, `x` non-speech), optionally `:` plus the DA of quoted material. A unit is
interrupted/abandoned when its label has that disruption form anywhere (only one is allowed
per unit; 22 labels put it before a quote, `s.%--:s`). Question and reject tags are taken
from every `|` part but not from quoted material: `s^cs:qw` reports a quoted question and is
not a question to the room.

Choices made from the data:
- The 449 rows without words are all `DIGIT_TASK` (digits read aloud, not transcribed) or
  `BLEEPED` placeholders with an empty label and no adjacency pairs: they are skipped, from the
  meeting and from the gold units. Every other row, `z` units included, has words (`z` units
  are real talk that was left unlabelled) and is kept.
- `words` keep every transcript word: timed ones with their times, `{word}` ones untimed;
  `<word>` tokens (not in the unit's transcript) are left out.
- `GoldUnit.label` is column 5 (the full label, not collapsed to a basic or general tag).

Splits: the `test` split lists 12 meetings whose files are not part of this release; loading
one raises `InputError` like any missing meeting.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from voiceshare.errors import ConfigError, InputError
from voiceshare.model import Meeting, Utterance, Word, speakers_in_order
from voiceshare.readers._base import Parsed, build_meeting
from voiceshare.readers._source import Source

FORMAT = "mrda"
SPLITS = ("train", "val", "test")
QUESTION_TAGS = frozenset({"qy", "qw", "qr", "qrr", "qo", "qh"})
REJECTION_TAGS = frozenset({"ar", "arp"})
N_COLUMNS = 14

_MEETING_ID = re.compile(r"[A-Za-z0-9_-]+")
_LABEL_PARTS = re.compile(r"[\^.|:]")
_TAG_PARTS = re.compile(r"[\^.]")
# One adjacency-pair part: pair number (`_` marks a pair inserted after its neighbour), the
# part (a = first, b = second), which speaker of a multi-speaker part (`-2`), continuations (`+`).
_AP_PART = re.compile(r"(?P<pair>\d+_*)(?P<part>[ab])(?:-(?P<who>\d+))?(?P<cont>\+*)")
_UNTIMED = "XXXX"
# Marks removed for the raw (ASR-like) text: sentence punctuation, the DA pipe, cut-offs.
_PUNCTUATION = re.compile(r"[.?!,|;:\"]|==")
_NOISE_TOKEN = re.compile(r"@\w*@")


@dataclass(frozen=True)
class GoldUnit:
    """One dialog-act unit as the annotators labelled it.

    `label` is the full label (`fg|qy^rt`, `s.%--`); `adjacency` the unit's adjacency-pair
    field (`3b.4a`) or "".
    """

    id: str
    speaker: str
    start_s: float
    end_s: float
    label: str
    adjacency: str = ""

    @cached_property
    def _parts(self) -> frozenset[str]:
        return frozenset(_LABEL_PARTS.split(self.label))

    @cached_property
    def _function_tags(self) -> frozenset[str]:
        """The tags describing the unit itself: each `|` segment without its quoted part."""
        tags: set[str] = set()
        for segment in self.label.split("|"):
            tags.update(_TAG_PARTS.split(segment.split(":", 1)[0]))
        return frozenset(tags)

    @property
    def interrupted(self) -> bool:
        """Cut off by another speaker (`%-`), the annotators' mark of an interruption."""
        return "%-" in self._parts

    @property
    def abandoned(self) -> bool:
        """Abandoned by the speaker (`%--`): trailed off or restarted."""
        return "%--" in self._parts

    @property
    def question_tags(self) -> frozenset[str]:
        """The question tags (qy qw qr qrr qo qh) of the unit, quoted questions excluded."""
        return self._function_tags & QUESTION_TAGS

    @property
    def is_question(self) -> bool:
        return bool(self.question_tags)

    @property
    def is_rejection(self) -> bool:
        """A reject (`ar`) or partial reject (`arp`)."""
        return bool(self._function_tags & REJECTION_TAGS)

    @property
    def is_backchannel(self) -> bool:
        """A continuer (`b`, "uhhuh"): the label's first tag is `b`."""
        return _LABEL_PARTS.split(self.label, maxsplit=1)[0] == "b"


def meeting_ids(root: Path, split: str) -> list[str]:
    """The meeting ids of a split (`train`, `val` or `test`), in the split file's order."""
    if split not in SPLITS:
        raise ConfigError(f"Unknown MRDA split {split!r}: choose one of {', '.join(SPLITS)}.")
    path = Path(root) / "metadata" / f"{split}_split.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigError(f"{path}: MRDA split file not found or unreadable.") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def load_meeting(
    root: Path, meeting_id: str, punctuation: bool = True
) -> tuple[Meeting, dict[str, GoldUnit]]:
    """One MRDA meeting as a `Meeting` (one utterance per unit) and its gold units by id.

    With `punctuation=False` the text is lower case without punctuation, cut-off marks or word
    fragment dashes, like raw speech recognition output.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: MRDA data folder not found.")
    if not _MEETING_ID.fullmatch(meeting_id):
        raise InputError(f"{meeting_id!r} is not an MRDA meeting id (like 'Bmr026').")
    dadb_path = root / "dadb" / f"{meeting_id}.dadb"
    trans_path = root / "transcripts" / f"{meeting_id}.trans"
    for path in (dadb_path, trans_path):
        if not path.is_file():
            raise InputError(f"{path}: no such file (MRDA meeting {meeting_id!r}).")
    dadb = Source.from_path(dadb_path)
    texts = _read_transcript(Source.from_path(trans_path))

    utterances: list[Utterance] = []
    gold: list[GoldUnit] = []
    for line, row in _rows(dadb):
        if len(row) != N_COLUMNS:
            raise _row_error(dadb, line, f"has {len(row)} fields instead of {N_COLUMNS}")
        if not row[4]:
            continue  # DIGIT_TASK / BLEEPED placeholder: no speech transcribed
        unit_id, speaker, label, adjacency = row[2], row[7].strip(), row[5], row[9]
        start_s, end_s = _seconds(dadb, line, row[0]), _seconds(dadb, line, row[1])
        if not unit_id or not speaker or not label:
            raise _row_error(dadb, line, "lacks a unit id, speaker or dialog-act label")
        if end_s < start_s:
            raise _row_error(dadb, line, "ends before it starts")
        if adjacency and not all(_AP_PART.fullmatch(p) for p in adjacency.split(".")):
            raise _row_error(dadb, line, f"has a malformed adjacency-pair field {adjacency!r}")
        text = texts.get(unit_id)
        if text is None:
            raise _row_error(dadb, line, f"unit {unit_id} has no text in {trans_path.name}")
        text = _human_text(text) if punctuation else _raw_text(text)
        words = _words(dadb, line, row[4])
        if not punctuation:
            # Written like the raw text: "O_K" -> "o_k", "th-" -> "th", noise marks dropped.
            words = tuple(
                Word(token, word.start_s, word.end_s)
                for word in words
                if (token := _raw_text(word.text))
            )
        utterances.append(Utterance(unit_id, speaker, text, start_s, end_s, words))
        gold.append(GoldUnit(unit_id, speaker, start_s, end_s, label, adjacency))

    order = sorted(range(len(utterances)), key=lambda i: utterances[i].start_s or 0.0)
    ordered = [utterances[i] for i in order]
    parsed = Parsed(
        utterances=ordered,
        speakers=speakers_in_order(ordered),
        title=meeting_id,
        has_speaker_names=False,
    )
    meeting = build_meeting(dadb, parsed, FORMAT).with_changes(id=meeting_id)
    if len({u.id for u in meeting.utterances}) != len(ordered):
        raise dadb.fail("repeats a unit id")
    return meeting, {gold[i].id: gold[i] for i in order}


def gold_answers(gold: Mapping[str, GoldUnit]) -> dict[str, str | None]:
    """For every question unit, the id of the unit answering it, or None.

    The answer is found through the adjacency pairs (MRDA manual, section 4): `Na` is a first
    part of pair N and `Nb` a second part; `-k` numbers the k-th speaker of a part several
    people contribute to, `+`/`++` mark the 2nd/3rd unit of a part continued by the same
    speaker, and `N_a` (underscores) is a pair inserted after pair N, a different pair. A
    question answers to every pair it is a first part of (continuation or not); its answer is
    the earliest-starting unit (ties in `gold`'s order) that is a second part of one of those
    pairs and is spoken by a different speaker. None when no such unit exists.
    """
    seconds: dict[str, list[tuple[float, int, str]]] = {}
    for index, unit in enumerate(gold.values()):
        for pair, part in _ap_parts(unit.adjacency):
            if part == "b":
                seconds.setdefault(pair, []).append((unit.start_s, index, unit.id))
    answers: dict[str, str | None] = {}
    for unit in gold.values():
        if not unit.is_question:
            continue
        candidates = [
            candidate
            for pair, part in _ap_parts(unit.adjacency)
            if part == "a"
            for candidate in seconds.get(pair, ())
            if gold[candidate[2]].speaker != unit.speaker
        ]
        answers[unit.id] = min(candidates)[2] if candidates else None
    return answers


def _ap_parts(field: str) -> list[tuple[str, str]]:
    """(pair, part) for each part of an adjacency-pair field: `3b.4a+` -> [(3, b), (4, a)]."""
    parts = []
    for text in field.split(".") if field else ():
        match = _AP_PART.fullmatch(text)
        if match is not None:
            parts.append((match["pair"], match["part"]))
    return parts


def _rows(source: Source) -> list[tuple[int, list[str]]]:
    """(line number, fields) for every non-blank csv row of `source`."""
    # The files are plain comma-separated text: a `"` is a literal character (comments such as
    # `"no" used as "yes"`), never csv quoting.
    reader = csv.reader(io.StringIO(source.text, newline=""), quoting=csv.QUOTE_NONE)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip()):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise _row_error(source, reader.line_num, f"is not valid csv ({exc})") from None
    return rows


def _read_transcript(source: Source) -> dict[str, str]:
    texts: dict[str, str] = {}
    for line, row in _rows(source):
        if len(row) != 3 or not row[0]:
            raise _row_error(source, line, "is not `unit id,punctuated text,original text`")
        texts[row[0]] = row[1]
    return texts


def _seconds(source: Source, line: int, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise _row_error(source, line, f"has {value!r} where a time in seconds should be") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise _row_error(source, line, f"has an impossible time {value!r}")
    return seconds


def _words(source: Source, line: int, field: str) -> tuple[Word, ...]:
    """The unit's transcript words (`t0+t1+word|...`); the hot loop of loading, kept lean."""
    words: list[Word] = []
    append = words.append
    for token in field.split("|"):
        try:
            start, end, text = token.split("+", 2)
            if not text:
                raise ValueError(token)
            start_s = None if start == _UNTIMED else float(start)
            end_s = None if end == _UNTIMED else float(end)
        except ValueError:
            raise _row_error(source, line, f"has a malformed word {token!r}") from None
        if text[0] == "<" and text[-1] == ">":
            continue  # aligned here but not part of this unit's transcript
        if text[0] == "{" and text[-1] == "}":
            text = text[1:-1]
        append(Word(text, start_s, end_s))
    return tuple(words)


def _human_text(text: str) -> str:
    """The punctuated transcript as a person would type it: without the DA pipe."""
    tokens = text.split()
    return " ".join(tokens if "|" not in tokens else [t for t in tokens if t != "|"])


def _raw_text(text: str) -> str:
    """Lower case, no punctuation, cut-off marks, fragment dashes or noise marks (`@@`)."""
    text = _NOISE_TOKEN.sub(" ", _PUNCTUATION.sub("", text.lower()))
    tokens = (token.strip("-") for token in text.split())
    return " ".join(token for token in tokens if token)


def _row_error(source: Source, line: int, problem: str) -> InputError:
    return InputError(f"{source.path}: line {line} {problem}.")
