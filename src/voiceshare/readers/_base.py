"""What every reader shares: the reader description, timestamp parsing, building the Meeting."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from voiceshare.model import (
    MACHINE_DIARIZATION,
    Meeting,
    Speaker,
    Utterance,
    Word,
    speakers_in_order,
)
from voiceshare.readers._flicker import absorb_flicker
from voiceshare.readers._source import Source

# A sniffer returns how sure it is that the source is in its format: 0 (no) to 1 (certain).
Sniffer = Callable[[Source], float]
# A reader returns the utterances it found and what else the source says about the meeting.
Reader = Callable[[Source], "Parsed"]


@dataclass(frozen=True)
class Parsed:
    """What a reader found. The registry turns it into a `Meeting`.

    `speakers` is optional: when empty, speakers are taken from the utterances in order of first
    appearance. Give it when the source has a participant list (CHAT) or speaker codes.
    """

    utterances: Sequence[Utterance]
    speakers: Sequence[Speaker] = ()
    title: str | None = None
    date: str | None = None  # ISO date or date-time as the source states it
    stated_duration_s: float | None = None
    attendees: Sequence[str] = ()
    has_text: bool = True  # False for timing-only formats (RTTM)
    has_speaker_names: bool = True  # False when speakers are anonymous labels from the source
    # False when the source does not tell speakers apart at all (captions without names): every
    # utterance then has one placeholder speaker and shares cannot be measured.
    speakers_identified: bool = True
    # True when a speech recogniser told the speakers apart by their voices (not by channel or
    # by a person writing names): its speaker flickers of a few words are then mended.
    machine_diarized: bool = False


@dataclass(frozen=True)
class ReaderSpec:
    """A transcript format: its name, a one-line description, the extensions it usually has."""

    name: str
    description: str
    extensions: tuple[str, ...]
    sniff: Sniffer
    read: Reader
    binary: bool = False  # reads binary containers (e.g. .docx) rather than text


_TIMESTAMP = re.compile(
    r"^\s*(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,:](?P<frac>\d{1,3}))?\s*$"
)


def parse_clock(value: str) -> float | None:
    """Seconds from a clock time: `hh:mm:ss.mmm`, `hh:mm:ss,mmm`, `mm:ss`, `h:mm:ss`.

    Returns None when `value` is not a clock time.
    """
    match = _TIMESTAMP.match(value)
    if match is None:
        return None
    hours = int(match["h"] or 0)
    minutes = int(match["m"])
    seconds = int(match["s"])
    if (minutes >= 60 and match["h"] is not None) or seconds >= 60:
        return None
    fraction = match["frac"]
    frac_s = int(fraction) / 10 ** len(fraction) if fraction else 0.0
    return round(hours * 3600 + minutes * 60 + seconds + frac_s, 3)


def parse_seconds(value: object) -> float | None:
    """Seconds from a number, a numeric string, or a string such as `"31.200s"` (Google)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().removesuffix("s")
        try:
            return float(text)
        except ValueError:
            return parse_clock(value)
    return None


def clean_text(text: str) -> str:
    """Collapse whitespace (line breaks inside a cue become spaces)."""
    return " ".join(text.split())


def speaker_label(raw: object, prefix: str = "Speaker") -> str:
    """A display name for an anonymous speaker code, numbered from 1 for people.

    Zero-based codes become 1-based (`0` -> `Speaker 1`, AWS `spk_2` -> `Speaker 3`); a single
    letter becomes `Speaker A`. Anything else (`SPEAKER_02`, `speaker90`, `Speaker 1`) is kept as
    written, since users see those labels in the tool that made the file.
    """
    text = " ".join(str(raw).split())
    match = re.fullmatch(r"(?:spk[ _-]?)?(\d+)", text, flags=re.IGNORECASE)
    if match is not None:
        return f"{prefix} {int(match.group(1)) + 1}"
    if re.fullmatch(r"[A-Z]", text):
        return f"{prefix} {text}"
    return text


def utterance_from_words(speaker: str, words: Sequence[Word], id: str = "") -> Utterance:
    """One utterance spanning a run of timed words: text joined, first start to last end."""
    return Utterance(
        id=id,
        speaker=speaker,
        text=" ".join(w.text for w in words),
        start_s=words[0].start_s,
        end_s=words[-1].end_s,
        words=tuple(words),
    )


def number_ids(utterances: Iterable[Utterance]) -> list[Utterance]:
    """Helper for readers whose source has no cue ids: ids are 1-based positions."""
    from dataclasses import replace

    return [u if u.id else replace(u, id=str(index)) for index, u in enumerate(utterances, start=1)]


