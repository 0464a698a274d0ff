"""Dialog acts per utterance: question (and its type), rejection, acceptance.

Two tiers, both trained on the ICSI MRDA train split by `models/train_acts.py`:

- **fast**: a spaCy `textcat_multilabel` (bag of uni- and bigrams, `models/acts-fast/`, scored by
  `BagOfNgrams` without a spaCy `Doc` per utterance), some seven to ten thousand utterances a
  second on two cores. Needs spaCy only.
- **accurate**: the fast tier screens every utterance; those it is unsure about (a probability
  inside the band stored in the model file around a decision threshold) are decided by the
  sentence-embedding transformer with its top layers fine-tuned on MRDA, reading the utterance
  with its neighbours (`voiceshare.language.tuned`, `models/acts-accurate.npz`).

Each tier has one model for punctuated text (human or modern ASR transcripts) and one for raw,
lower-case, unpunctuated ASR text; the caller says which applies. Thresholds live in the model
files (picked for the best F1 on held-out train meetings).

Context used (the same for both tiers, from the utterances passed in, in time order): whether
the same speaker carries on at once; the next utterance by another speaker within the next
four (its first two words, last word and the gap before it, e.g. an answer "yeah" or "no");
the previous utterance by another speaker within the last four (its first and last word, e.g.
a preceding question makes a "no" an answer, not a rejection); and the utterance's length.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from voiceshare.errors import ConfigError, MissingExtraError, VoiceshareError
from voiceshare.language import endings
from voiceshare.language.rules import agreeing_no
from voiceshare.language.text import ends_asking, quotes_a_question, straight_quotes
from voiceshare.model import Utterance
from voiceshare.resources import model_file, models_dir

TIERS = ("fast", "accurate")
QUESTION_TYPES = ("yes_no", "wh", "open", "or", "rhetorical", "declarative")
BINARY_ACTS = ("question", "rejection", "acceptance")
FAST_MODEL_DIR = "acts-fast"
ACCURATE_MODEL_FILE = "acts-accurate.npz"
# The fast tier's feature format (`feature_words`), checked when its pipelines load.
FORMAT_VERSION = 1
# The accurate tier's file format: 2 holds fine-tuned transformer layers (`language.tuned`).
ACCURATE_FORMAT_VERSION = 2
# How far (in utterances) to look for the previous and the next speaker.
CONTEXT_WINDOW = 4
# Scores are rescaled so that this is every act's decision threshold (see `ActScores`).
DECISION = 0.5

_TOKEN = re.compile(r"[a-z0-9']+(?:-(?=\s|$))?|\?|!|\.\.\.|\.|,|==|--")


def variant_name(punctuated: bool) -> str:
    """The model variant for a kind of text: `punctuated` or `raw`."""
    return "punctuated" if punctuated else "raw"


@dataclass(frozen=True, slots=True)
class ActScores:
    """The dialog-act scores of one utterance and the tier's decisions.

    `question`, `rejection` and `acceptance` are the model's probabilities rescaled
    monotonically so that 0.5 is the decision threshold of whichever model produced them
    (tuned per tier and text variant): `is_question` is `question >= 0.5`, and so on.

    `question_type` is the most likely type (`yes_no`, `wh`, `open`, `or`, `rhetorical`,
    `declarative`) when the utterance is judged a question, else None.
    """

    question: float
    rejection: float
    acceptance: float
    is_question: bool
    is_rejection: bool
    is_acceptance: bool
    question_type: str | None = None

    @property
    def acts(self) -> tuple[str, ...]:
        """The acts decided, as the report's strings (`question`, `rejection`, `acceptance`)."""
        flags = (self.is_question, self.is_rejection, self.is_acceptance)
        return tuple(name for name, flag in zip(BINARY_ACTS, flags, strict=True) if flag)


# -- features shared by both tiers (and by models/train_acts.py) --------------------------------


def tokens(text: str) -> list[str]:
    """Lower-case words plus the punctuation that carries meaning (`?`, `.`, `==`, `--`)."""
    return _TOKEN.findall(straight_quotes(text).lower())


