"""Train the interruption model (models/interruptions.json) on the ICSI MRDA train split.

For every candidate (an utterance another speaker starts on, see
`voiceshare.metrics.interruptions.candidates`) it fits an L2-regularised logistic regression
from the timing and text features to the annotators' 'interrupted' mark (labels ending `%-`),
once on punctuated text and once on raw-ASR-like text, then picks the score threshold that
maximises F1 on the train split (every annotated interruption counts, including ones with no
candidate). The validation split is never seen here; `voiceshare eval interruptions` reports it.

Usage: .venv/bin/python models/train_interruptions.py [--mrda ../shared/data/mrda]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import math
import sys
from pathlib import Path

import numpy as np

from voiceshare.evaluation.mrda import load_meeting, meeting_ids
from voiceshare.metrics.backchannels import backchannel_ids
from voiceshare.metrics.interruptions import candidates
from voiceshare.metrics.turns import timeline

HERE = Path(__file__).resolve().parent
FEATURES = (
    "cut", "fragment", "dangling", "unfinished", "log_words", "short", "resumes_gap_s",
    "resumes_soon", "has_after", "has_over", "overlap_s", "inside", "near", "other_log_words",
    "other_floor", "held", "cut_near", "cut_held", "incomplete_near", "unfinished_near",
    "near_held", "over_started_s", "over_continues_s", "over_log_words", "cut_over",
    "incomplete_over", "short_over", "cut_resumes_soon", "words_after_other", "stops_quickly",
    "last_word_logodds",
)  # fmt: skip
FOLDS = 5
# Words seen fewer times than this get no log-odds of their own.
MIN_WORD_COUNT = 20


def word_logodds(words: list[str], labels: list[float]) -> dict[str, float]:
    """Smoothed log-odds of being cut off, per last word, relative to the base rate."""
    total = collections.Counter(words)
    cut = collections.Counter(w for w, y in zip(words, labels, strict=True) if y)
    base = (sum(labels) + 1) / (len(labels) + 2)
    prior = 10.0
    odds = {}
    for word, n in total.items():
        if n < MIN_WORD_COUNT:
            continue
        rate = (cut[word] + prior * base) / (n + prior)
        odds[word] = math.log(rate / (1 - rate)) - math.log(base / (1 - base))
    return odds


def collect(
    root: Path, split: str, punctuation: bool
) -> tuple[np.ndarray, np.ndarray, int, dict[str, float]]:
    """Feature rows and labels for every candidate, the number of annotated interruptions, and
    the last-word table. Each meeting's last-word feature comes from a table built without the
    meetings of its fold (cross-fitting), so the model does not learn to trust it too much."""
    per_meeting = []
    positives = 0
    for meeting_id in meeting_ids(root, split):
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        ordered = timeline(meeting)
        found = candidates(ordered, backchannel_ids(ordered), punctuation)
        positives += sum(1 for unit in gold.values() if unit.interrupted)
        items = []
        for candidate in found:
            unit = gold.get(ordered[candidate.index].id)
            label = 1.0 if unit is not None and unit.interrupted else 0.0
            items.append((candidate, label))
        per_meeting.append(items)
    rows, labels = [], []
    for fold in range(FOLDS):
        held_in = [
            item for i, items in enumerate(per_meeting) if i % FOLDS != fold for item in items
        ]
        table = word_logodds([c.last_word for c, _ in held_in], [y for _, y in held_in])
        for i, items in enumerate(per_meeting):
            if i % FOLDS != fold:
                continue
            for candidate, label in items:
                values = dict(candidate.features)
                values["last_word_logodds"] = table.get(candidate.last_word, 0.0)
                rows.append([values.get(name, 0.0) for name in FEATURES])
                labels.append(label)
    everything = [item for items in per_meeting for item in items]
    table = word_logodds([c.last_word for c, _ in everything], [y for _, y in everything])
    return np.array(rows), np.array(labels), positives, table


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000) -> np.ndarray:
    """Logistic regression by full-batch gradient descent with Adam; returns [bias, weights]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    theta = np.zeros(design.shape[1])
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    rate, b1, b2 = 0.05, 0.9, 0.999
    penalty = np.full_like(theta, l2 / len(x))
    penalty[0] = 0.0
    for step in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -30, 30)))
        grad = design.T @ (p - y) / len(x) + penalty * theta
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        theta -= rate * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + 1e-8)
    return theta


def best_threshold(scores: np.ndarray, y: np.ndarray, positives: int) -> tuple[float, float]:
    """The threshold with the best F1, counting annotated interruptions with no candidate as
    misses."""
    best = (0.5, 0.0)
    for threshold in np.arange(0.05, 0.95, 0.01):
        predicted = scores >= threshold
        tp = float(np.sum(predicted & (y == 1)))
        fp = float(np.sum(predicted & (y == 0)))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[1]:
            best = (float(round(threshold, 2)), f1)
    return best


def train(root: Path, punctuation: bool) -> dict[str, object]:
    x, y, positives, table = collect(root, "train", punctuation)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    theta = fit((x - means) / scales, y)
    scores = 1.0 / (
        1.0
        + np.exp(-np.clip(np.hstack([np.ones((len(x), 1)), (x - means) / scales]) @ theta, -30, 30))
    )
    threshold, f1 = best_threshold(scores, y, positives)
    print(
        f"{'punctuated' if punctuation else 'raw'}: {len(x)} candidates, {int(y.sum())} of "
        f"{positives} annotated interruptions among them; train F1 {f1:.3f} at {threshold}",
        file=sys.stderr,
    )
    return {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in theta[1:]],
        "means": [round(float(m), 6) for m in means],
        "scales": [round(float(s), 6) for s in scales],
        "bias": round(float(theta[0]), 6),
        "threshold": threshold,
        "last_word_logodds": {w: round(v, 4) for w, v in sorted(table.items())},
        "train": {"candidates": len(x), "positives": positives, "f1": round(f1, 4)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mrda", type=Path, default=HERE.parent.parent / "shared" / "data" / "mrda"
    )
    parser.add_argument("--out", type=Path, default=HERE / "interruptions.json")
    args = parser.parse_args()
    models = {"punctuated": train(args.mrda, True), "raw": train(args.mrda, False)}
    document = {
        "name": "voiceshare interruption model",
        "version": 1,
        "trained": dt.date.today().isoformat(),
        "data": "ICSI MRDA train split (CC BY 4.0, International Computer Science Institute)",
        "models": models,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
