"""What a diarizer returns: speaker turns on the recording's clock, overlaps kept."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from voiceshare.errors import ConfigError


@dataclass(frozen=True, slots=True, order=True)
class SpeakerTurn:
    """One stretch of speech by one speaker, in seconds from the start of the recording."""

    start_s: float
    end_s: float
    speaker: str

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class Diarization:
    """Who spoke when in one recording.

    `overlap_detected` says whether the backend can report two people speaking at once: the
    built-in diarizer gives one speaker per instant, so its output never shows overlap even where
    there was some, and the report must say so."""

    turns: tuple[SpeakerTurn, ...]
    duration_s: float
    backend: str
    overlap_detected: bool
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def from_turns(
        cls,
        turns: Iterable[SpeakerTurn],
        duration_s: float,
        backend: str,
        overlap_detected: bool,
        warnings: Iterable[str] = (),
    ) -> Diarization:
        """Sort turns by time and drop empty ones."""
        kept = sorted(turn for turn in turns if turn.end_s > turn.start_s)
        return cls(tuple(kept), duration_s, backend, overlap_detected, tuple(warnings))

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speaker labels in order of first speech."""
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))

    def speaking_time_s(self, speaker: str) -> float:
        return sum(turn.duration_s for turn in self.turns if turn.speaker == speaker)

    def relabel(self, names: dict[str, str]) -> Diarization:
        """Rename speakers (labels not in `names` are kept)."""
        turns = (
            SpeakerTurn(turn.start_s, turn.end_s, names.get(turn.speaker, turn.speaker))
            for turn in self.turns
        )
        return Diarization.from_turns(
            turns, self.duration_s, self.backend, self.overlap_detected, self.warnings
        )

    def to_rttm(self, uri: str) -> str:
        """The NIST RTTM lines for these turns (speaker names with spaces get underscores)."""
        uri = "_".join(uri.split()) or "recording"
        lines = [
            f"SPEAKER {uri} 1 {turn.start_s:.3f} {turn.duration_s:.3f} <NA> <NA> "
            f"{'_'.join(turn.speaker.split())} <NA> <NA>"
            for turn in self.turns
        ]
        return "\n".join(lines) + ("\n" if lines else "")


def renumber_speakers(turns: Iterable[SpeakerTurn]) -> list[SpeakerTurn]:
    """Label speakers SPEAKER_00, SPEAKER_01... in order of first speech (empty turns dropped),
    so every backend names speakers the same way."""
    kept = [turn for turn in turns if turn.end_s > turn.start_s]
    order: dict[str, str] = {}
    for turn in sorted(kept, key=lambda t: (t.start_s, t.end_s)):
        order.setdefault(turn.speaker, f"SPEAKER_{len(order):02d}")
    return [SpeakerTurn(turn.start_s, turn.end_s, order[turn.speaker]) for turn in kept]


def check_speaker_counts(num: int | None, low: int | None, high: int | None) -> None:
    """Refuse speaker counts below one, or a minimum above the maximum, in one sentence."""
    for label, value in (
        ("--num-speakers", num),
        ("--min-speakers", low),
        ("--max-speakers", high),
    ):
        if value is not None and value < 1:
            raise ConfigError(f"{label} must be at least 1, not {value}.")
    if low is not None and high is not None and low > high:
        raise ConfigError(f"--min-speakers ({low}) is more than --max-speakers ({high}).")
