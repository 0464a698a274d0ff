"""Train the dialog-act models (models/acts-fast/, models/acts-accurate.npz) on MRDA train.

Both tiers, for both text variants (punctuated, and raw lower-case ASR-like text), from the
ICSI MRDA train split (51 meetings) as `voiceshare.evaluation.mrda` loads it. Unlabelled units
(`z`) are left out. Gold: `question` = a question tag (qy qw qr qrr qo qh) outside quoted
material, `rejection` = ar/arp, `acceptance` = aa/aap; question type from the tags (qh ->
rhetorical, a `d` tag -> declarative, qr/qrr -> or, qw -> wh, qo -> open, qy -> yes_no, in
that order of precedence).

1. The train meetings are split in file order into 41 for fitting and 10 for tuning.
2. Fast tier: a spaCy `textcat_multilabel` (TextCatBOW, uni- and bigrams over
   `voiceshare.language.acts.feature_words`) fitted on the 41; thresholds with the best F1 on
   the 10.
3. Accurate tier: logistic regressions (scikit-learn, lbfgs) over the sentence embedding
   plus hashed n-gram and context features, fitted on the 41; on the 10, the screen band
   (fast-tier probabilities the head decides) and the head's thresholds are picked for the
   best F1 with at most `--embed-budget` of the utterances embedded.
4. Both tiers are refitted on all 51 meetings and saved with the tuned thresholds.

The validation split is never read here; `voiceshare eval acts` reports it.

Usage:
    .venv/bin/python models/train_acts.py [--mrda ../shared/data/mrda]
        [--embeddings-cache /tmp/acts-embeddings.npz] [--embed-budget 0.25]

Embedding the ~96,000 distinct train texts takes several minutes on a CPU; `--embeddings-cache`
keeps them between runs (a .npz with `texts` and `vectors`). Needs the `nlp` extra and
scikit-learn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from voiceshare.evaluation.mrda import GoldUnit, load_meeting, meeting_ids
from voiceshare.language.acts import (
    BINARY_ACTS,
    FORMAT_VERSION,
    QUESTION_TYPES,
    feature_words,
    hashed_features,
)
from voiceshare.language.embeddings import load_embedder
from voiceshare.model import Utterance

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FAST_DIR = HERE / "acts-fast"
ACCURATE_FILE = HERE / "acts-accurate.npz"
TUNE_MEETINGS = 10
FAST_EPOCHS = 5
FAST_HASH_ROWS = 2**15
HEAD_HASH_SIZE = 2**15
EMBEDDING_SCALE = 3.0  # puts the unit-length embedding on a par with the 0/1 hashed features
C_BINARY = 1.0
C_TYPES = 1.0
LOW_BANDS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
HIGH_BANDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
_TAG = re.compile(r"[\^.]")


@dataclass
class Item:
    """One labelled utterance: its fast-tier words, hashed features, text and gold."""

    words: list[str]
    hashed: list[int]
    text: str
    gold: dict[str, bool]
    question_type: str | None


def function_tags(label: str) -> set[str]:
    tags: set[str] = set()
    for segment in label.split("|"):
        tags.update(_TAG.split(segment.split(":", 1)[0]))
    return tags


def question_type(tags: set[str]) -> str | None:
    for name, wanted in (
        ("rhetorical", {"qh"}),
        ("declarative", {"d"}),
        ("or", {"qr", "qrr"}),
        ("wh", {"qw"}),
        ("open", {"qo"}),
        ("yes_no", {"qy"}),
    ):
        if tags & wanted:
            return name
    return None


def unlabelled(unit: GoldUnit) -> bool:
    return unit.label.split("|")[0].split(".")[0] == "z"


def collect(root: Path, punctuation: bool) -> list[list[Item]]:
    """Labelled items per train meeting."""
    meetings = []
    for meeting_id in meeting_ids(root, "train"):
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        utterances: list[Utterance] = list(meeting.utterances)
        items = []
        for index, utterance in enumerate(utterances):
            unit = gold[utterance.id]
            if unlabelled(unit):
                continue
            tags = function_tags(unit.label)
            words = feature_words(utterances, index)
            items.append(
                Item(
                    words=words,
                    hashed=hashed_features(words, HEAD_HASH_SIZE),
                    text=utterance.text,
                    gold={
                        "question": unit.is_question,
                        "rejection": unit.is_rejection,
                        "acceptance": bool(tags & {"aa", "aap"}),
                    },
                    question_type=question_type(tags) if unit.is_question else None,
                )
            )
        meetings.append(items)
    return meetings


def best_threshold(probabilities: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(F1, threshold) with the best F1 over a grid of thresholds."""
    best = (0.0, 0.5)
    for threshold in np.linspace(0.02, 0.98, 97):
        predicted = probabilities >= threshold
        tp = int((predicted & gold).sum())
        wrong = int((predicted ^ gold).sum())
        f1 = 2 * tp / (2 * tp + wrong) if tp else 0.0
        if f1 > best[0]:
            best = (f1, float(threshold))
    return best


# -- fast tier ---------------------------------------------------------------------------------


