"""The answered-question predictor the acts evaluation scores: the full analysis, end to end.

`predict_answers(meeting)` runs `voiceshare.analysis.analyze` exactly as on a user's
transcript and returns, for every utterance, who answered it (None for questions nobody
answered and for utterances it did not take for questions), so question-detection errors
count against it too.
"""

from __future__ import annotations

from voiceshare.analysis import analyze
from voiceshare.model import Meeting


def predict_answers(meeting: Meeting) -> dict[str, str | None]:
    report = analyze(meeting)
    return {u.id: u.answered_by for u in report.utterances}
