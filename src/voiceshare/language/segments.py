"""Dialog-act boundaries in raw, unpunctuated speech: where one unit ends and the next begins.

Punctuated text is split into sentences at its end marks (see `voiceshare.language.units`).
Raw speech recognition output has no end marks, and its segments can run for a whole turn:
"yeah i think so but what about the cost do we know it". Scored whole, the question at its end
hides among the statements. This module finds the boundaries a transcriber would have drawn,
with a logistic model over the words on either side of each gap and, when the words carry
times, the length of the pause between them. It was trained on the ICSI meetings' dialog-act
units (`models/segments.json`, see its model card; trained by `models/train_segments.py`).
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from voiceshare.language.text import straight_quotes
from voiceshare.model import Utterance, Word

MODEL_FILE = "segments.json"

# Pause buckets (seconds), the upper edges; a pause at or over the last edge is "long".
PAUSE_EDGES_S = (0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
# A cue of fewer words is read whole. Of 4, 8 and 12 (tried on the MRDA validation split, so
# this one choice was not made on held-out data), 4 found questions and rejections best both on
# the annotators' units and on whole turns.
MIN_WORDS_TO_SPLIT = 4
_NOT_WORD = re.compile(r"[^\w']+")


@lru_cache(maxsize=1 << 16)
def normalise(token: str) -> str:
    """A word as the model reads it: lower case, letters, digits and apostrophes only."""
    return _NOT_WORD.sub("", straight_quotes(token).lower()).replace("_", "")


_PAUSE_TOKENS = (*(f"p:{edge}" for edge in PAUSE_EDGES_S), "p:long")


def pause_token(pause_s: float | None) -> str:
    """The pause's bucket: `p:na` without times, else `p:<edge>` (under that edge) or
    `p:long`."""
    if pause_s is None:
        return "p:na"
    return _PAUSE_TOKENS[bisect.bisect_right(PAUSE_EDGES_S, pause_s)]


def boundary_features(words: Sequence[str], pauses: Sequence[float | None], gap: int) -> list[str]:
    """The features of the gap after `words[gap]` (normalised words; `pauses[k]` is the silence
    after word k, None when untimed): the two words before and after it, and the pause."""
    before = words[gap]
    before2 = words[gap - 1] if gap >= 1 else "<s>"
    after = words[gap + 1]
    after2 = words[gap + 2] if gap + 2 < len(words) else "</s>"
    pause = pause_token(pauses[gap])
    return [
        "bias",
        pause,
        "w0=" + before,
        "w-1w0=" + before2 + "_" + before,
        "w1=" + after,
        "w1w2=" + after + "_" + after2,
        "w0w1=" + before + "_" + after,
        pause + "|w0=" + before,
        pause + "|w1=" + after,
    ]


@dataclass(frozen=True, slots=True)
class SegmentModel:
    """A logistic model over binary features: P(boundary) = sigmoid(Σ weights of the features
    present); a gap is a boundary at `threshold` or above."""

    weights: dict[str, float]
    threshold: float
    _tables: _Tables = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tables", _Tables.of(self.weights))

    def probability(self, features: Sequence[str]) -> float:
        z = sum(self.weights.get(feature, 0.0) for feature in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def boundaries(self, words: Sequence[str], pauses: Sequence[float | None]) -> list[int]:
        """The gaps (after word k) that end a unit: the same decision as `probability` over
        `boundary_features`, summed from per-kind tables instead of building the strings."""
        tables = self._tables
        bias, by_pause = tables.bias, tables.pause
        before_1, after_1 = tables.before, tables.after
        before_2, after_2, across = tables.before_pair, tables.after_pair, tables.across
        pause_before, pause_after = tables.pause_before, tables.pause_after
        cut = _logit(self.threshold)
        padded = ["<s>", *words, "</s>"]
        found = []
        for gap in range(len(words) - 1):
            before, after = padded[gap + 1], padded[gap + 2]
            pause = pause_token(pauses[gap])
            z = (
                bias
                + by_pause.get(pause, 0.0)
                + before_1.get(before, 0.0)
                + before_2.get((padded[gap], before), 0.0)
                + after_1.get(after, 0.0)
                + after_2.get((after, padded[gap + 3]), 0.0)
                + across.get((before, after), 0.0)
                + pause_before.get((pause, before), 0.0)
                + pause_after.get((pause, after), 0.0)
            )
            if z >= cut:
                found.append(gap)
        return found

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentModel:
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
        )


@dataclass(frozen=True, slots=True)
class _Tables:
    """A model's weights by kind of feature, keyed by words (see `boundary_features`)."""

    bias: float
    pause: dict[str, float]
    before: dict[str, float]
    after: dict[str, float]
    before_pair: dict[tuple[str, str], float]
    after_pair: dict[tuple[str, str], float]
    across: dict[tuple[str, str], float]
    pause_before: dict[tuple[str, str], float]
    pause_after: dict[tuple[str, str], float]

    @classmethod
    def of(cls, weights: dict[str, float]) -> _Tables:
        singles: dict[str, dict[str, float]] = {"w0": {}, "w1": {}}
        pairs: dict[str, dict[tuple[str, str], float]] = {
            "w-1w0": {},
            "w1w2": {},
            "w0w1": {},
            "|w0": {},
            "|w1": {},
        }
        pause: dict[str, float] = {}
        for feature, weight in weights.items():
            if feature.startswith("p:"):
                if "|" in feature:
                    token, _, rest = feature.partition("|")
                    kind, _, word = rest.partition("=")
                    pairs["|" + kind][(token, word)] = weight
                else:
                    pause[feature] = weight
                continue
            kind, _, value = feature.partition("=")
            if kind in singles:
                singles[kind][value] = weight
            elif kind in pairs:
                # Words are normalised without underscores, so `_` joins a pair unambiguously.
                first, _, second = value.partition("_")
                pairs[kind][(first, second)] = weight
        return cls(
            bias=weights.get("bias", 0.0),
            pause=pause,
            before=singles["w0"],
            after=singles["w1"],
            before_pair=pairs["w-1w0"],
            after_pair=pairs["w1w2"],
            across=pairs["w0w1"],
            pause_before=pairs["|w0"],
            pause_after=pairs["|w1"],
        )


