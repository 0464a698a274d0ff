"""Speaking time, shares, turns, words, windows and balance, as MISSION.md defines them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from voiceshare.metrics import intervals
from voiceshare.metrics.backchannels import backchannel_ids
from voiceshare.metrics.balance import gini, normalised_entropy
from voiceshare.metrics.turns import Turn, derive_turns, timeline
from voiceshare.model import UNIDENTIFIED_SPEAKER, Meeting, Utterance

Basis = Literal["speaking_time", "words"]

# A quiet voice speaks less than this fraction of an equal share.
QUIET_FRACTION = 0.5
WINDOW_S = 300.0


@dataclass(frozen=True, slots=True)
class SpeakerTime:
    """One person's share of the talk. Times in seconds; None where the source has no times."""

    name: str
    speaking_time_s: float | None
    share: float
    turns: int
    utterances: int
    words: int
    words_per_minute: float | None
    longest_turn_s: float | None
    longest_turn_words: int
    first_contribution_s: float | None
    backchannels: int
    quiet: bool
    spoke: bool


@dataclass(frozen=True, slots=True)
class Window:
    """Talk inside one time window: seconds and share per speaker who spoke in it."""

    start_s: float
    end_s: float
    seconds: dict[str, float]

    @property
    def shares(self) -> dict[str, float]:
        total = sum(self.seconds.values())
        return {name: s / total for name, s in self.seconds.items()} if total > 0 else {}


@dataclass(frozen=True, slots=True)
class Balance:
    """How evenly talk was shared among everyone present (silent attendees included)."""

    basis: Basis | None
    present: int
    equal_share: float | None
    gini: float | None
    entropy: float | None
    quiet_voices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SpeakingAnalysis:
    basis: Basis | None
    speakers: tuple[SpeakerTime, ...]
    balance: Balance
    windows: tuple[Window, ...]
    turns: tuple[Turn, ...]
    backchannel_ids: frozenset[str]
    notes: tuple[str, ...]
    # The utterances in the order they were spoken, for the analyses that follow.
    ordered: tuple[Utterance, ...] = ()


def name_key(name: str) -> str:
    """How names are compared: case- and whitespace-insensitively."""
    return " ".join(name.split()).casefold()


