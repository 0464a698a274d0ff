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
3. Accurate tier (`voiceshare.language.tuned`): the top two of the six layers of the
   sentence-embedding model (all-MiniLM-L6-v2) and a head are fine-tuned on the 41 (AdamW,
   one-cycle schedule, 2 epochs, batches of 32) on each utterance with its neighbours; the
   bottom four stay the embedding model's own (`--frozen-layers N` keeps N instead; the
   number is recorded per variant in the file). On the 10, the screen band (fast-tier
   probabilities the tuned model decides) and its thresholds are picked for the best F1 with
   at most `--embed-budget` of the utterances run through the transformer.
4. The fast tier is refitted on all 51 meetings and saved with the tuned thresholds; the
   tuned transformer is saved as fitted on the 41 (its thresholds come from the other 10).

The validation split is never read here; `voiceshare eval acts` reports it.

Usage:
    .venv/bin/python models/train_acts.py [--mrda ../shared/data/mrda] [--tier fast|accurate|both]
        [--variant punctuated|raw|both] [--embed-budget 0.25] [--frozen-layers 4] [--refit]

The accurate tier takes about 15 minutes per text variant on a 2-core CPU (four minutes to
run the frozen layers once over the train split, then about five per epoch). Needs the `nlp`
extra. Training one variant keeps the other's weights in the model file.
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

from voiceshare.evaluation.mrda import GoldUnit, load_meeting, meeting_ids
from voiceshare.language import tuned
from voiceshare.language.acts import (
    ACCURATE_FORMAT_VERSION,
    BINARY_ACTS,
    FORMAT_VERSION,
    QUESTION_TYPES,
    feature_words,
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
# How many of the base's six layers stay as they are (`--frozen-layers` overrides). Fine-tuning
# four instead of two for the raw variant was tried on 2026-11-29 and not shipped: see the model
# card's "Tried and not shipped".
FROZEN_LAYERS = 4
EPOCHS = 2
BATCH = 32
LR_TOP = 5e-5
LR_HEAD = 1e-3
TYPE_WEIGHT = 0.3  # the question-type loss, on questions only, beside the three binary acts
LOW_BANDS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)
HIGH_BANDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.98)
_TAG = re.compile(r"[\^.]")


@dataclass
class Item:
    """One labelled utterance: its fast-tier words, the tuned model's inputs, and gold."""

    words: list[str]
    context: tuple[str, str, str]
    flags: list[float]
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
                    context=tuned.context_texts(utterances, index),
                    flags=tuned.context_flags(utterances, index),
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


@dataclass
class Tuned:
    """The base transformer, its tokenizer and the trainable top layers and head."""

    base: Any
    tokenizer: Any
    top: Any
    head: Any


def load_base() -> tuple[Any, Any, str]:
    """The embedding model's transformer and tokenizer (frozen) and the model's name."""
    embedder = load_embedder()
    base, tokenizer = embedder.transformer()
    for parameter in base.parameters():
        parameter.requires_grad_(False)
    base.eval()
    return base, tokenizer, embedder.name


def frozen_states(base: Any, tokenizer: Any, items: list[Item], frozen: int) -> list[Any]:
    """Each item's hidden states after the bottom `frozen` layers (float16), computed once."""
    import torch

    rows = tuned.token_rows(tokenizer, [item.context for item in items])
    states: list[Any] = [None] * len(items)
    order = sorted(range(len(items)), key=lambda k: len(rows[k][0]))
    with torch.inference_mode():
        for start in range(0, len(order), 128):
            chunk = order[start : start + 128]
            ids, segments, mask, _ = tuned.pad([rows[k] for k in chunk])
            hidden = tuned.run_frozen(base, frozen, ids, segments, mask)
            for r, k in enumerate(chunk):
                states[k] = (hidden[r, : len(rows[k][0])].to(torch.float16).clone(), rows[k][2])
    return states


def _batches(states: list[Any], size: int, shuffle: random.Random | None) -> Any:
    import torch

    order = sorted(range(len(states)), key=lambda k: len(states[k][0]))
    chunks = [order[k : k + size] for k in range(0, len(order), size)]
    if shuffle is not None:
        shuffle.shuffle(chunks)
    for chunk in chunks:
        width = max(len(states[k][0]) for k in chunk)
        hidden = torch.zeros(len(chunk), width, states[chunk[0]][0].shape[1])
        mask = torch.zeros(len(chunk), width, dtype=torch.long)
        own = torch.zeros(len(chunk), width)
        for r, k in enumerate(chunk):
            length = len(states[k][0])
            hidden[r, :length] = states[k][0].float()
            mask[r, :length] = 1
            own[r, 1 : states[k][1]] = 1.0
        yield chunk, hidden, mask, own