def _length_token(words: int) -> str:
    if words <= 1:
        return "len:1"
    if words <= 3:
        return "len:2"
    return "len:4" if words <= 7 else "len:8"


_GAP_TOKENS = ("gap:na", "gap:over", "gap:0", "gap:1", "gap:3")


def gap_bucket(first: Utterance, second: Utterance) -> int:
    """The gap from `first`'s end to `second`'s start: 0 unknown, 1 overlapping, 2 under
    1 s, 3 under 3 s, 4 longer."""
    if first.end_s is None or second.start_s is None:
        return 0
    gap_s = second.start_s - first.end_s
    if gap_s < -0.2:
        return 1
    if gap_s < 1.0:
        return 2
    return 3 if gap_s < 3.0 else 4


def neighbour(utterances: Sequence[Utterance], index: int, step: int) -> Utterance | None:
    """The nearest utterance by another speaker within `CONTEXT_WINDOW`, after `index`
    (`step` 1) or before it (`step` -1), or None."""
    speaker = utterances[index].speaker
    stop = (
        min(len(utterances), index + 1 + CONTEXT_WINDOW)
        if step > 0
        else max(-1, index - 1 - CONTEXT_WINDOW)
    )
    others = (utterances[j] for j in range(index + step, stop, step))
    return next((u for u in others if u.speaker != speaker), None)


def feature_words(utterances: Sequence[Utterance], index: int) -> list[str]:
    """The utterance's tokens between `<s>` and `</s>`, then its context as prefixed tokens."""
    utterance = utterances[index]
    own = tokens(utterance.text)
    words = ["<s>", *own, "</s>", _length_token(sum(1 for t in own if t[0].isalnum()))]
    if index + 1 < len(utterances) and utterances[index + 1].speaker == utterance.speaker:
        words.append("cont")
    following = neighbour(utterances, index, 1)
    if following is None:
        words.append("n:none")
    else:
        reply = tokens(following.text)
        words += ["n:" + t for t in reply[:2]]
        if reply:
            words.append("n:end:" + reply[-1])
        words.append(_GAP_TOKENS[gap_bucket(utterance, following)])
    preceding = neighbour(utterances, index, -1)
    if preceding is None:
        words.append("p:none")
    else:
        said = tokens(preceding.text)
        if said:
            words += ["p:" + said[0], "p:end:" + said[-1]]
    return words


# -- the fast tier: spaCy textcat ---------------------------------------------------------------