def measure_speaking(
    meeting: Meeting, attendees: Iterable[str] = (), window_s: float = WINDOW_S
) -> SpeakingAnalysis:
    """Measure who talked how much; `attendees` adds people present who may not have spoken."""
    ordered = timeline(meeting)
    backchannels = backchannel_ids(ordered)
    turns = derive_turns(ordered, backchannels)
    notes: list[str] = []

    # Speech attributed to nobody is not a person's share (see UNIDENTIFIED_SPEAKER).
    names = [n for n in meeting.speaker_names if n != UNIDENTIFIED_SPEAKER]
    spoken = {u.speaker for u in meeting.utterances}
    unattributed = [u for u in meeting.utterances if u.speaker == UNIDENTIFIED_SPEAKER]
    known = {name_key(n) for n in names}
    for attendee in (*meeting.attendees, *attendees):
        if attendee.strip() and name_key(attendee) not in known:
            names.append(" ".join(attendee.split()))
            known.add(name_key(attendee))

    unidentified = meeting.metadata.get("speakers") == "unidentified" or not names
    has_text = any(u.text for u in meeting.utterances)
    basis: Basis | None
    if unidentified:
        basis = None
        notes.append(
            "The source does not say who is speaking, so shares and balance cannot be measured."
        )
    elif meeting.is_timed:
        basis = "speaking_time"
    elif has_text:
        basis = "words"
        notes.append(
            "The transcript has no (or incomplete) timings, so shares are by words spoken, "
            "not by speaking time."
        )
    else:
        basis = None
    if unattributed and not unidentified:
        notes.append(
            f"{len(unattributed)} utterance(s) the source attributes to nobody are left out "
            "of everyone's share."
        )

    spans: dict[str, list[intervals.Interval]] = defaultdict(list)
    words: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, float] = {}
    for utterance in ordered:
        counts[utterance.speaker] += 1
        words[utterance.speaker] += utterance.word_count
        if utterance.start_s is not None and utterance.end_s is not None:
            spans[utterance.speaker].append((utterance.start_s, utterance.end_s))
        if utterance.id not in backchannels and utterance.start_s is not None:
            first.setdefault(utterance.speaker, utterance.start_s)
    # Someone who only ever backchannelled still made a first (minimal) contribution.
    for utterance in ordered:
        if utterance.start_s is not None:
            first.setdefault(utterance.speaker, utterance.start_s)

    merged = {name: intervals.union(spans.get(name, ())) for name in names}
    seconds = {name: intervals.total(merged[name]) for name in names}
    amount: dict[str, float] = {
        name: (seconds[name] if basis == "speaking_time" else float(words.get(name, 0)))
        for name in names
    }
    total_amount = sum(amount.values())
    equal_share = 1.0 / len(names) if names and basis else None

    turn_counts: dict[str, int] = defaultdict(int)
    longest_s: dict[str, float] = {}
    longest_words: dict[str, int] = defaultdict(int)
    for turn in turns:
        turn_counts[turn.speaker] += 1
        if turn.duration_s is not None:
            longest_s[turn.speaker] = max(longest_s.get(turn.speaker, 0.0), turn.duration_s)
        longest_words[turn.speaker] = max(longest_words[turn.speaker], turn.words)
    backchannel_counts: dict[str, int] = defaultdict(int)
    for utterance in meeting.utterances:
        if utterance.id in backchannels:
            backchannel_counts[utterance.speaker] += 1

    timed = basis == "speaking_time" or (meeting.is_timed and basis is None)
    speakers = []
    for name in names:
        share = amount[name] / total_amount if basis and total_amount > 0 else 0.0
        quiet = bool(equal_share is not None and share < QUIET_FRACTION * equal_share)
        speaking_s = seconds[name] if timed else None
        wpm = None
        if timed and has_text and seconds[name] > 0:
            wpm = words.get(name, 0) / (seconds[name] / 60.0)
        speakers.append(
            SpeakerTime(
                name=name,
                speaking_time_s=speaking_s,
                share=share,
                turns=turn_counts.get(name, 0),
                utterances=counts.get(name, 0),
                words=words.get(name, 0),
                words_per_minute=wpm,
                longest_turn_s=longest_s.get(name) if timed else None,
                longest_turn_words=longest_words.get(name, 0),
                first_contribution_s=first.get(name),
                backchannels=backchannel_counts.get(name, 0),
                quiet=quiet,
                spoke=name in spoken,
            )
        )

    values = [amount[name] for name in names]
    balance = Balance(
        basis=basis,
        present=len(names),
        equal_share=equal_share,
        gini=gini(values) if basis else None,
        entropy=normalised_entropy(values) if basis else None,
        quiet_voices=tuple(s.name for s in speakers if s.quiet),
    )
    windows = _windows(merged, window_s) if timed else ()
    return SpeakingAnalysis(
        basis=basis,
        speakers=tuple(speakers),
        balance=balance,
        windows=windows,
        turns=tuple(turns),
        backchannel_ids=backchannels,
        notes=tuple(notes),
        ordered=tuple(ordered),
    )


def _windows(merged: dict[str, list[intervals.Interval]], window_s: float) -> tuple[Window, ...]:
    """Talk per fixed window of the recording's clock (0-5 min, 5-10 min, ...), from the first
    window with speech to the last; each interval is split across the windows it spans."""
    seconds: dict[int, dict[str, float]] = defaultdict(dict)
    for name, spans in merged.items():
        for start, end in spans:
            index = int(start // window_s)
            while index * window_s < end:
                lo, hi = index * window_s, (index + 1) * window_s
                part = min(end, hi) - max(start, lo)
                if part > 0:
                    row = seconds[index]
                    row[name] = row.get(name, 0.0) + part
                index += 1
    if not seconds:
        return ()
    order = {name: position for position, name in enumerate(merged)}
    return tuple(
        Window(
            index * window_s,
            (index + 1) * window_s,
            dict(sorted(seconds.get(index, {}).items(), key=lambda item: order[item[0]])),
        )
        for index in range(min(seconds), max(seconds) + 1)
    )