def fast_cats(item: Item) -> dict[str, float]:
    cats = {act: float(item.gold[act]) for act in BINARY_ACTS}
    cats.update({name: float(item.question_type == name) for name in QUESTION_TYPES})
    return cats


def train_fast(items: list[Item]) -> Any:
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example
    from spacy.util import minibatch

    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": FAST_HASH_ROWS,
            }
        },
    )
    for label in (*BINARY_ACTS, *QUESTION_TYPES):
        textcat.add_label(label)
    examples = [
        Example.from_dict(Doc(nlp.vocab, words=item.words), {"cats": fast_cats(item)})
        for item in items
    ]
    optimizer = nlp.initialize(lambda: examples[:2000])
    for epoch in range(FAST_EPOCHS):
        random.Random(epoch).shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=256):
            nlp.update(batch, sgd=optimizer, losses=losses)
        print(f"  fast epoch {epoch + 1}: loss {losses['textcat_multilabel']:.1f}", flush=True)
    return nlp


def fast_probabilities(nlp: Any, items: list[Item]) -> dict[str, np.ndarray]:
    from spacy.tokens import Doc

    textcat = nlp.get_pipe("textcat_multilabel")
    docs = (Doc(nlp.vocab, words=item.words) for item in items)
    cats = [doc.cats for doc in textcat.pipe(docs, batch_size=1000)]
    return {name: np.array([c[name] for c in cats]) for name in (*BINARY_ACTS, *QUESTION_TYPES)}


# -- accurate tier -----------------------------------------------------------------------------


def design(items: list[Item], vectors: dict[str, np.ndarray]) -> sp.csr_matrix:
    indices = np.concatenate([np.array(item.hashed, dtype=np.int64) for item in items])
    pointers = np.cumsum([0] + [len(item.hashed) for item in items])
    hashed = sp.csr_matrix(
        (np.ones(len(indices), np.float32), indices, pointers),
        shape=(len(items), HEAD_HASH_SIZE),
    )
    dense = np.stack([vectors[item.text] for item in items]) * EMBEDDING_SCALE
    return sp.hstack([sp.csr_matrix(dense), hashed]).tocsr()


@dataclass
class Head:
    dense: np.ndarray
    hashed: np.ndarray
    bias: np.ndarray


def train_head(items: list[Item], vectors: dict[str, np.ndarray]) -> Head:
    from sklearn.linear_model import LogisticRegression

    x = design(items, vectors)
    dimension = x.shape[1] - HEAD_HASH_SIZE
    columns, biases = [], []
    for act in BINARY_ACTS:
        y = np.array([item.gold[act] for item in items])
        model = LogisticRegression(C=C_BINARY, max_iter=500).fit(x, y)
        columns.append(model.coef_[0])
        biases.append(model.intercept_[0])
        print(f"  head {act}: fitted", flush=True)
    questions = [i for i, item in enumerate(items) if item.question_type is not None]
    y_type = [items[i].question_type for i in questions]
    types = LogisticRegression(C=C_TYPES, max_iter=2000).fit(x[questions], y_type)
    for name in QUESTION_TYPES:
        if name in types.classes_:
            row = list(types.classes_).index(name)
            columns.append(types.coef_[row])
            biases.append(types.intercept_[row])
        else:
            columns.append(np.zeros(x.shape[1]))
            biases.append(-30.0)
    weights = np.stack(columns, axis=1)
    return Head(weights[:dimension], weights[dimension:], np.array(biases))


def head_probabilities(head: Head, items: list[Item], vectors: dict[str, np.ndarray]) -> np.ndarray:
    x = design(items, vectors)
    logits = x @ np.vstack([head.dense, head.hashed]) + head.bias
    return np.asarray(1.0 / (1.0 + np.exp(-logits[:, : len(BINARY_ACTS)])))


def tune_screen(
    fast: dict[str, np.ndarray], accurate: np.ndarray, items: list[Item], budget: float
) -> dict[str, Any]:
    """Bands of fast-tier probability the head decides and the thresholds, best F1 on the
    tuning meetings with at most `budget` of the utterances embedded."""
    result: dict[str, Any] = {"screen": {}, "thresholds": {}, "tuning_f1": {}}
    unsure = np.zeros(len(items), dtype=bool)
    fast_thresholds = fast["_thresholds"]
    # Questions and rejections are what is measured; acceptance gets what budget is left.
    for act in ("question", "rejection", "acceptance"):
        gold = np.array([item.gold[act] for item in items])
        p_fast, p_head = fast[act], accurate[:, BINARY_ACTS.index(act)]
        best: tuple[float, float, float, float] | None = None
        for low, high in itertools.product(LOW_BANDS, HIGH_BANDS):
            band = (p_fast >= low) & (p_fast <= high)
            if (unsure | band).mean() > budget:
                continue
            f1, threshold = best_threshold(
                np.where(band, p_head, np.where(p_fast >= fast_thresholds[act], 1.0, 0.0)), gold
            )
            if best is None or f1 > best[0] + 1e-4:
                best = (f1, low, high, threshold)
        if best is None:
            best = (0.0, 1.0, 0.0, 0.5)  # no room left: the head never decides this act
        f1, low, high, threshold = best
        unsure |= (p_fast >= low) & (p_fast <= high)
        result["screen"][act] = [low, high]
        result["thresholds"][act] = threshold
        result["tuning_f1"][act] = round(f1, 4)
    result["tuning_embedded_fraction"] = round(float(unsure.mean()), 4)
    return result


