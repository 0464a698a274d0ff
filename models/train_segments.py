"""Train the raw-text unit boundary model (models/segments.json) on the ICSI MRDA train split.

Every speaker's consecutive units (a turn, as raw speech recognition often returns it) are
joined into one run of words, lower case and without punctuation; every gap between two words
of a run is an example, a boundary when the annotators ended a dialog-act unit there. Features
(`voiceshare.language.segments.boundary_features`): the words on either side and the pause
between them from the transcript's word times. Each run is seen twice, with its pauses and
without them (pause unknown), so the model also serves transcripts with no word times.
L2-regularised logistic regression (scikit-learn, at training time only); features seen fewer
than `MIN_COUNT` times are dropped, and so are weights under `MIN_WEIGHT`. The regularisation
and the threshold are chosen for boundary F1 on the last `HOLD_OUT` train meetings after
fitting on the others; the model is then refitted on all the train meetings. The validation
split is never seen here.

Usage: .venv/bin/python models/train_segments.py [--mrda ../shared/data/mrda]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from voiceshare.evaluation.acts import speaker_runs
from voiceshare.evaluation.mrda import load_meeting, meeting_ids
from voiceshare.language.segments import boundary_features, normalise

HERE = Path(__file__).resolve().parent
HOLD_OUT = 10
MIN_COUNT = 3
STRENGTHS = (0.1, 0.3, 1.0)
# Smaller weights are dropped from the shipped file (they change no decision measurably).
MIN_WEIGHT = 0.05

Example = tuple[list[str], int]


def runs_of(root: Path, meeting_id: str) -> list[tuple[list[str], list[float | None], set[int]]]:
    """The meeting's turns as (words, pause after each word, gaps that end a unit)."""
    meeting, _ = load_meeting(root, meeting_id, punctuation=False)
    runs = []
    for turn in speaker_runs(meeting.utterances):
        words: list[str] = []
        ends: list[float | None] = []
        starts: list[float | None] = []
        boundaries: set[int] = set()
        for utterance in turn:
            for word in utterance.words:
                token = normalise(word.text)
                if token:
                    words.append(token)
                    starts.append(word.start_s)
                    ends.append(word.end_s)
            if words:
                boundaries.add(len(words) - 1)
        boundaries.discard(len(words) - 1)
        pauses: list[float | None] = [
            None if ends[k] is None or starts[k + 1] is None else max(0.0, starts[k + 1] - ends[k])  # type: ignore[operator]
            for k in range(len(words) - 1)
        ]
        if len(words) > 1:
            runs.append((words, pauses, boundaries))
    return runs


def examples(root: Path, meetings: list[str]) -> list[Example]:
    found: list[Example] = []
    for meeting_id in meetings:
        for words, pauses, boundaries in runs_of(root, meeting_id):
            untimed = [None] * len(pauses)
            for gap in range(len(words) - 1):
                label = int(gap in boundaries)
                found.append((boundary_features(words, pauses, gap), label))
                found.append((boundary_features(words, untimed, gap), label))
        print(f"  {meeting_id}: {len(found)} examples so far", file=sys.stderr)
    return found


def matrix(data: list[Example], vocabulary: dict[str, int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    rows, columns = [], []
    for row, (features, _) in enumerate(data):
        for feature in features:
            column = vocabulary.get(feature)
            if column is not None:
                rows.append(row)
                columns.append(column)
    x = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)),
        shape=(len(data), len(vocabulary)),
    )
    return x, np.array([label for _, label in data])


def vocabulary_of(data: list[Example]) -> dict[str, int]:
    counts = Counter(feature for features, _ in data for feature in features)
    kept = sorted(feature for feature, count in counts.items() if count >= MIN_COUNT)
    return {feature: column for column, feature in enumerate(kept)}


def fitted(x: sparse.csr_matrix, y: np.ndarray, strength: float) -> LogisticRegression:
    model = LogisticRegression(C=strength, fit_intercept=False, solver="liblinear", max_iter=200)
    return model.fit(x, y)


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """The threshold with the best boundary F1, and its precision, recall and F1."""
    best = (0.5, 0.0, 0.0, 0.0)
    for threshold in np.arange(0.1, 0.9, 0.02):
        predicted = scores >= threshold
        tp = float(np.sum(predicted & (y == 1)))
        precision = tp / max(1.0, float(np.sum(predicted)))
        recall = tp / max(1.0, float(np.sum(y == 1)))
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[3]:
            best = (float(round(threshold, 2)), precision, recall, f1)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mrda", type=Path, default=HERE.parent.parent / "shared" / "data" / "mrda"
    )
    parser.add_argument("--out", type=Path, default=HERE / "segments.json")
    args = parser.parse_args()
    meetings = meeting_ids(args.mrda, "train")
    fit_on, held_out = meetings[:-HOLD_OUT], meetings[-HOLD_OUT:]
    print("collecting the train split", file=sys.stderr)
    fit_data, tune_data = examples(args.mrda, fit_on), examples(args.mrda, held_out)
    vocabulary = vocabulary_of(fit_data)
    x_fit, y_fit = matrix(fit_data, vocabulary)
    # Tuned on the timed copy of the held-out runs (even rows) and checked on the untimed one.
    x_tune, y_tune = matrix(tune_data, vocabulary)
    best: tuple[float, float, float, float, float] | None = None
    for strength in STRENGTHS:
        model = fitted(x_fit, y_fit, strength)
        scores = model.predict_proba(x_tune[0::2])[:, 1]
        threshold, precision, recall, f1 = best_threshold(scores, y_tune[0::2])
        untimed = model.predict_proba(x_tune[1::2])[:, 1] >= threshold
        tp = float(np.sum(untimed & (y_tune[1::2] == 1)))
        u_p = tp / max(1.0, float(np.sum(untimed)))
        u_r = tp / max(1.0, float(np.sum(y_tune[1::2] == 1)))
        print(
            f"C={strength}: held-out boundary P {precision:.3f} R {recall:.3f} F1 {f1:.3f} "
            f"at {threshold} (untimed P {u_p:.3f} R {u_r:.3f} "
            f"F1 {2 * u_p * u_r / max(1e-9, u_p + u_r):.3f})",
            file=sys.stderr,
        )
        if best is None or f1 > best[4]:
            best = (strength, threshold, precision, recall, f1)
    assert best is not None
    strength, threshold, precision, recall, f1 = best
    everything = fit_data + tune_data
    vocabulary = vocabulary_of(everything)
    x_all, y_all = matrix(everything, vocabulary)
    model = fitted(x_all, y_all, strength)
    weights = {
        feature: round(float(weight), 4)
        for feature, weight in zip(vocabulary, model.coef_[0], strict=True)
        if abs(weight) >= MIN_WEIGHT
    }
    document = {
        "name": "voiceshare raw-text unit boundary model",
        "version": 1,
        "trained": dt.date.today().isoformat(),
        "data": "ICSI MRDA train split (CC BY 4.0, International Computer Science Institute)",
        "model": {
            "weights": weights,
            "threshold": threshold,
            "train": {
                "gaps": len(everything) // 2,
                "strength": strength,
                "held_out_boundary": {
                    "meetings": HOLD_OUT,
                    "precision": round(precision, 4),
                    "recall": round(recall, 4),
                    "f1": round(f1, 4),
                },
            },
        },
    }
    args.out.write_text(json.dumps(document, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(weights)} weights", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