def build_meeting(source: Source, parsed: Parsed, format_name: str) -> Meeting:
    """Turn what a reader found into a `Meeting`, checking the invariants every reader must keep."""
    import hashlib

    from voiceshare.readers._dates import meeting_date

    utterances = tuple(number_ids(parsed.utterances))
    if not utterances:
        raise source.fail("contains no utterances with a speaker")
    listed = tuple(parsed.speakers)
    if parsed.machine_diarized:
        mended, absorbed = absorb_flicker(utterances)
        if absorbed:
            source.warn(
                f"{absorbed} fragment(s) of at most three words that the speech recogniser gave "
                "to another speaker in the middle of someone's speech were given back to that "
                "person (machine diarization flickers like this; they would count as turns "
                "and interruptions)"
            )
            # A label whose every word was a flicker is nobody, not a silent attendee.
            gone = {u.speaker for u in utterances} - {u.speaker for u in mended}
            listed = tuple(s for s in listed if s.name not in gone)
        utterances = tuple(mended)
    _check_times(source, utterances)
    utterances = _unique_ids(utterances)
    speakers = listed or speakers_in_order(utterances)
    known = {s.name for s in speakers}
    missing = [s for s in speakers_in_order(utterances) if s.name not in known]
    speakers = speakers + tuple(missing)
    warnings = list(dict.fromkeys(source.warnings))
    if not parsed.has_text:
        warnings.append("the source has speaker timings only, no words")
    if not parsed.speakers_identified:
        warnings.append("the source does not say who is speaking")
    elif not parsed.has_speaker_names:
        warnings.append("the source does not name its speakers")
    date, date_origin = meeting_date(parsed.date, source.path)
    metadata = {"encoding": _encoding_or_binary(source), "format": format_name}
    metadata["speakers"] = (
        "unidentified"
        if not parsed.speakers_identified
        else "named"
        if parsed.has_speaker_names
        else "labelled"
    )
    if parsed.machine_diarized:
        metadata["diarization"] = MACHINE_DIARIZATION
    if date_origin:
        metadata["date_origin"] = date_origin
    return Meeting(
        id=hashlib.sha256(source.data).hexdigest()[:16],
        title=parsed.title or _title_from_path(source),
        speakers=speakers,
        utterances=utterances,
        source=str(source.path),
        date=date,
        attendees=tuple(parsed.attendees),
        stated_duration_s=parsed.stated_duration_s,
        format=format_name,
        warnings=tuple(warnings),
        metadata=metadata,
    )


# No meeting recording is longer than a week; larger times are corrupt or in the wrong unit.
MAX_TIME_S = 7 * 24 * 3600.0


def _check_times(source: Source, utterances: Sequence[Utterance]) -> None:
    """Refuse times that are not finite, negative or absurdly large (they would also make the
    windowed metrics run away)."""
    for utterance in utterances:
        times = [utterance.start_s, utterance.end_s]
        times += [t for w in utterance.words for t in (w.start_s, w.end_s)]
        for value in times:
            if value is None:
                continue
            if not math.isfinite(value) or value < 0 or value > MAX_TIME_S:
                raise source.fail(
                    f"utterance {utterance.id or '?'} has the time {value!r} s, which is not a "
                    "time within a meeting (negative, infinite or over a week)"
                )


def _unique_ids(utterances: tuple[Utterance, ...]) -> tuple[Utterance, ...]:
    """Some exports repeat cue numbers; keep the source id but make it unique (`7`, `7.2`...)."""
    taken = {u.id for u in utterances}
    if len(taken) == len(utterances):
        return utterances
    seen: set[str] = set()
    fixed = []
    for u in utterances:
        if u.id not in seen:
            seen.add(u.id)
            fixed.append(u)
            continue
        number = 2
        while f"{u.id}.{number}" in taken or f"{u.id}.{number}" in seen:
            number += 1
        new_id = f"{u.id}.{number}"
        seen.add(new_id)
        fixed.append(_with_id(u, new_id))
    return tuple(fixed)


def _encoding_or_binary(source: Source) -> str:
    return "binary" if source.binary_kind else source.encoding


def _with_id(utterance: Utterance, new_id: str) -> Utterance:
    from dataclasses import replace

    return replace(utterance, id=new_id)


def _title_from_path(source: Source) -> str:
    return title_from_name(source.path.name)


def title_from_name(name: str) -> str:
    """A meeting's title from its file's name: the stem (without Zoom's `.transcript.vtt`)."""
    for suffix in (".transcript.vtt", ".cc.vtt"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return Path(name).stem or name
