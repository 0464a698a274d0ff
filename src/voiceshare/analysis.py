"""The pipeline from a `Meeting` to a `MeetingReport`: run the analyses, assemble the result."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from voiceshare import __version__
from voiceshare.metrics.speaking import SpeakingAnalysis, measure_speaking
from voiceshare.model import Meeting
from voiceshare.report.findings import speaking_findings
from voiceshare.report.model import (
    AnalysisStatus,
    BalanceReport,
    MeetingInfo,
    MeetingReport,
    SpeakerReport,
    UtteranceReport,
    WindowReport,
)

# Analyses later stages add; until then the report says plainly that they were not run.
_NOT_YET = {
    "interruptions": "Interruption detection is not part of this version yet.",
    "questions": "Question and answer detection is not part of this version yet.",
    "dismissals": "Dismissal detection is not part of this version yet.",
    "credit": "Support, credit and echo detection is not part of this version yet.",
}


def analyze(meeting: Meeting, attendees: Iterable[str] = ()) -> MeetingReport:
    """Measure `meeting` and return its report. `attendees` adds people who were present."""
    speaking = measure_speaking(meeting, attendees)
    # The report's speaker rows start as the speaking-time figures; later analyses add counts.
    speakers = tuple(SpeakerReport(**asdict(s)) for s in speaking.speakers)
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
            words=tuple((w.text, w.start_s, w.end_s) for w in u.words),
        )
        for u in meeting.utterances
    )
    windows = tuple(
        WindowReport(w.start_s, w.end_s, dict(w.seconds), w.shares) for w in speaking.windows
    )
    analyses = (
        _speaking_status(speaking),
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
        analyses=analyses,
        findings=tuple(speaking_findings(speakers, balance)),
        notes=speaking.notes,
        warnings=meeting.warnings,
        generator=f"voiceshare {__version__}",
    )


def _speaking_status(speaking: SpeakingAnalysis) -> AnalysisStatus:
    if speaking.basis is None:
        return AnalysisStatus("speaking_time", "not_measurable", " ".join(speaking.notes))
    if speaking.basis == "words":
        return AnalysisStatus("speaking_time", "measured", "Shares are by words spoken.")
    return AnalysisStatus("speaking_time", "measured", "Shares are by speaking time.")
