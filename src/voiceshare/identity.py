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
from voiceshare.model import Meeting, Speaker, Utterance


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
    """A pseudonym per name. Without a key, `Participant 1..N` in the order given; with a key,
    a stable `Person XXXXXX` derived from the name by HMAC, the same in every meeting."""
    table: dict[str, str] = {}
    for name in names:
        if name in table:
            continue
        if key:
            digest = hmac.new(key.encode(), name_key(name).encode(), hashlib.sha256).hexdigest()
            table[name] = f"Person {digest[:6].upper()}"
        else:
            table[name] = f"Participant {len(table) + 1}"
    return table


def pseudonymise(meeting: Meeting, key: str | None = None) -> Meeting:
    """Replace every participant's name everywhere: speakers, attendees, the title, the source
    name and mentions in utterance text (full names case-insensitively; first or last names as
    written, when they belong to one person only)."""
    names = list(dict.fromkeys([*meeting.speaker_names, *meeting.attendees]))
    table = pseudonym_table(names, key)
    replace_text = _mention_replacer(table)
    speakers = tuple(replace(s, name=table[s.name], label=None) for s in meeting.speakers)
    utterances = tuple(
        Utterance(
            id=u.id,
            speaker=table[u.speaker],
            text=replace_text(u.text),
            start_s=u.start_s,
            end_s=u.end_s,
            words=u.words,
        )
        for u in meeting.utterances
    )
    source_name = Path(meeting.source).name if meeting.source else None
    return meeting.with_changes(
        speakers=speakers,
        utterances=utterances,
        attendees=tuple(table[a] for a in meeting.attendees),
        title=replace_text(meeting.title),
        source=replace_text(source_name) if source_name else None,
    )


def _mention_replacer(table: Mapping[str, str]) -> _Replacer:
    full: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for name, pseudonym in table.items():
        full[name.casefold()] = pseudonym
        for part in re.split(r"[\s._-]+", name):
            if len(part) >= 3 and part[0].isupper():
                parts.setdefault(part, set()).add(pseudonym)
    unique_parts = {part: next(iter(ps)) for part, ps in parts.items() if len(ps) == 1}
    return _Replacer(full, unique_parts)


class _Replacer:
    def __init__(self, full: dict[str, str], parts: dict[str, str]) -> None:
        self.full = full
        self.parts = parts
        self.full_re = _alternation(list(full), re.IGNORECASE)
        self.part_re = _alternation(list(parts), 0)

    def __call__(self, text: str) -> str:
        if self.full_re is not None:
            text = self.full_re.sub(lambda m: self.full[m.group(0).casefold()], text)
        if self.part_re is not None:
            text = self.part_re.sub(lambda m: self.parts[m.group(0)], text)
        return text


def _alternation(words: list[str], flags: int) -> re.Pattern[str] | None:
    if not words:
        return None
    ordered = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)", flags)