def train_tuned(
    base: Any, tokenizer: Any, items: list[Item], states: list[Any], frozen: int
) -> Tuned:
    """Fine-tune copies of the layers above the bottom `frozen` and a head on `items` (their
    states after the frozen layers given)."""
    import torch

    torch.manual_seed(0)
    top, head = tuned.new_top(base, frozen, len(BINARY_ACTS) + len(QUESTION_TYPES))
    flags = torch.tensor([item.flags for item in items], dtype=torch.float32)
    gold = torch.tensor(
        [[float(item.gold[act]) for act in BINARY_ACTS] for item in items], dtype=torch.float32
    )
    types = torch.tensor(
        [QUESTION_TYPES.index(item.question_type) if item.question_type else -1 for item in items]
    )
    optimizer = torch.optim.AdamW(
        [{"params": top.parameters(), "lr": LR_TOP}, {"params": head.parameters(), "lr": LR_HEAD}],
        weight_decay=0.01,
    )
    steps = EPOCHS * -(-len(items) // BATCH)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[LR_TOP, LR_HEAD], total_steps=steps, pct_start=0.1
    )
    top.train()
    shuffle = random.Random(0)
    for epoch in range(EPOCHS):
        started, total = time.perf_counter(), 0.0
        for chunk, hidden, mask, own in _batches(states, BATCH, shuffle):
            index = torch.tensor(chunk)
            logits = tuned.run_top(top, head, hidden, mask, own, flags[index])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits[:, : len(BINARY_ACTS)], gold[index]
            )
            wanted = types[index]
            if bool((wanted >= 0).any()):
                loss = loss + TYPE_WEIGHT * torch.nn.functional.cross_entropy(
                    logits[wanted >= 0, len(BINARY_ACTS) :], wanted[wanted >= 0]
                )
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(loss.detach())
        print(
            f"  tuned epoch {epoch + 1}: loss {total:.1f} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    top.eval()
    return Tuned(base, tokenizer, top, head)


def tuned_probabilities(model: Tuned, items: list[Item], states: list[Any]) -> np.ndarray:
    """Probabilities (items, 3) of the binary acts."""
    import torch

    flags = torch.tensor([item.flags for item in items], dtype=torch.float32)
    result = np.zeros((len(items), len(BINARY_ACTS)), dtype=np.float32)
    with torch.inference_mode():
        for chunk, hidden, mask, own in _batches(states, 128, None):
            logits = tuned.run_top(model.top, model.head, hidden, mask, own, flags[chunk])
            result[chunk] = torch.sigmoid(logits[:, : len(BINARY_ACTS)]).numpy()
    return result


def tune_screen(
    fast: dict[str, np.ndarray], accurate: np.ndarray, items: list[Item], budget: float
) -> dict[str, Any]:
    """Bands of fast-tier probability the tuned model decides and its thresholds, best F1 on
    the tuning meetings with at most `budget` of the utterances run through it; an act the
    fast tier decides better alone gets the empty band (1, 0)."""
    result: dict[str, Any] = {"screen": {}, "thresholds": {}, "tuning_f1": {}}
    unsure = np.zeros(len(items), dtype=bool)
    fast_thresholds = fast["_thresholds"]
    # Questions and rejections are what is measured; acceptance gets what budget is left.
    for act in ("question", "rejection", "acceptance"):
        gold = np.array([item.gold[act] for item in items])
        p_fast, p_head = fast[act], accurate[:, BINARY_ACTS.index(act)]
        # The empty band (the fast tier decides this act alone) competes with every band.
        decided = p_fast >= fast_thresholds[act]
        tp = int((decided & gold).sum())
        alone = 2 * tp / (2 * tp + int((decided ^ gold).sum())) if tp else 0.0
        best = (alone, 1.0, 0.0, 0.5)
        for low, high in itertools.product(LOW_BANDS, HIGH_BANDS):
            band = (p_fast >= low) & (p_fast <= high)
            if (unsure | band).mean() > budget:
                continue
            f1, threshold = best_threshold(
                np.where(band, p_head, np.where(p_fast >= fast_thresholds[act], 1.0, 0.0)), gold
            )
            if f1 > best[0] + 1e-4:
                best = (f1, low, high, threshold)
        f1, low, high, threshold = best
        unsure |= (p_fast >= low) & (p_fast <= high)
        result["screen"][act] = [low, high]
        result["thresholds"][act] = threshold
        result["tuning_f1"][act] = round(f1, 4)
    result["tuning_embedded_fraction"] = round(float(unsure.mean()), 4)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mrda", type=Path, default=REPO.parent / "shared" / "data" / "mrda")
    parser.add_argument("--embed-budget", type=float, default=0.25)
    parser.add_argument(
        "--tier", choices=["fast", "accurate", "both"], default="both", help="What to (re)train."
    )
    parser.add_argument("--variant", choices=["punctuated", "raw", "both"], default="both")
    parser.add_argument(
        "--frozen-layers",
        type=int,
        choices=range(6),
        help=f"How many of the base's six layers to keep as they are (default {FROZEN_LAYERS}).",
    )
    parser.add_argument(
        "--refit",
        action="store_true",
        help="After tuning, refit the transformer on all 51 meetings with the same settings "
        "and ship that one with the tuned bands and thresholds (as the raw variant is).",
    )
    args = parser.parse_args()
    train_fast_tier = args.tier in ("fast", "both")
    train_accurate_tier = args.tier in ("accurate", "both")
    variants = ("punctuated", "raw") if args.variant == "both" else (args.variant,)
    today = dt.date.today().isoformat()
    base = tokenizer = None
    embedder_name = ""
    if train_accurate_tier:
        base, tokenizer, embedder_name = load_base()
    for variant in variants:
        print(f"{variant}:", flush=True)
        meetings = collect(args.mrda, variant == "punctuated")
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
            started = time.perf_counter()
            frozen = FROZEN_LAYERS if args.frozen_layers is None else args.frozen_layers
            fit_states = frozen_states(base, tokenizer, fit, frozen)
            tune_states = frozen_states(base, tokenizer, tune, frozen)
            print(f"  frozen layers run in {time.perf_counter() - started:.0f} s", flush=True)
            model = train_tuned(base, tokenizer, fit, fit_states, frozen)
            screen = tune_screen(
                p_fast, tuned_probabilities(model, tune, tune_states), tune, args.embed_budget
            )
            print(f"  accurate tuning {screen}", flush=True)
            if args.refit:
                print("  refitting the transformer on all 51 meetings", flush=True)
                # `everything` is `fit` then `tune`: their frozen states, already computed.
                model = train_tuned(base, tokenizer, everything, fit_states + tune_states, frozen)
                screen["fitted_on"] = "all 51 train meetings (bands tuned with the 41-meeting fit)"
            del fit_states, tune_states
            screen["frozen_layers"] = frozen
            save_accurate(variant, model, screen, embedder_name, today)
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
    return 0


def save_accurate(
    variant: str, model: Tuned, screen: dict[str, Any], embedder_name: str, today: str
) -> None:
    """Write (or update) the accurate tier's file with this variant, keeping the others."""
    meta: dict[str, Any] = {"variants": {}}
    arrays: dict[str, np.ndarray] = {}
    if ACCURATE_FILE.is_file():
        with np.load(ACCURATE_FILE, allow_pickle=False) as data:
            old = json.loads(str(data["meta"]))
            if old.get("format_version") == ACCURATE_FORMAT_VERSION:
                meta = old
                arrays = {k: data[k] for k in data.files if k != "meta"}
    arrays = {k: v for k, v in arrays.items() if not k.startswith(f"{variant}/")}
    for name, array in tuned.state_arrays(model.top, model.head).items():
        arrays[f"{variant}/{name}"] = array
    meta.update(
        {
            "format_version": ACCURATE_FORMAT_VERSION,
            "embedding_model": embedder_name,
            "data": "ICSI MRDA train split (41 meetings fitted, 10 tuned; a variant's "
            "fitted_on says when it was refitted on all 51), CC BY 4.0",
        }
    )
    meta["variants"][variant] = {
        "outputs": [*BINARY_ACTS, *QUESTION_TYPES],
        "trained": today,
        **screen,
    }
    temporary = ACCURATE_FILE.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, meta=np.array(json.dumps(meta)), **arrays)
    temporary.replace(ACCURATE_FILE)
    print(f"wrote {variant} to {ACCURATE_FILE}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
