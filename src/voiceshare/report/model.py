"""`MeetingReport`: everything measured about one meeting, ready for any renderer.

Analyses fill it; renderers (JSON, Markdown, later HTML and CSV) only read it. `to_dict` is the
versioned JSON schema other tools rely on: add keys freely, never rename or remove one without
raising the major version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from voiceshare.language.dialog import Credit, Dismissal, Echo, Invitation

SCHEMA_VERSION = "1.3.0"

Status = Literal["measured", "not_run", "not_measurable"]


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    id: str
    title: str
    source: str | None
    date: dt.date | None
    duration_s: float | None
    format: str
    timed: bool
    utterance_count: int
    attendees: tuple[str, ...] = ()
    # Who told the speakers apart when a machine did: "machine" for a speech recogniser's
    # speaker labels, or the audio diarization backend ("builtin", "pyannote"); None otherwise.
    diarization: str | None = None


@dataclass(frozen=True, slots=True)
class SpeakerReport:
    """Per person. Counts from analyses that did not run stay 0 (see `MeetingReport.analyses`)."""

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
    interruptions_made: int = 0
    interruptions_received: int = 0
    questions_asked: int = 0
    questions_unanswered: int = 0
    dismissals_received: int = 0
    dismissals_made: int = 0
    # Interruptions per 10 minutes of this person's own speaking time (None: no speaking time).
    interruptions_made_per_10min: float | None = None
    interruptions_received_per_10min: float | None = None
    unsuccessful_interruptions_made: int = 0
    talked_over: int = 0
    backchannels_received: int = 0
    overlap_s: float | None = None
    questions_answered: int = 0
    invitations_received: int = 0
    invitations_made: int = 0
    hedged_openers: int = 0
    acknowledgements_received: int = 0
    credit_received: int = 0
    # Ideas this person put forward that someone else restated without naming them.
    ideas_echoed_without_credit: int = 0


@dataclass(frozen=True, slots=True)
class BalanceReport:
    basis: str | None
    present: int
    equal_share: float | None
    gini: float | None
    entropy: float | None
    quiet_voices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UtteranceReport:
    id: str
    speaker: str
    start_s: float | None
    end_s: float | None
    text: str
    backchannel: bool = False
    acts: tuple[str, ...] = ()
    answered_by: str | None = None
    interrupted_by: str | None = None
    # Set on an utterance whose speaker tried to come in and was talked over by this person.
    talked_over_by: str | None = None
    question_type: str | None = None
    addressee: str | None = None
    # Word timings from the source, as `[text, start_s, end_s]` triples (empty when it has none).
    words: tuple[tuple[str, float | None, float | None], ...] = ()


@dataclass(frozen=True, slots=True)
class WindowReport:
    start_s: float
    end_s: float
    seconds: dict[str, float]
    shares: dict[str, float]


@dataclass(frozen=True, slots=True)
class InterruptionReport:
    """`interrupter` cut off `interrupted`'s utterance `utterance_id` (or tried to, when
    `successful` is false), at `time_s`; `evidence` says why in plain words."""

    time_s: float | None
    interrupter: str
    interrupted: str
    utterance_id: str
    interrupter_utterance_id: str
    successful: bool
    evidence: tuple[str, ...]
    score: float


@dataclass(frozen=True, slots=True)
class QuestionReport:
    """A question, who it was put to (when a name was used), and who answered it, how fast.

    `time_s` is when the question starts: its own first word when it is inside a longer
    utterance (`text` is then set), else the utterance's start."""

    utterance_id: str
    asker: str
    time_s: float | None
    question_type: str
    addressee: str | None
    answered_by: str | None
    answer_utterance_id: str | None
    answer_delay_s: float | None
    # The question's own words when the utterance holds more (a cue of several sentences).
    text: str | None = None


@dataclass(frozen=True, slots=True)
class AnalysisStatus:
    """Whether an analysis ran on this meeting, and if not, why, in plain words."""

    name: str
    status: Status
    note: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """A plain-language finding with the utterances (or people) that support it."""

    kind: str
    text: str
    speakers: tuple[str, ...] = ()
    utterance_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MeetingReport:
    meeting: MeetingInfo
    speakers: tuple[SpeakerReport, ...]
    balance: BalanceReport
    utterances: tuple[UtteranceReport, ...]
    windows: tuple[WindowReport, ...] = ()
    interruptions: tuple[InterruptionReport, ...] = ()
    # interrupter -> interrupted -> count (successful and unsuccessful together)
    interruption_matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    questions: tuple[QuestionReport, ...] = ()
    dismissals: tuple[Dismissal, ...] = ()
    credits: tuple[Credit, ...] = ()
    echoes: tuple[Echo, ...] = ()
    invitations: tuple[Invitation, ...] = ()
    analyses: tuple[AnalysisStatus, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    pseudonymised: bool = False
    generator: str = field(default="")

    def speaker(self, name: str) -> SpeakerReport:
        for speaker in self.speakers:
            if speaker.name == name:
                return speaker
        raise KeyError(name)

    def status(self, analysis: str) -> AnalysisStatus | None:
        for status in self.analyses:
            if status.name == analysis:
                return status
        return None

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, `schema_version` first; floats rounded to 4 decimals."""
        return _rounded(self._raw_dict())  # type: ignore[no-any-return]

    def _raw_dict(self) -> dict[str, Any]:
        meeting = asdict(self.meeting)
        meeting["date"] = self.meeting.date.isoformat() if self.meeting.date else None
        meeting["attendees"] = list(self.meeting.attendees)
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": self.generator,
            "meeting": meeting,
            "speakers": [asdict(s) for s in self.speakers],
            "balance": {**asdict(self.balance), "quiet_voices": list(self.balance.quiet_voices)},
            "windows": [asdict(w) for w in self.windows],
            "utterances": [
                {**asdict(u), "acts": list(u.acts), "words": [list(w) for w in u.words]}
                for u in self.utterances
            ],
            "interruptions": [
                {**asdict(i), "evidence": list(i.evidence)} for i in self.interruptions
            ],
            "interruption_matrix": self.interruption_matrix,
            "questions": [asdict(q) for q in self.questions],
            "dismissals": [asdict(d) for d in self.dismissals],
            "credits": [asdict(c) for c in self.credits],
            "echoes": [asdict(e) for e in self.echoes],
            "invitations": [asdict(i) for i in self.invitations],
            "analyses": {a.name: {"status": a.status, "note": a.note} for a in self.analyses},
            "findings": [
                {**asdict(f), "speakers": list(f.speakers), "utterance_ids": list(f.utterance_ids)}
                for f in self.findings
            ],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            "pseudonymised": self.pseudonymised,
        }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value
