"""The pipeline from a `Meeting` to a `MeetingReport`: run the analyses, assemble the result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, replace

from voiceshare import __version__
from voiceshare.metrics.interruptions import InterruptionAnalysis, analyze_interruptions
from voiceshare.metrics.speaking import SpeakingAnalysis, measure_speaking
from voiceshare.model import Meeting
from voiceshare.report.findings import interruption_findings, lead_findings, speaking_findings
from voiceshare.report.model import (
    AnalysisStatus,
    BalanceReport,
    InterruptionReport,
    MeetingInfo,
    MeetingReport,
    SpeakerReport,
    UtteranceReport,
    WindowReport,
)

# Analyses later stages add; until then the report says plainly that they were not run.
_NOT_YET = {
    "questions": "Question and answer detection is not part of this version yet.",
    "dismissals": "Dismissal detection is not part of this version yet.",
    "credit": "Support, credit and echo detection is not part of this version yet.",
}


def analyze(meeting: Meeting, attendees: Iterable[str] = ()) -> MeetingReport:
    """Measure `meeting` and return its report. `attendees` adds people who were present."""
    speaking = measure_speaking(meeting, attendees)
    # The report's speaker rows start as the speaking-time figures; later analyses add counts.
    speakers = tuple(SpeakerReport(**asdict(s)) for s in speaking.speakers)
    interruptions = analyze_interruptions(
        speaking.ordered, speaking.backchannel_ids, meeting.is_timed
    )
    speakers = _with_interruption_counts(speakers, interruptions)
    interruption_rows = tuple(InterruptionReport(**asdict(i)) for i in interruptions.interruptions)
    interrupted_by = {i.utterance_id: i.interrupter for i in interruptions.interruptions}
    talked_over_by = {
        i.interrupter_utterance_id: i.interrupted
        for i in interruptions.interruptions
        if not i.successful
    }
    b = speaking.balance
    balance = BalanceReport(b.basis, b.present, b.equal_share, b.gini, b.entropy, b.quiet_voices)
    utterances = tuple(
        UtteranceReport(
            id=u.id,
            speaker=u.speaker,
            start_s=u.start_s,
            end_s=u.end_s,
            text=u.text,
            backchannel=u.id in speaking.backchannel_ids,
            interrupted_by=interrupted_by.get(u.id),
            talked_over_by=talked_over_by.get(u.id),
            words=tuple((w.text, w.start_s, w.end_s) for w in u.words),
        )
        for u in meeting.utterances
    )
    windows = tuple(
        WindowReport(w.start_s, w.end_s, dict(w.seconds), w.shares) for w in speaking.windows
    )
    analyses = (
        _speaking_status(speaking),
        _interruption_status(interruptions),
        *tuple(AnalysisStatus(name, "not_run", note) for name, note in _NOT_YET.items()),
    )
    return MeetingReport(
        meeting=MeetingInfo(
            id=meeting.id,
            title=meeting.title,
            source=meeting.source,
            date=meeting.date,
            duration_s=meeting.duration_s,
            format=meeting.format,
            timed=meeting.is_timed,
            utterance_count=len(meeting.utterances),
            attendees=meeting.attendees,
        ),
        speakers=speakers,
        balance=balance,
        utterances=utterances,
        windows=windows,
        interruptions=interruption_rows,
        interruption_matrix=_matrix(interruptions),
        analyses=analyses,
        findings=lead_findings(
            [
                *speaking_findings(speakers, balance),
                *interruption_findings(speakers, interruption_rows),
            ]
        ),
        notes=speaking.notes + interruptions.notes,
        warnings=meeting.warnings,
        generator=f"voiceshare {__version__}",
    )


def _speaking_status(speaking: SpeakingAnalysis) -> AnalysisStatus:
    if speaking.basis is None:
        return AnalysisStatus("speaking_time", "not_measurable", " ".join(speaking.notes))
    if speaking.basis == "words":
        return AnalysisStatus("speaking_time", "measured", "Shares are by words spoken.")
    return AnalysisStatus("speaking_time", "measured", "Shares are by speaking time.")


def _per_10min(count: int, speaking_time_s: float | None) -> float | None:
    if not speaking_time_s:
        return None
    return count / (speaking_time_s / 600.0)


def _with_interruption_counts(
    speakers: tuple[SpeakerReport, ...], analysis: InterruptionAnalysis
) -> tuple[SpeakerReport, ...]:
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    for interruption in analysis.interruptions:
        made[interruption.interrupter] += 1
        received[interruption.interrupted] += 1
        if not interruption.successful:
            attempts[interruption.interrupter] += 1
    timed = analysis.evidence == "timing+text"
    return tuple(
        replace(
            s,
            interruptions_made=made[s.name],
            interruptions_received=received[s.name],
            interruptions_made_per_10min=_per_10min(made[s.name], s.speaking_time_s),
            interruptions_received_per_10min=_per_10min(received[s.name], s.speaking_time_s),
            unsuccessful_interruptions_made=attempts[s.name],
            talked_over=attempts[s.name],
            backchannels_received=analysis.backchannels_received.get(s.name, 0),
            overlap_s=analysis.overlap_s.get(s.name, 0.0) if timed else None,
        )
        for s in speakers
    )


def _matrix(analysis: InterruptionAnalysis) -> dict[str, dict[str, int]]:
    matrix: dict[str, dict[str, int]] = {}
    for interruption in analysis.interruptions:
        row = matrix.setdefault(interruption.interrupter, {})
        row[interruption.interrupted] = row.get(interruption.interrupted, 0) + 1
    return matrix


def _interruption_status(analysis: InterruptionAnalysis) -> AnalysisStatus:
    if analysis.evidence == "none":
        return AnalysisStatus("interruptions", "not_measurable", " ".join(analysis.notes))
    note = " ".join(analysis.notes) or "Found from timing and text."
    return AnalysisStatus("interruptions", "measured", note)