def embeddings_for(texts: set[str], cache: Path | None) -> tuple[dict[str, np.ndarray], str]:
    embedder = load_embedder()
    vectors: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            if str(data["model"]) == embedder.name:
                vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
    missing = sorted(texts - vectors.keys(), key=len)
    if missing:
        print(f"embedding {len(missing):,} texts with {embedder.name}...", flush=True)
        start = time.perf_counter()
        for text, row in zip(missing, embedder.encode(missing), strict=True):
            vectors[text] = row
        print(f"  {len(missing) / (time.perf_counter() - start):.0f} texts/s", flush=True)
        if cache is not None:
            np.savez(
                cache,
                model=np.array(embedder.name),
                texts=np.array(list(vectors)),
                vectors=np.stack(list(vectors.values())),
            )
    return vectors, embedder.name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mrda", type=Path, default=REPO.parent / "shared" / "data" / "mrda")
    parser.add_argument("--embeddings-cache", type=Path, default=None)
    parser.add_argument("--embed-budget", type=float, default=0.25)
    parser.add_argument(
        "--tier", choices=["fast", "accurate", "both"], default="both", help="What to (re)train."
    )
    args = parser.parse_args()
    train_fast_tier = args.tier in ("fast", "both")
    train_accurate_tier = args.tier in ("accurate", "both")

    data = {
        variant: collect(args.mrda, variant == "punctuated") for variant in ("punctuated", "raw")
    }
    texts = {item.text for meetings in data.values() for items in meetings for item in items}
    vectors: dict[str, np.ndarray] = {}
    embedder_name = ""
    if train_accurate_tier:
        vectors, embedder_name = embeddings_for(texts, args.embeddings_cache)
    head_meta: dict[str, Any] = {}
    head_arrays: dict[str, np.ndarray] = {}
    today = dt.date.today().isoformat()
    for variant, meetings in data.items():
        print(f"{variant}:", flush=True)
        fit = [item for items in meetings[:-TUNE_MEETINGS] for item in items]
        tune = [item for items in meetings[-TUNE_MEETINGS:] for item in items]
        everything = fit + tune

        nlp = train_fast(fit)
        p_fast: dict[str, Any] = fast_probabilities(nlp, tune)
        thresholds, tuning = {}, {}
        for act in BINARY_ACTS:
            gold = np.array([item.gold[act] for item in tune])
            f1, thresholds[act] = best_threshold(p_fast[act], gold)
            tuning[act] = round(f1, 4)
        print(f"  fast tuning F1 {tuning} at {thresholds}", flush=True)
        p_fast["_thresholds"] = thresholds

        if train_accurate_tier:
            head = train_head(fit, vectors)
            screen = tune_screen(
                p_fast, head_probabilities(head, tune, vectors), tune, args.embed_budget
            )
            print(f"  accurate tuning {screen}", flush=True)
            head = train_head(everything, vectors)
            head_arrays[f"{variant}_dense"] = head.dense.astype(np.float16)
            head_arrays[f"{variant}_hashed"] = head.hashed.astype(np.float16)
            head_arrays[f"{variant}_bias"] = head.bias.astype(np.float32)
            head_meta[variant] = {
                "hash_size": HEAD_HASH_SIZE,
                "embedding_scale": EMBEDDING_SCALE,
                "outputs": [*BINARY_ACTS, *QUESTION_TYPES],
                **screen,
            }
        if not train_fast_tier:
            continue
        print("  refitting the fast tier on all 51 meetings", flush=True)
        nlp = train_fast(everything)
        nlp.meta["name"] = f"voiceshare_acts_{variant}"
        nlp.meta["version"] = "1.0.0"
        nlp.meta["description"] = "voiceshare dialog acts, fast tier (see models/acts-fast.md)"
        nlp.meta["license"] = "CC BY 4.0 (trained on the ICSI MRDA corpus)"
        nlp.meta["voiceshare"] = {
            "format_version": FORMAT_VERSION,
            "variant": variant,
            "thresholds": thresholds,
            "tuning_f1": tuning,
            "trained": today,
        }
        if (FAST_DIR / variant).exists():
            shutil.rmtree(FAST_DIR / variant)
        FAST_DIR.mkdir(parents=True, exist_ok=True)
        nlp.to_disk(FAST_DIR / variant)
        print(f"wrote {FAST_DIR / variant}", flush=True)
    if not train_accurate_tier:
        return 0
    meta = {
        "format_version": FORMAT_VERSION,
        "embedding_model": embedder_name,
        "trained": today,
        "data": "ICSI MRDA train split (51 meetings), CC BY 4.0",
        "variants": head_meta,
    }
    np.savez_compressed(ACCURATE_FILE, meta=np.array(json.dumps(meta)), **head_arrays)
    print(f"wrote {ACCURATE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
