"""Who is who: alias files that merge labels into people, and pseudonyms for sharing reports."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from voiceshare.errors import ConfigError
from voiceshare.metrics.speaking import name_key
from voiceshare.model import Meeting, Speaker


def load_speaker_map(path: str | Path) -> dict[str, str]:
    """Read an alias file: YAML (`alias: person`, or `person: [alias, ...]`) or CSV/TSV with
    two columns `alias,person` (a header row is optional). Keys are compared case- and
    whitespace-insensitively."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: speaker map not found.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: speaker map cannot be read ({exc}).") from None
    if path.suffix.lower() in (".csv", ".tsv"):
        mapping = _csv_map(text, path)
    else:
        mapping = _yaml_map(text, path)
    if not mapping:
        raise ConfigError(f"{path}: speaker map has no `alias -> person` entries.")
    return {name_key(alias): " ".join(person.split()) for alias, person in mapping.items()}


def _yaml_map(text: str, path: Path) -> dict[str, str]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: speaker map is not valid YAML ({exc}).") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: speaker map must be a mapping of `alias: person`.")
    mapping: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, list):  # person: [alias, alias]
            for alias in value:
                mapping[str(alias)] = str(key)
            mapping[str(key)] = str(key)
        elif value is not None:
            mapping[str(key)] = str(value)
    return mapping


def _csv_map(text: str, path: Path) -> dict[str, str]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows = [
        r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)
    ]
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["alias", "person"]:
        rows = rows[1:]
    mapping: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ConfigError(f"{path}: row {number} of the speaker map is not `alias,person`.")
        mapping[row[0].strip()] = row[1].strip()
    return mapping


def apply_speaker_map(meeting: Meeting, mapping: Mapping[str, str]) -> Meeting:
    """Rename speakers and attendees through `mapping`, merging aliases of one person."""

    def rename(name: str) -> str:
        return mapping.get(name_key(name), name)

    speakers: dict[str, Speaker] = {}
    for speaker in meeting.speakers:
        new = rename(speaker.name)
        speakers.setdefault(new, replace(speaker, name=new, label=speaker.label or speaker.name))
    utterances = tuple(replace(u, speaker=rename(u.speaker)) for u in meeting.utterances)
    attendees = tuple(dict.fromkeys(rename(a) for a in meeting.attendees))
    return meeting.with_changes(
        speakers=tuple(speakers.values()), utterances=utterances, attendees=attendees
    )


def pseudonym_table(names: list[str], key: str | None = None) -> dict[str, str]:
    """A pseudonym per person, keyed by `name_key` (names that differ only in case or spacing
    are one person). Without a key, `Participant 1..N` in the order given; with a key, a stable
    `Person XXXXXX` derived from the name by HMAC, the same in every meeting."""
    table: dict[str, str] = {}
    for name in names:
        person = name_key(name)
        if person in table:
            continue
        if key:
            digest = hmac.new(key.encode(), person.encode(), hashlib.sha256).hexdigest()
            table[person] = f"Person {digest[:6].upper()}"
        else:
            table[person] = f"Participant {len(table) + 1}"
    return table


def pseudonymise(meeting: Meeting, key: str | None = None) -> Meeting:
    """Replace every participant's name everywhere: speakers, attendees, the title, the source
    name, and mentions in utterance text and word timings (see `MentionReplacer`)."""
    names = list(dict.fromkeys([*meeting.speaker_names, *meeting.attendees]))
    table = pseudonym_table(names, key)

    def pseudonym(name: str) -> str:
        return table[name_key(name)]

    replace_text = MentionReplacer({name: pseudonym(name) for name in names})
    speakers: dict[str, Speaker] = {}
    for speaker in meeting.speakers:
        new = pseudonym(speaker.name)
        speakers.setdefault(new, replace(speaker, name=new, label=None))
    utterances = tuple(
        replace(
            u,
            speaker=pseudonym(u.speaker),
            text=replace_text(u.text),
            words=tuple(replace(w, text=replace_text(w.text)) for w in u.words),
        )
        for u in meeting.utterances
    )
    source_name = Path(meeting.source).name if meeting.source else None
    return meeting.with_changes(
        speakers=tuple(speakers.values()),
        utterances=utterances,
        attendees=tuple(dict.fromkeys(pseudonym(a) for a in meeting.attendees)),
        title=replace_text(meeting.title),
        source=replace_text(source_name) if source_name else None,
    )


# Honorifics are not part of what identifies someone.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})
# Names that are also everyday words: replaced only when capitalised as written.
_COMMON_WORDS = frozenset(
    """
    will may mark bill grace hope joy rose june april august art sue pat rich bob sunny faith
    summer dawn ray guy jack max frank rob don gene hunter miles case chase cash carol holly
    iris ivy lily penny ruby sandy sky star amber autumn crystal destiny harmony honey jade
    victor young long king brown green white black gray grey rivers wood woods hill hall
    """.split()
)


class MentionReplacer:
    """Replace mentions of people in text: full names in any case and spacing; single first
    or last names when they belong to one person only, in any case unless they are also common
    words (then only as written, capitalised). `_`, `-` and `.` separate words, so file names
    like `1on1_Ana_Ruiz` are covered."""

    def __init__(self, pseudonyms: Mapping[str, str]) -> None:
        full: dict[str, str] = {}
        parts: dict[str, set[str]] = {}
        for name, pseudonym in pseudonyms.items():
            tokens = [t for t in re.split(r"[\s._-]+", name) if t]
            full[" ".join(t.casefold() for t in tokens)] = pseudonym
            for token in tokens:
                if token.casefold() not in _TITLES and len(token) >= 2:
                    parts.setdefault(token, set()).add(pseudonym)
        unique = {part: next(iter(ps)) for part, ps in parts.items() if len(ps) == 1}
        self.full = full
        self.anycase = {p.casefold(): v for p, v in unique.items() if _anycase(p)}
        self.exact = {p: v for p, v in unique.items() if not _anycase(p)}
        self.full_re = _alternation([k.split() for k in full], re.IGNORECASE)
        self.anycase_re = _alternation([[p] for p in self.anycase], re.IGNORECASE)
        self.exact_re = _alternation([[p] for p in self.exact], 0)

    def __call__(self, text: str) -> str:
        if self.full_re is not None:
            text = self.full_re.sub(
                lambda m: self.full[" ".join(re.split(r"[\s._-]+", m.group(0).casefold()))], text
            )
        if self.anycase_re is not None:
            text = self.anycase_re.sub(lambda m: self.anycase[m.group(0).casefold()], text)
        if self.exact_re is not None:
            text = self.exact_re.sub(lambda m: self.exact[m.group(0)], text)
        return text


def _anycase(part: str) -> bool:
    return len(part) >= 3 and part.casefold() not in _COMMON_WORDS


def _alternation(names: list[list[str]], flags: int) -> re.Pattern[str] | None:
    if not names:
        return None
    patterns = sorted(
        (r"[\s._-]+".join(re.escape(t) for t in tokens) for tokens in names), key=len, reverse=True
    )
    # Letters and digits continue a word; `_`, `-`, `.` and spaces do not.
    return re.compile(r"(?<![^\W_])(?:" + "|".join(patterns) + r")(?![^\W_])", flags)
