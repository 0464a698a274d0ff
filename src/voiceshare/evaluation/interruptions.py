"""Score the interruption analysis against the MRDA annotators' 'interrupted' marks.

Each meeting runs through `voiceshare.analysis.analyze` exactly as a user's transcript does.
A unit counts as predicted 'interrupted' when the analysis says another speaker cut it off: it
is the interrupted utterance of a successful interruption, or the utterance of someone who was
talked over. Gold: labels with the `%-` disruption form (`%--`, abandoned by the speaker, is
not an interruption). The two simple baselines from the issue run on the same meetings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voiceshare.analysis import analyze
from voiceshare.evaluation.mrda import GoldUnit, load_meeting, meeting_ids
from voiceshare.language.endings import cut_off_mark
from voiceshare.model import Meeting, Utterance
from voiceshare.report.model import MeetingReport

# How soon after an utterance another speaker must start for the cut-off-mark baseline.
BASELINE_GAP_S = 0.5


@dataclass
class Score:
    """Precision, recall and F1 from counts."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.true_positives += len(predicted & gold)
        self.false_positives += len(predicted - gold)
        self.false_negatives += len(gold - predicted)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        relevant = self.true_positives + self.false_negatives
        return self.true_positives / relevant if relevant else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
        }


@dataclass
class InterruptionEval:
    split: str
    punctuation: bool
    meetings: int = 0
    units: int = 0
    interrupted: int = 0
    voiceshare: Score = field(default_factory=Score)
    baselines: dict[str, Score] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "task": "interruptions",
            "split": self.split,
            "punctuation": self.punctuation,
            "meetings": self.meetings,
            "units": self.units,
            "interrupted_units": self.interrupted,
            "voiceshare": self.voiceshare.as_dict(),
            "baselines": {name: score.as_dict() for name, score in self.baselines.items()},
        }


def predicted_cut_off(report: MeetingReport) -> set[str]:
    """Units the analysis says another speaker cut off."""
    cut = {u.id for u in report.utterances if u.talked_over_by is not None}
    cut |= {i.utterance_id for i in report.interruptions if i.successful}
    return cut


def _timeline(meeting: Meeting) -> list[Utterance]:
    return sorted(meeting.utterances, key=lambda u: u.start_s or 0.0)


def baseline_overlap(meeting: Meeting) -> set[str]:
    """'Another speaker starts before the end.'"""
    ordered = _timeline(meeting)
    found = set()
    for index, u in enumerate(ordered):
        for v in ordered[index + 1 :]:
            if (v.start_s or 0.0) >= (u.end_s or 0.0):
                break
            if v.speaker != u.speaker and (v.start_s or 0.0) > (u.start_s or 0.0):
                found.add(u.id)
                break
    return found


def baseline_cut_off_mark(meeting: Meeting) -> set[str]:
    """'Ends with a cut-off mark and another speaker starts' (before it ends, or within
    BASELINE_GAP_S after)."""
    ordered = _timeline(meeting)
    found = set()
    for index, u in enumerate(ordered):
        if not cut_off_mark(u.text):
            continue
        for v in ordered[index + 1 :]:
            if (v.start_s or 0.0) > (u.end_s or 0.0) + BASELINE_GAP_S:
                break
            if v.speaker != u.speaker and (v.start_s or 0.0) > (u.start_s or 0.0):
                found.add(u.id)
                break
    return found


BASELINES: dict[str, Callable[[Meeting], set[str]]] = {
    "another speaker starts before the end": baseline_overlap,
    "cut-off mark and another speaker starts": baseline_cut_off_mark,
}


def evaluate(
    root: Path,
    split: str = "val",
    punctuation: bool = True,
    meetings: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> InterruptionEval:
    """Run the analysis on every meeting of `split` and score it (and the baselines)."""
    result = InterruptionEval(split=split, punctuation=punctuation)
    result.baselines = {name: Score() for name in BASELINES}
    for meeting_id in meetings or meeting_ids(root, split):
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        if progress is not None:
            progress(meeting_id)
        gold_set = _interrupted(gold.values())
        result.meetings += 1
        result.units += len(gold)
        result.interrupted += len(gold_set)
        result.voiceshare.add(predicted_cut_off(analyze(meeting)), gold_set)
        for name, baseline in BASELINES.items():
            result.baselines[name].add(baseline(meeting), gold_set)
    return result


def _interrupted(units: Iterable[GoldUnit]) -> set[str]:
    return {unit.id for unit in units if unit.interrupted}


def format_text(result: InterruptionEval) -> str:
    """A small plain-text table of the figures."""
    variant = "with punctuation" if result.punctuation else "without punctuation (raw ASR style)"
    lines = [
        f"Interruptions on MRDA {result.split} ({result.meetings} meetings, {result.units} "
        f"units, {result.interrupted} interrupted), {variant}",
        f"{'method':<42}{'precision':>10}{'recall':>8}{'F1':>7}",
    ]
    rows = [("voiceshare", result.voiceshare), *result.baselines.items()]
    for name, score in rows:
        lines.append(f"{name:<42}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>7.3f}")
    return "\n".join(lines)
