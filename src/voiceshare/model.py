"""The core meeting model: speakers, timed utterances, optional words.

Pure Python and immutable. Readers build a `Meeting`; every later stage takes it and returns
typed results without mutating it. Turns are derived (see `voiceshare.metrics.turns`), never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

# The speaker of speech the source does not attribute to anyone (captions without names, a
# Zoom cue without a name). It is not a person: it is left out of shares and balance.
UNIDENTIFIED_SPEAKER = "Unidentified speaker"
# `Meeting.metadata["diarization"]` when a speech recogniser told the speakers apart.
MACHINE_DIARIZATION = "machine"


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its own timing (seconds from the start of the recording)."""

    text: str
    start_s: float | None = None
    end_s: float | None = None


@dataclass(frozen=True, slots=True)
class Utterance:
    """One cue, segment or line of the source, kept exactly as the source segmented it.

    `start_s`/`end_s` are seconds from the start of the recording, or None when the source has
    no times. `id` is the source's own cue identifier when it has one, else its position.
    """

    id: str
    speaker: str
    text: str
    start_s: float | None = None
    end_s: float | None = None
    words: tuple[Word, ...] = ()

    @property
    def is_timed(self) -> bool:
        return self.start_s is not None and self.end_s is not None

    @property
    def duration_s(self) -> float | None:
        if self.start_s is None or self.end_s is None:
            return None
        return max(0.0, self.end_s - self.start_s)

    @property
    def word_count(self) -> int:
        if self.words:
            return len(self.words)
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class Speaker:
    """A participant. `name` is the display name and the key utterances refer to.

    `label` is the source's own code for them when it differs (CHAT `MOT`, ASR `spk_0`).
    """

    name: str
    label: str | None = None
    role: str | None = None


def _frozen_mapping(value: Mapping[str, str] | None = None) -> Mapping[str, str]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting as read from one source file.

    `attendees` lists people known to be present (they may never speak). `duration_s` is the
    duration stated by the source, or the span of the timed utterances when it states none.
    """

    id: str
    title: str
    speakers: tuple[Speaker, ...]
    utterances: tuple[Utterance, ...]
    source: str | None = None
    date: dt.date | None = None
    attendees: tuple[str, ...] = ()
    stated_duration_s: float | None = None
    format: str = ""
    warnings: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=_frozen_mapping)

    @property
    def is_timed(self) -> bool:
        """True when every utterance has a start and an end time."""
        return bool(self.utterances) and all(u.is_timed for u in self.utterances)

    @property
    def machine_diarized(self) -> bool:
        """True when a speech recogniser's speaker labels told the speakers apart."""
        return self.metadata.get("diarization") == MACHINE_DIARIZATION

    @property
    def start_s(self) -> float | None:
        starts = [u.start_s for u in self.utterances if u.start_s is not None]
        return min(starts) if starts else None

    @property
    def end_s(self) -> float | None:
        ends = [u.end_s for u in self.utterances if u.end_s is not None]
        return max(ends) if ends else None

    @property
    def duration_s(self) -> float | None:
        if self.stated_duration_s is not None:
            return self.stated_duration_s
        start, end = self.start_s, self.end_s
        if start is None or end is None:
            return None
        return max(0.0, end - start)

    @property
    def speaker_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.speakers)

    def with_changes(self, **changes: object) -> Meeting:
        """A copy with some fields replaced (the model is immutable)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def speakers_in_order(utterances: Iterable[Utterance]) -> tuple[Speaker, ...]:
    """The distinct speakers of `utterances`, in order of first appearance."""
    seen: dict[str, Speaker] = {}
    for utterance in utterances:
        if utterance.speaker not in seen:
            seen[utterance.speaker] = Speaker(utterance.speaker)
    return tuple(seen.values())
