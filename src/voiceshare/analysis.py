"""The pipeline from a `Meeting` to a `MeetingReport`: run the analyses, assemble the result."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import asdict, replace

from voiceshare import __version__
from voiceshare.errors import MissingExtraError
from voiceshare.language.dialog import LanguageAnalysis, analyze_language
from voiceshare.language.text import straight_quotes
from voiceshare.metrics.interruptions import (
    InterruptionAnalysis,
    analyze_interruptions,
    uses_punctuation,
    writes_sentences,
)
from voiceshare.metrics.speaking import SpeakingAnalysis, measure_speaking
from voiceshare.model import Meeting
from voiceshare.report.findings import (
    interruption_findings,
    language_findings,
    lead_findings,
    speaking_findings,
)
from voiceshare.report.model import (
    AnalysisStatus,
    BalanceReport,
    InterruptionReport,
    MeetingInfo,
    MeetingReport,
    QuestionReport,
    SpeakerReport,
    Status,
    UtteranceReport,
    WindowReport,
)

_LANGUAGE_ANALYSES = ("questions", "dismissals", "credit")


def analyze(
    meeting: Meeting, attendees: Iterable[str] = (), tier: str | None = None
) -> MeetingReport:
    """Measure `meeting` and return its report. `attendees` adds people who were present;
    `tier` chooses the dialog-act tier (None: the accurate one when installed)."""
    speaking = measure_speaking(meeting, attendees)
    # The report's speaker rows start as the speaking-time figures; later analyses add counts.
    speakers = tuple(SpeakerReport(**asdict(s)) for s in speaking.speakers)
    interruptions = analyze_interruptions(
        speaking.ordered,
        speaking.backchannel_ids,
        meeting.is_timed,
        machine_diarized=meeting.machine_diarized,
    )
    speakers = _with_interruption_counts(speakers, interruptions)
    interruption_rows = tuple(InterruptionReport(**asdict(i)) for i in interruptions.interruptions)
    interrupted_by = {i.utterance_id: i.interrupter for i in interruptions.interruptions}
    talked_over_by = {
        i.interrupter_utterance_id: i.interrupted
        for i in interruptions.interruptions
        if not i.successful
    }
    language, language_problem = _language(meeting, speaking, tier)
    acts = language.utterances if language else {}
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
            acts=acts[u.id].acts if u.id in acts else (),
            answered_by=acts[u.id].answered_by if u.id in acts else None,
            question_type=acts[u.id].question_type if u.id in acts else None,
            addressee=acts[u.id].addressee if u.id in acts else None,
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
        *_language_statuses(language, language_problem),
    )
    questions = tuple(
        QuestionReport(
            utterance_id=u.id,
            asker=u.speaker,
            time_s=u.start_s
            if acts[u.id].question_start_s is None
            else acts[u.id].question_start_s,
            question_type=acts[u.id].question_type or "yes_no",
            addressee=acts[u.id].addressee,
            answered_by=acts[u.id].answered_by,
            answer_utterance_id=acts[u.id].answer_utterance_id,
            answer_delay_s=acts[u.id].answer_delay_s,
            text=acts[u.id].question_text,
        )
        for u in meeting.utterances
        if u.id in acts and "question" in acts[u.id].acts
    )
    if language is not None:
        speakers = _with_language_counts(speakers, language, questions)
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
            diarization=meeting.metadata.get("diarization"),
        ),
        speakers=speakers,
        balance=balance,
        utterances=utterances,
        windows=windows,
        interruptions=interruption_rows,
        interruption_matrix=_matrix(interruptions),
        questions=questions,
        dismissals=language.dismissals if language else (),
        credits=language.credits if language else (),
        echoes=language.echoes if language else (),
        invitations=language.invitations if language else (),
        analyses=analyses,
        findings=lead_findings(
            [
                *speaking_findings(speakers, balance),
                *interruption_findings(speakers, interruption_rows),
                *language_findings(speakers, questions, language),
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


def _language(
    meeting: Meeting, speaking: SpeakingAnalysis, tier: str | None = None
) -> tuple[LanguageAnalysis | None, str | None]:
    """The language analysis, or None and why it could not run."""
    if not any(u.text for u in meeting.utterances):
        return None, "The source has no words, so what was said cannot be analysed."
    if meeting.metadata.get("speakers") == "unidentified":
        return (
            None,
            "The source does not say who is speaking, so who answered or dismissed "
            "whom cannot be measured.",
        )
    try:
        analysis = language_of(speaking, tier=tier, machine_diarized=meeting.machine_diarized)
    except MissingExtraError as exc:
        return None, str(exc)
    return analysis, None


def language_of(
    speaking: SpeakingAnalysis,
    questions: Collection[str] | None = None,
    tier: str | None = None,
    machine_diarized: bool = False,
) -> LanguageAnalysis:
    """`analyze_language` over a measured meeting; `questions` (utterance ids) overrides which
    utterances are taken for questions (the evaluation's answer decision on gold questions);
    `machine_diarized` as `analyze_language` takes it."""
    punctuated, note = _question_marks(speaking)
    analysis = analyze_language(
        speaking.ordered,
        speaking.backchannel_ids,
        [s.name for s in speaking.speakers],
        punctuated,
        questions=questions,
        tier=tier,
        machine_diarized=machine_diarized,
    )
    if note is None and not punctuated and analysis.tier in RAW_QUESTIONS_MEASURED:
        note = RAW_QUESTIONS_NOTE
    return replace(analysis, notes=(*analysis.notes, note)) if note else analysis


# How well the trained tiers find questions in text without punctuation, measured by
# `voiceshare eval acts --no-punctuation` on the MRDA validation meetings (2026-11-29): recall
# 0.578 fast / 0.595 accurate, precision 0.69 / 0.81; punctuated, F1 0.996 for both.
# `tests/test_acts.py` checks these words against the models on three of those meetings.
RAW_QUESTIONS_MEASURED = ("fast", "accurate")
RAW_QUESTIONS_NOTE = (
    "The transcript has no punctuation (raw speech recognition), so questions were found "
    "from their words and context alone: on the ICSI meetings without punctuation the models "
    "find about 6 in 10 of the questions, and 7 or 8 in 10 of what they take for questions "
    "are questions (with punctuation, over 99%). Check the questions listed against what was "
    "said."
)


# How far to trust the answers and dismissals a trained tier reports, as measured by
# `voiceshare eval acts` on the MRDA validation meetings (2026-11-30, both tiers, with and
# without punctuation): answered or not, given the annotated questions, 0.729-0.760 agreement
# with the annotators; refusals (rejections) precision 0.66-0.73, recall 0.55-0.66. Moving on
# and credit have no annotations to be measured against. `tests/test_acts.py` checks these
# words against the models on three of those meetings.
MEASURED_TIERS = ("fast", "accurate")
MEASURED_NOTES = {
    "questions": "On the ICSI meetings, voiceshare's call of answered or unanswered matched "
    "the annotators' for about 3 in 4 questions: check an unanswered question against what "
    "was said before following it up.",
    "dismissals": "On the ICSI meetings, about 7 in 10 of the refusals the models report are "
    "marked as refusals by the annotators, and the models find between half and two thirds "
    "of those the annotators marked; moving on and credit have no annotations to be measured "
    "against. Read each dismissal listed before acting on it.",
    "credit": "Acknowledgements, credit and echoes have no annotations to be measured "
    "against: read each one listed before acting on it.",
}


# A punctuated transcript this long with no question mark at all does not mark its questions
# (some CHAT corpora and caption exports end every line with a full stop): one in twelve
# utterances in the ICSI meetings is a question, and 100 without one happen by chance about
# once in 6,000 such meetings. A shorter one shows it when a question plain from its first
# words ("Did you read it.", "Have you any questions.") ends with a full stop.
NO_QUESTION_MARKS_AFTER = 100
_PLAIN_QUESTION = re.compile(
    # Openers, then an auxiliary and its subject, then more words ("So do I." is no question),
    # ending with a full stop. Not "had" ("Had I known...").
    r"^(?:(?:so|and|but|well|oh|er|erm|um|uh)\b\W*)*"
    r"(?:(?:(?:do|does|did|have|has|can|could|will|would|should|shall)(?:n't)?|can't|won't) "
    r"(?:you|i|we|they|he|she)|(?:is|are|was|were)(?:n't)? (?:you|we|they|he|she|it|that|there)"
    r"|am i)\b\W+\w[^?]*\.$",
    re.IGNORECASE,
)


def _question_marks(speaking: SpeakingAnalysis) -> tuple[bool, str | None]:
    """Whether the language analysis may read the transcript as punctuated, and why not when
    its full stops say it is but it never marks a question. A transcript is punctuated when
    its utterances end with end marks, or when sentences end inside them: a speech
    recogniser's speaker runs often stop mid-sentence (Amazon Transcribe's output for the
    earnings21 calls ends 0 to 7% of its turns with a mark, and has one every 15 to 18
    words)."""
    if not (uses_punctuation(speaking.ordered) or writes_sentences(speaking.ordered)):
        return False, None
    texts = [u.text.strip() for u in speaking.ordered if u.text.strip()]
    if any("?" in t or "\uff1f" in t for t in texts):
        return True, None
    if len(texts) >= NO_QUESTION_MARKS_AFTER:
        evidence = f"has no question mark in {len(texts):,} utterances"
    else:
        plain = next((t for t in texts if _PLAIN_QUESTION.match(straight_quotes(t))), None)
        if plain is None:
            return True, None
        evidence = f'has no question mark, not even in "{_shortened(plain)}"'
    return False, (
        f"The transcript ends its sentences with full stops but {evidence}, so questions were "
        "found from their wording and context, as in unpunctuated speech."
    )


def _shortened(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _language_statuses(
    language: LanguageAnalysis | None, problem: str | None
) -> tuple[AnalysisStatus, ...]:
    if language is None:
        status: Status = "not_run" if problem and "install" in problem else "not_measurable"
        return tuple(AnalysisStatus(name, status, problem or "") for name in _LANGUAGE_ANALYSES)
    note = " ".join(language.notes)
    measured = MEASURED_NOTES if language.tier in MEASURED_TIERS else {}
    return tuple(
        AnalysisStatus(name, "measured", " ".join(filter(None, (note, measured.get(name)))))
        for name in _LANGUAGE_ANALYSES
    )


def _with_language_counts(
    speakers: tuple[SpeakerReport, ...],
    language: LanguageAnalysis,
    questions: tuple[QuestionReport, ...],
) -> tuple[SpeakerReport, ...]:
    asked = Counter(q.asker for q in questions)
    # Rhetorical questions expect no answer; they never count as unanswered.
    unanswered = Counter(
        q.asker for q in questions if q.answered_by is None and q.question_type != "rhetorical"
    )
    answered = Counter(q.answered_by for q in questions if q.answered_by)
    dismissed = Counter(d.dismissed for d in language.dismissals)
    dismissing = Counter(d.by for d in language.dismissals)
    invited = Counter(i.to for i in language.invitations)
    inviting = Counter(i.by for i in language.invitations)
    acknowledged = Counter(c.to for c in language.credits if c.kind == "acknowledgement")
    credited = Counter(c.to for c in language.credits if c.kind == "credit")
    echoed = Counter(e.original_speaker for e in language.echoes if not e.credited)
    return tuple(
        replace(
            s,
            questions_asked=asked[s.name],
            questions_unanswered=unanswered[s.name],
            questions_answered=answered[s.name],
            dismissals_received=dismissed[s.name],
            dismissals_made=dismissing[s.name],
            invitations_received=invited[s.name],
            invitations_made=inviting[s.name],
            hedged_openers=language.hedges.get(s.name, 0),
            acknowledgements_received=acknowledged[s.name],
            credit_received=credited[s.name],
            ideas_echoed_without_credit=echoed[s.name],
        )
        for s in speakers
    )