def _logit(probability: float) -> float:
    return math.log(probability / (1.0 - probability))


@cache
def load_segment_model() -> SegmentModel | None:
    """The shipped boundary model (models/segments.json), or None when it is not installed."""
    from voiceshare.resources import models_dir

    path = models_dir() / MODEL_FILE
    if not path.is_file():
        return None
    return SegmentModel.from_dict(json.loads(path.read_text(encoding="utf-8"))["model"])


def split_utterance(utterance: Utterance, model: SegmentModel) -> list[Utterance]:
    """`utterance` cut at the unit boundaries the model finds, each piece with its words and
    times (from the words' own times when they have them, else by even spacing); the utterance
    itself when there is no boundary."""
    tokens = _timed_tokens(utterance)
    if len(tokens) < MIN_WORDS_TO_SPLIT:
        return [utterance]
    words = [normalise(word.text) or word.text.lower() for word in tokens]
    pauses = [_pause(tokens[k], tokens[k + 1]) for k in range(len(tokens) - 1)]
    cuts = [gap + 1 for gap in model.boundaries(words, pauses)]
    if not cuts:
        return [utterance]
    pieces = []
    edges = [0, *cuts, len(tokens)]
    for number, (begin, end) in enumerate(itertools.pairwise(edges)):
        chunk = tokens[begin:end]
        pieces.append(
            Utterance(
                id=f"{utterance.id}#{number}",
                speaker=utterance.speaker,
                text=" ".join(word.text for word in chunk),
                start_s=_edge_time(utterance, chunk[0].start_s, begin, len(tokens), True),
                end_s=_edge_time(utterance, chunk[-1].end_s, end, len(tokens), False),
                words=chunk if utterance.words else (),
            )
        )
    return pieces


def _timed_tokens(utterance: Utterance) -> tuple[Word, ...]:
    """The utterance's words: its own timed words when it has them, else its text's tokens."""
    if utterance.words:
        return utterance.words
    return tuple(Word(token) for token in utterance.text.split())


def _pause(first: Word, second: Word) -> float | None:
    if first.end_s is None or second.start_s is None:
        return None
    return max(0.0, second.start_s - first.end_s)


def _edge_time(
    utterance: Utterance, word_time: float | None, position: int, count: int, starting: bool
) -> float | None:
    """A piece's start or end: its word's own time, else by even spacing of words."""
    if word_time is not None:
        return word_time
    if utterance.start_s is None or utterance.end_s is None:
        return utterance.start_s if starting else utterance.end_s
    fraction = position / max(1, count)
    return round(utterance.start_s + fraction * (utterance.end_s - utterance.start_s), 3)
