"""Diarization error rate (pyannote.metrics) of a diarizer against a reference.

The reference is any timed transcript voiceshare reads (RTTM, STM, CHAT with per-line times,
WebVTT...): each timed utterance is a reference turn for its speaker. DER = (missed speech +
false alarm + speaker confusion) / reference speech, scored over the whole recording."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from voiceshare.audio.turns import Diarization
from voiceshare.errors import ConfigError, MissingExtraError
from voiceshare.model import UNIDENTIFIED_SPEAKER, Meeting


@dataclass(frozen=True)
class DiarizationScore:
    """DER and its components, as shares of the reference speech time."""

    der: float
    missed: float
    false_alarm: float
    confusion: float
    reference_speech_s: float
    reference_speakers: int
    hypothesis_speakers: int
    collar_s: float
    skip_overlap: bool

    def as_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)


def reference_turns(meeting: Meeting) -> list[tuple[float, float, str]]:
    """(start, end, speaker) of every timed utterance of a reference transcript."""
    turns = [
        (u.start_s, u.end_s, u.speaker)
        for u in meeting.utterances
        if u.start_s is not None
        and u.end_s is not None
        and u.end_s > u.start_s
        and u.speaker != UNIDENTIFIED_SPEAKER
    ]
    if not turns:
        raise ConfigError(f"The reference {meeting.source or meeting.id} has no timed turns.")
    return turns


def score(
    hypothesis: Diarization,
    reference: list[tuple[float, float, str]],
    collar_s: float = 0.0,
    skip_overlap: bool = False,
) -> DiarizationScore:
    """Score `hypothesis` against reference turns over [0, the recording's duration]."""
    try:
        from pyannote.core import Annotation, Segment
        from pyannote.metrics.diarization import DiarizationErrorRate
    except ImportError:
        raise MissingExtraError("Diarization evaluation", "audio") from None

    ref, hyp = Annotation(), Annotation()
    for start, end, speaker in reference:
        ref[Segment(start, end)] = speaker
    for turn in hypothesis.turns:
        hyp[Segment(turn.start_s, turn.end_s)] = turn.speaker
    end = max(hypothesis.duration_s, max(e for _, e, _ in reference))
    metric = DiarizationErrorRate(collar=collar_s, skip_overlap=skip_overlap)
    detail = metric(ref, hyp, detailed=True, uem=Segment(0.0, end))
    total = float(detail["total"]) or 1.0
    return DiarizationScore(
        der=float(detail["diarization error rate"]),
        missed=float(detail["missed detection"]) / total,
        false_alarm=float(detail["false alarm"]) / total,
        confusion=float(detail["confusion"]) / total,
        reference_speech_s=float(detail["total"]),
        reference_speakers=len(ref.labels()),
        hypothesis_speakers=len(hyp.labels()),
        collar_s=collar_s,
        skip_overlap=skip_overlap,
    )


def score_file(
    hypothesis: Diarization, reference: Path, collar_s: float = 0.0, skip_overlap: bool = False
) -> DiarizationScore:
    from voiceshare.readers import read_meeting

    return score(hypothesis, reference_turns(read_meeting(reference)), collar_s, skip_overlap)
