"""Train the answered-question model (models/answers.json) on the ICSI MRDA train split.

For every annotated question (MRDA tags qy, qw, qr, qrr, qo, qh) the analysis finds its
candidate reply exactly as on a user's transcript (`voiceshare.language.dialog.
reply_candidate`), computes `answer_features`, and learns, with L2-regularised logistic
regression, whether the annotators linked an answer from another speaker (adjacency pairs,
`voiceshare.evaluation.mrda.gold_answers`). The threshold maximises accuracy on the train
split; questions with no candidate reply count as predicted unanswered. The validation split
is never seen here.

Usage: .venv/bin/python models/train_answers.py [--mrda ../shared/data/mrda]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

from voiceshare.evaluation.mrda import gold_answers, load_meeting, meeting_ids
from voiceshare.language.dialog import (
    ANSWER_FEATURES,
    answer_features,
    prepare_context,
    reply_candidate,
)
from voiceshare.language.rules import question_type
from voiceshare.metrics.interruptions import uses_punctuation
from voiceshare.metrics.speaking import measure_speaking

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from train_interruptions import fit  # noqa: E402


def collect(root: Path, split: str) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Feature rows and labels for questions with a candidate reply; also the number of
    questions without one and how many of those were annotated as answered."""
    rows, labels, no_candidate, no_candidate_answered = [], [], 0, 0
    for meeting_id in meeting_ids(root, split):
        meeting, gold = load_meeting(root, meeting_id, punctuation=True)
        speaking = measure_speaking(meeting)
        answers = gold_answers(gold)
        ordered = speaking.ordered
        ctx = prepare_context(
            ordered,
            speaking.backchannel_ids,
            [s.name for s in speaking.speakers],
            uses_punctuation(ordered),
            questions=set(answers),
        )
        position = {u.id: i for i, u in enumerate(ordered)}
        for question_id, answered_by in answers.items():
            index = position[question_id]
            qtype = question_type(ordered[index].text, True)
            reply, _ = reply_candidate(ctx, index, qtype)
            if reply is None:
                no_candidate += 1
                no_candidate_answered += answered_by is not None
                continue
            features = answer_features(ctx, index, reply, qtype)
            rows.append([features[name] for name in ANSWER_FEATURES])
            labels.append(1.0 if answered_by is not None else 0.0)
    return np.array(rows), np.array(labels), no_candidate, no_candidate_answered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mrda", type=Path, default=HERE.parent.parent / "shared" / "data" / "mrda"
    )
    parser.add_argument("--out", type=Path, default=HERE / "answers.json")
    args = parser.parse_args()
    x, y, missing, missing_answered = collect(args.mrda, "train")
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales[scales == 0] = 1.0
    theta = fit((x - means) / scales, y)
    design = np.hstack([np.ones((len(x), 1)), (x - means) / scales])
    scores = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -30, 30)))
    total = len(y) + missing
    best = (0.5, 0.0)
    for threshold in np.arange(0.05, 0.95, 0.01):
        correct = float(np.sum((scores >= threshold) == (y == 1))) + (missing - missing_answered)
        if correct / total > best[1]:
            best = (float(round(threshold, 2)), correct / total)
    print(
        f"train: {total} questions, {len(y)} with a candidate reply; accuracy {best[1]:.3f} "
        f"at {best[0]}",
        file=sys.stderr,
    )
    document = {
        "name": "voiceshare answered-question model",
        "version": 1,
        "trained": dt.date.today().isoformat(),
        "data": "ICSI MRDA train split (CC BY 4.0, International Computer Science Institute)",
        "model": {
            "features": list(ANSWER_FEATURES),
            "weights": [round(float(w), 6) for w in theta[1:]],
            "means": [round(float(m), 6) for m in means],
            "scales": [round(float(s), 6) for s in scales],
            "bias": round(float(theta[0]), 6),
            "threshold": best[0],
            "train": {"questions": total, "accuracy": round(best[1], 4)},
        },
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