class FastActModel:
    """One spaCy textcat pipeline (one text variant) and its thresholds."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.textcat = nlp.get_pipe("textcat_multilabel")
        meta = nlp.meta.get("voiceshare", {})
        self.thresholds: dict[str, float] = {
            act: float(meta.get("thresholds", {}).get(act, 0.5)) for act in BINARY_ACTS
        }
        self._bag = BagOfNgrams.of(self.textcat)

    def probabilities(
        self, utterances: Sequence[Utterance], indices: Sequence[int] | None = None
    ) -> list[dict[str, float]]:
        """The probabilities of the utterances at `indices` (all when None)."""
        chosen = range(len(utterances)) if indices is None else indices
        if self._bag is not None:
            words = [feature_words(utterances, i) for i in chosen]
            labels = self._bag.labels
            return [dict(zip(labels, row, strict=True)) for row in self._bag(words).tolist()]
        from spacy.tokens import Doc

        vocab = self.nlp.vocab
        docs = (Doc(vocab, words=feature_words(utterances, i)) for i in chosen)
        return [dict(doc.cats) for doc in self.textcat.pipe(docs, batch_size=1000)]


class BagOfNgrams:
    """A spaCy bag-of-n-grams text classifier (`spacy.TextCatBOW`) applied to lists of words
    without building a `Doc` for each: the same hashed n-gram keys through the same thinc
    layers, so the same probabilities up to float rounding, in about half the time (building
    the `Doc`s and counting each one's n-grams took more than half of the fast tier's time)."""

    BATCH = 2000

    def __init__(self, labels: Sequence[str], ngram_size: int, linear: Any, output: Any) -> None:
        self.labels = tuple(labels)
        self.ngram_size = ngram_size
        self._linear = linear
        self._output = output
        self._ids: dict[str, int] = {}

    @classmethod
    def of(cls, textcat: Any) -> BagOfNgrams | None:
        """The classifier for `textcat`'s model, or None when it is not a bag of n-grams of
        the words' exact text followed by a logistic output (then use spaCy's own path)."""
        from spacy.attrs import ORTH

        nodes: dict[str, list[Any]] = {}
        for node in textcat.model.walk():
            nodes.setdefault(node.name, []).append(node)
        layers = ("extract_ngrams", "sparse_linear", "logistic")
        expected = "with_cpu(extract_ngrams>>resizable(sparse_linear))>>with_cpu(logistic)"
        if textcat.model.name != expected or any(len(nodes.get(n, ())) != 1 for n in layers):
            return None
        (ngrams,), (linear,), (output,) = (nodes[name] for name in layers)
        if ngrams.attrs.get("attr") != ORTH:
            return None
        return cls(textcat.labels, int(ngrams.attrs["ngram_size"]), linear, output)

    def __call__(self, documents: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
        """One row of probabilities (in `labels` order) per list of words."""
        rows = [
            self._batch(documents[start : start + self.BATCH])
            for start in range(0, len(documents), self.BATCH)
        ]
        return np.concatenate(rows) if rows else np.zeros((0, len(self.labels)), np.float32)

    def _batch(self, documents: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
        from spacy.strings import get_string_id

        ids = self._ids
        if len(ids) > 1_000_000:  # words seen once in a huge archive: start the cache again
            ids.clear()
        unigrams = np.fromiter(
            (
                ids[word] if word in ids else ids.setdefault(word, get_string_id(word))
                for words in documents
                for word in words
            ),
            dtype=np.uint64,
        )
        lengths = np.fromiter((len(words) for words in documents), np.int64, len(documents))
        owner = np.repeat(np.arange(len(documents)), lengths)
        keys, owners = [unigrams], [owner]
        for n in range(2, self.ngram_size + 1):
            if len(unigrams) < n:
                break
            # The n-grams of all documents at once; keep those inside one document.
            grams = self._linear.ops.ngrams(n, unigrams)
            inside = owner[: len(grams)] == owner[n - 1 :]
            keys.append(grams[inside])
            owners.append(owner[: len(grams)][inside])
        owned = np.concatenate(owners)
        order = np.argsort(owned, kind="stable")
        # A key counted twice adds its weights twice: the same sum spaCy's counts give.
        all_keys = np.ascontiguousarray(np.concatenate(keys)[order], dtype=np.uint64)
        counts = np.ascontiguousarray(np.bincount(owned, minlength=len(documents)), dtype=np.int32)
        values = np.ones(len(all_keys), dtype=np.float32)
        scores = self._linear.predict((all_keys, values, counts))
        return np.asarray(self._output.predict(scores), dtype=np.float32)


def _rescale(probability: float, threshold: float) -> float:
    """Map [0, threshold] onto [0, 0.5] and [threshold, 1] onto [0.5, 1], so that 0.5 is the
    decision point whichever model and threshold produced the probability."""
    if probability < threshold:
        return DECISION * probability / threshold if threshold > 0 else 0.0
    return DECISION + (1 - DECISION) * (probability - threshold) / max(1e-9, 1 - threshold)


def _guess_type(scores: dict[str, float]) -> str:
    return max(QUESTION_TYPES, key=lambda name: scores.get(name, 0.0))


# Words that open a question but never make one alone. In MRDA's train and validation
# meetings as raw text, 72 units say one of them and nothing but fillers ("is", "um do um",
# "which uh"); 5 are labelled questions. Punctuated, none of the 63 without a '?' is one.
_OPENERS_ALONE = frozenset(
    {"do", "does", "did", "is", "are", "am", "was", "were", "can", "could", "would", "will",
     "should", "shall", "have", "has", "had", "may", "might", "must", "which"}
)  # fmt: skip
_ALONE_FILLERS = frozenset({"uh", "um", "and", "so", "but", "well", "oh"})


def lone_opener(text: str) -> bool:
    """Whether `text` is an auxiliary verb or "which" and at most fillers, with no question
    mark: the start of a question, or of a clause, the speaker abandoned."""
    if "?" in text:
        return False
    said = [w for w in endings.words(text) if w not in _ALONE_FILLERS]
    return len(said) == 1 and said[0] in _OPENERS_ALONE


class ActClassifier:
    """Scores utterances for questions, rejections and acceptances with one tier's models.

    Build it with `load_act_classifier`; `tier` says which tier it is and `description` what
    was loaded (the report can say so).
    """

    def __init__(
        self,
        fast: dict[str, FastActModel],
        accurate: dict[str, AccurateModel] | None = None,
        embedder: Any = None,
    ) -> None:
        self._fast = fast
        self._accurate = accurate or {}
        self.embedder = embedder
        self.tier = "accurate" if accurate else "fast"
        self._lock = threading.Lock()
        self.embedded = 0  # how many utterances the accurate model decided (for benchmarks)
        # Every score's decision point (scores are rescaled per model, see `ActScores`).
        self.thresholds: dict[str, float] = dict.fromkeys(BINARY_ACTS, DECISION)

    @property
    def description(self) -> str:
        if self.tier == "fast":
            return "fast tier (spaCy textcat trained on MRDA)"
        name = getattr(self.embedder, "name", "a sentence-embedding model")
        return f"accurate tier ({name}, top layers fine-tuned on MRDA)"

    def predict(
        self,
        utterances: Sequence[Utterance],
        punctuated: bool,
        indices: Sequence[int] | None = None,
    ) -> list[ActScores]:
        """One `ActScores` per utterance, or per position in `indices` when given;
        `utterances` are a meeting's, in time order (the neighbours are context).
        `punctuated` picks the model for the kind of text; in punctuated text an utterance
        ending in a question mark is a question whatever the model says, and a "no" that
        praises or agrees ("No, that's a great point.") is never a rejection, and an auxiliary
        verb said alone ("do", "um is") is never a question (`lone_opener`), nor is a
        question quoted after other words ('She asked "why?"', `quotes_a_question`)."""
        variant = variant_name(punctuated)
        fast = self._fast[variant]
        chosen = range(len(utterances)) if indices is None else indices
        probabilities = fast.probabilities(utterances, chosen)
        head = self._accurate.get(variant)
        decided: dict[int, dict[str, float]] = {}
        if head is not None:
            unsure = [i for i, p in zip(chosen, probabilities, strict=True) if head.unsure(p)]
            if unsure:
                # torch runs one forward pass at a time well; threads share the model.
                with self._lock:
                    decided = dict(zip(unsure, head.probabilities(utterances, unsure), strict=True))
                    self.embedded += len(unsure)
        tuned_limits = head.thresholds if head is not None else {}
        results = []
        for i, scores in zip(chosen, probabilities, strict=True):
            tuned = decided.get(i, {})
            # The transformer decides an act only inside that act's band, as it was tuned;
            # elsewhere the fast tier's own score and threshold stand.
            by_tuned = {
                act
                for act in BINARY_ACTS
                if tuned and head is not None and head.inside(act, scores[act])
            }
            rescaled = {
                act: _rescale(tuned[act], tuned_limits[act])
                if act in by_tuned
                else _rescale(scores[act], fast.thresholds[act])
                for act in BINARY_ACTS
            }
            # The models learnt MRDA's short units, where '?' settles it anyway, and miss long
            # questions in other exports: 79 of the 820 turns with a '?' in the 44 earnings21
            # calls ("..., and that satisfied your needs for the entire year?").
            if punctuated and ends_asking(utterances[i].text):
                rescaled["question"] = max(rescaled["question"], DECISION)
            # A question in quotes after other words is quoted, not asked: code read out
            # ('name = input("What's your name? ")'), or someone else's words retold.
            if punctuated and quotes_a_question(utterances[i].text):
                rescaled["question"] = min(rescaled["question"], DECISION / 2)
            # "No, that's a great point." agrees; the models, trained on few of these, took
            # the "no" for a refusal (3 of 3 on MRDA validation).
            if agreeing_no(utterances[i].text):
                rescaled["rejection"] = min(rescaled["rejection"], DECISION / 2)
            # A verb or "which" said alone ("do", "um is", "which uh") starts something the
            # speaker never said; raw text gave the models no end mark to tell them by.
            if lone_opener(utterances[i].text):
                rescaled["question"] = min(rescaled["question"], DECISION / 2)
            is_question = rescaled["question"] >= DECISION
            typed = tuned if "question" in by_tuned else scores
            results.append(
                ActScores(
                    question=round(rescaled["question"], 4),
                    rejection=round(rescaled["rejection"], 4),
                    acceptance=round(rescaled["acceptance"], 4),
                    is_question=is_question,
                    is_rejection=rescaled["rejection"] >= DECISION,
                    is_acceptance=rescaled["acceptance"] >= DECISION,
                    question_type=_guess_type(typed) if is_question else None,
                )
            )
        return results


# -- the accurate tier: fine-tuned transformer layers (`voiceshare.language.tuned`) ----------


class AccurateModel:
    """One text variant of the accurate tier: its screen bands, thresholds and tuned model."""

    def __init__(self, model: Any, meta: dict[str, Any]) -> None:
        self.model = model
        self.outputs: list[str] = list(meta["outputs"])
        self.thresholds: dict[str, float] = {a: float(meta["thresholds"][a]) for a in BINARY_ACTS}
        self.bands: dict[str, tuple[float, float]] = {
            a: (float(low), float(high)) for a, (low, high) in meta["screen"].items()
        }
        self._binary = [self.outputs.index(a) for a in BINARY_ACTS]
        self._types = [self.outputs.index(t) for t in QUESTION_TYPES]

    def inside(self, act: str, probability: float) -> bool:
        """Whether the fast tier's `probability` of `act` falls inside the band where this
        model decides that act."""
        low, high = self.bands[act]
        return low <= probability <= high

    def unsure(self, scores: dict[str, float]) -> bool:
        """Whether any of the fast tier's probabilities falls inside its act's band."""
        return any(self.inside(act, scores[act]) for act in self.bands)

    def probabilities(
        self, utterances: Sequence[Utterance], indices: Sequence[int]
    ) -> list[dict[str, float]]:
        logits = self.model.logits(utterances, indices)
        binary = 1.0 / (1.0 + np.exp(-logits[:, self._binary]))
        typed = logits[:, self._types]
        typed = np.exp(typed - typed.max(axis=1, keepdims=True))
        typed /= typed.sum(axis=1, keepdims=True)
        results = []
        for b, t in zip(binary.tolist(), typed.tolist(), strict=True):
            scores = dict(zip(BINARY_ACTS, b, strict=True))
            scores.update(zip(QUESTION_TYPES, t, strict=True))
            results.append(scores)
        return results


def _read_accurate(path: Path) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]]:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            arrays = {key: data[key] for key in data.files if key != "meta"}
    except (OSError, KeyError, ValueError) as exc:
        raise VoiceshareError(f"{path}: not a voiceshare dialog-act model ({exc}).") from None
    if meta.get("format_version") != ACCURATE_FORMAT_VERSION:
        raise VoiceshareError(f"{path}: unsupported dialog-act model format; reinstall voiceshare.")
    return arrays, meta


_CACHE: dict[str, ActClassifier] = {}
_CACHE_LOCK = threading.Lock()


def _load_fast() -> dict[str, FastActModel]:
    try:
        import spacy
    except ImportError:
        raise MissingExtraError("Dialog-act detection", "nlp") from None
    folder = models_dir() / FAST_MODEL_DIR
    models = {}
    for variant in ("punctuated", "raw"):
        path = folder / variant
        if not (path / "config.cfg").is_file():
            raise VoiceshareError(
                f"the dialog-act model {path} is missing; reinstall voiceshare or set "
                "VOICESHARE_MODELS to the folder that holds acts-fast/."
            )
        nlp = spacy.load(path)
        if nlp.meta.get("voiceshare", {}).get("format_version") != FORMAT_VERSION:
            raise VoiceshareError(
                f"the dialog-act model {path} was trained on other features than this version "
                "of voiceshare reads; reinstall voiceshare or retrain it (models/train_acts.py)."
            )
        models[variant] = FastActModel(nlp)
    return models


def load_act_classifier(tier: str | None = None) -> ActClassifier:
    """The dialog-act classifier, loaded once per process and tier.

    `tier="accurate"` needs its model file and the embedding model it was trained with (from
    `VOICESHARE_EMBEDDING_MODEL`, else the packaged all-MiniLM-L6-v2) and raises a clear error
    without them; `tier="fast"` needs spaCy only; None takes the accurate tier when it can be
    loaded and the fast tier otherwise (`classifier.tier` says which).
    """
    if tier not in (None, *TIERS):
        raise ConfigError(f"Unknown dialog-act tier {tier!r}: choose fast or accurate.")
    key = tier or "auto"
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        fast = _CACHE["fast"] if "fast" in _CACHE else ActClassifier(_load_fast())
        _CACHE["fast"] = fast
        if tier == "fast":
            return fast
        if "accurate" in _CACHE:
            _CACHE[key] = _CACHE["accurate"]
            return _CACHE[key]
        try:
            classifier = _load_accurate(fast)
        except ConfigError:
            raise  # a setting the user got wrong is said, not silently replaced by the fast tier
        except VoiceshareError:
            if tier == "accurate":
                raise
            classifier = fast
        _CACHE[key] = classifier
        if classifier.tier == "accurate":
            _CACHE["accurate"] = classifier
        return classifier


def _load_accurate(fast: ActClassifier) -> ActClassifier:
    from voiceshare.language.embeddings import load_embedder, resolve_model
    from voiceshare.language.tuned import TunedActModel

    path = model_file(ACCURATE_MODEL_FILE)
    arrays, meta = _read_accurate(path)
    trained_with = str(meta["embedding_model"])
    target, configured = resolve_model()
    # A local folder cannot be told apart by name: its shape is checked below instead.
    if configured != trained_with and not Path(target).expanduser().exists():
        raise VoiceshareError(
            f"the accurate dialog-act model was fine-tuned from {trained_with} but "
            f"{configured} is configured; unset VOICESHARE_EMBEDDING_MODEL or retrain it."
        )
    embedder = load_embedder()
    base, tokenizer = embedder.transformer()
    models = {}
    for variant, variant_meta in meta["variants"].items():
        prefix = f"{variant}/"
        try:
            tuned = TunedActModel(
                base,
                tokenizer,
                # Each variant keeps its own number of the base's layers as they are (files
                # before 2026-11-29 give one number for both).
                int(variant_meta.get("frozen_layers", meta.get("frozen_layers"))),
                {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)},
                variant_meta["outputs"],
            )
        except (KeyError, ValueError, TypeError, RuntimeError, IndexError) as exc:
            # A missing layer or a tensor of the wrong shape: not the model it was tuned from.
            detail = str(exc).splitlines()[0].strip("'. ")
            raise VoiceshareError(
                f"{path} does not fit the embedding model {configured} (it was fine-tuned "
                f"from {trained_with}; {detail}); reinstall voiceshare or retrain it."
            ) from None
        models[variant] = AccurateModel(tuned, variant_meta)
    return ActClassifier(fast._fast, models, embedder)


def clear_cache() -> None:
    """Forget the loaded classifiers (tests that change the configuration use this)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def scores_as_dict(scores: ActScores) -> dict[str, object]:
    """A JSON-ready view of one utterance's scores."""
    return {
        "question": scores.question,
        "rejection": scores.rejection,
        "acceptance": scores.acceptance,
        "acts": list(scores.acts),
        "question_type": scores.question_type,
    }
