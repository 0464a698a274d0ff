"""Turns: consecutive speech by one speaker, derived from utterances (never stored)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from voiceshare.model import Meeting, Utterance


@dataclass(frozen=True, slots=True)
class Turn:
    """A stretch where one speaker holds the floor; backchannels by others do not end it."""

    speaker: str
    utterance_ids: tuple[str, ...]
    start_s: float | None
    end_s: float | None
    words: int

    @property
    def duration_s(self) -> float | None:
        if self.start_s is None or self.end_s is None:
            return None
        return max(0.0, self.end_s - self.start_s)


def timeline(meeting: Meeting) -> list[Utterance]:
    """Utterances in the order they were spoken: by start time when every one is timed
    (a stable sort, so ties keep source order), otherwise in source order."""
    utterances = list(meeting.utterances)
    if meeting.is_timed:
        utterances.sort(key=lambda u: u.start_s or 0.0)
    return utterances


def derive_turns(ordered: Sequence[Utterance], backchannels: frozenset[str]) -> list[Turn]:
    """Group timeline-ordered utterances into turns, skipping backchannels."""
    turns: list[Turn] = []
    speaker: str | None = None
    ids: list[str] = []
    start: float | None = None
    end: float | None = None
    words = 0
    for utterance in ordered:
        if utterance.id in backchannels:
            continue
        if utterance.speaker != speaker:
            if speaker is not None:
                turns.append(Turn(speaker, tuple(ids), start, end, words))
            speaker, ids, start, end, words = utterance.speaker, [], utterance.start_s, None, 0
        ids.append(utterance.id)
        words += utterance.word_count
        if utterance.end_s is not None:
            end = utterance.end_s if end is None else max(end, utterance.end_s)
    if speaker is not None:
        turns.append(Turn(speaker, tuple(ids), start, end, words))
    return turns
