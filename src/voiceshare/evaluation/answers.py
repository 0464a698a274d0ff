"""The answered-question predictors the acts evaluation scores.

`predict_answers(meeting)` runs `voiceshare.analysis.analyze` exactly as on a user's
transcript and returns, for every utterance, who answered it (None for questions nobody
answered and for utterances it did not take for questions), so question-detection errors
count against it too.

`predict_answers_given(meeting, questions)` runs the same language analysis with the
annotated questions taken as the questions (as the answered-question model is trained), so
the answer decision is measured on its own, on the same footing as the baseline.
"""

from __future__ import annotations

from collections.abc import Collection

from voiceshare.analysis import analyze, language_of
from voiceshare.metrics.speaking import measure_speaking
from voiceshare.model import Meeting


def predict_answers(meeting: Meeting, tier: str | None = None) -> dict[str, str | None]:
    report = analyze(meeting, tier=tier)
    return {u.id: u.answered_by for u in report.utterances}


def predict_answers_given(
    meeting: Meeting, questions: Collection[str], tier: str | None = None
) -> dict[str, str | None]:
    language = language_of(
        measure_speaking(meeting),
        questions=questions,
        tier=tier,
        machine_diarized=meeting.machine_diarized,
    )
    return {uid: acts.answered_by for uid, acts in language.utterances.items()}
