"""Interruptions: who cut whom off, told apart from cooperative overlap and backchannels.

For every utterance the analysis asks whether another speaker cut it off. Evidence comes from
timing (the other person starts while it is in progress or right at its end, the first speaker
stops soon after, who holds the floor afterwards, whether the first speaker resumes) and from
text (a cut-off mark such as `--`, a word fragment, a dangling last word like "and" or "the").
A small logistic model trained on the ICSI meetings (models/interruptions.json, see its model
card) weighs the evidence; transcripts without times fall back to the text evidence alone.

Backchannels are never interruptions and never interrupters. Someone who starts while another
person is talking and is talked over (they stop, the other carries on) made an unsuccessful
interruption; their own utterance is marked as talked over.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

from voiceshare.language import endings
from voiceshare.model import UNIDENTIFIED_SPEAKER, Utterance

Evidence = Literal["timing+text", "text", "none"]

# How close after an utterance's end another speaker must start to have cut it off.
MAX_GAP_S = 0.5

MODEL_FILE = "interruptions.json"


@dataclass(frozen=True, slots=True)
class Interruption:
    """One interruption: `interrupter` cut off (or tried to cut off) `interrupted`'s utterance."""

    utterance_id: str
    interrupted: str
    interrupter: str
    interrupter_utterance_id: str
    time_s: float | None
    successful: bool
    evidence: tuple[str, ...]
    score: float


@dataclass(frozen=True, slots=True)
class InterruptionAnalysis:
    evidence: Evidence
    interruptions: tuple[Interruption, ...]
    overlap_s: dict[str, float]
    backchannels_received: dict[str, int]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """An utterance that may have been cut off by another speaker.

    `after` is the first other speaker's substantive utterance that starts while it is in
    progress or within MAX_GAP_S of its end (they may have cut in); `over` is another speaker's
    substantive utterance already in progress when it began and still going when it ended (they
    may have talked over it). At least one is set.
    """

    index: int
    after: int | None
    over: int | None
    features: dict[str, float]
    last_word: str


@dataclass(frozen=True)
class Model:
    """A logistic model: score = sigmoid(bias + Σ weight·(feature − mean)/scale)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    bias: float
    threshold: float
    # Log-odds that an utterance ending on this word was cut off, learnt from the train split.
    last_word_logodds: dict[str, float]

    def score_features(self, features: dict[str, float]) -> float:
        """The probability for a plain feature mapping (no last-word table)."""
        coefficients, intercept = self._linear
        z = intercept + sum(coefficients.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, candidate: Candidate) -> float:
        # Standardising folds into the weights: z = intercept + Σ coefficient·feature.
        coefficients, intercept = self._linear
        features = candidate.features
        z = intercept + coefficients.get("last_word_logodds", 0.0) * self.last_word_logodds.get(
            candidate.last_word, 0.0
        )
        for name, value in features.items():
            if value:
                z += coefficients.get(name, 0.0) * value
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @cached_property
    def _linear(self) -> tuple[dict[str, float], float]:
        coefficients = {
            name: weight / scale
            for name, weight, scale in zip(self.features, self.weights, self.scales, strict=True)
        }
        intercept = self.bias - sum(
            weight * mean / scale
            for weight, mean, scale in zip(self.weights, self.means, self.scales, strict=True)
        )
        return coefficients, intercept

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Model:
        return cls(
            features=tuple(data["features"]),
            weights=tuple(float(w) for w in data["weights"]),
            means=tuple(float(m) for m in data["means"]),
            scales=tuple(float(s) for s in data["scales"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            last_word_logodds={k: float(v) for k, v in data.get("last_word_logodds", {}).items()},
        )


@cache
def load_models(path: Path | None = None) -> dict[str, Model]:
    """The trained models by variant (`punctuated`, `raw`), loaded once per process."""
    from voiceshare.resources import model_file

    data = json.loads((path or model_file(MODEL_FILE)).read_text(encoding="utf-8"))
    return {name: Model.from_dict(model) for name, model in data["models"].items()}


def uses_punctuation(utterances: Sequence[Utterance]) -> bool:
    """Whether the transcript is punctuated (like human or modern ASR transcripts): then a
    missing full stop or a cut-off mark means something."""
    texts = _sample(utterances)
    marked = sum(1 for t in texts if endings.terminal_punctuation(t) or endings.cut_off_mark(t))
    return bool(texts) and marked >= 0.3 * len(texts)


def _sample(utterances: Sequence[Utterance]) -> list[str]:
    """Enough texts to tell how a transcript is written: the first few hundred."""
    return [u.text for u in itertools.islice(utterances, 2000) if u.text][:400]


def candidates(
    ordered: Sequence[Utterance], backchannels: frozenset[str], punctuated: bool
) -> list[Candidate]:
    """Every timed utterance another speaker cut in on or talked over, with the evidence as
    features (see `Candidate`)."""
    result = []
    count = len(ordered)
    # Next utterance by the same speaker, for "does the first speaker carry on?".
    next_same: list[int | None] = [None] * count
    last_seen: dict[str, int] = {}
    for index in range(count - 1, -1, -1):
        speaker = ordered[index].speaker
        next_same[index] = last_seen.get(speaker)
        last_seen[speaker] = index
    # The substantive utterance of each other speaker that is in progress, by speaker.
    ongoing: dict[str, int] = {}
    for index, utterance in enumerate(ordered):
        start, end = utterance.start_s, utterance.end_s
        substantive = utterance.id not in backchannels and utterance.speaker != UNIDENTIFIED_SPEAKER
        if not substantive or start is None or end is None:
            continue
        over = None
        over_end = 0.0
        finished = []
        for speaker, j in ongoing.items():
            previous_end = ordered[j].end_s or 0.0
            if previous_end <= start:
                finished.append(speaker)  # utterances come by start time: it is over for good
            elif speaker != utterance.speaker and previous_end >= end and previous_end > over_end:
                over, over_end = j, previous_end
        for speaker in finished:
            del ongoing[speaker]
        after = None
        for j in range(index + 1, count):
            following = ordered[j]
            if following.start_s is None or following.start_s > end + MAX_GAP_S:
                break
            if (
                following.speaker != utterance.speaker
                and following.id not in backchannels
                and following.speaker != UNIDENTIFIED_SPEAKER
                and following.start_s > start
            ):
                after = j
                break
        current = ongoing.get(utterance.speaker)
        if current is None or (ordered[current].end_s or 0.0) <= end:
            ongoing[utterance.speaker] = index
        if after is None and over is None:
            continue
        features = _features(ordered, index, after, over, next_same[index], punctuated)
        result.append(Candidate(index, after, over, features, endings.last_word(utterance.text)))
    return result


def _features(
    ordered: Sequence[Utterance],
    index: int,
    after: int | None,
    over: int | None,
    same: int | None,
    punctuated: bool,
) -> dict[str, float]:
    u = ordered[index]
    assert u.start_s is not None
    assert u.end_s is not None
    text = u.text
    words = u.word_count
    resumes_gap = 10.0
    if same is not None and ordered[same].start_s is not None:
        resumes_gap = min(10.0, max(-2.0, ordered[same].start_s - u.end_s))  # type: ignore[operator]
    cut = 1.0 if punctuated and endings.cut_off_mark(text) else 0.0
    fragment = 1.0 if endings.fragment_ending(text) else 0.0
    dangling = 1.0 if endings.incomplete_ending(text) else 0.0
    unfinished = 1.0 if punctuated and not endings.terminal_punctuation(text) else 0.0
    incomplete = max(cut, fragment, dangling)
    features = {
        "cut": cut,
        "fragment": fragment,
        "dangling": dangling,
        "unfinished": unfinished,
        "log_words": math.log1p(words),
        "short": 1.0 if words <= 2 else 0.0,
        "resumes_gap_s": resumes_gap,
        "resumes_soon": 1.0 if resumes_gap < 0.5 else 0.0,
        "has_after": 0.0,
        "has_over": 0.0,
    }
    if after is not None:
        v = ordered[after]
        assert v.start_s is not None
        v_end = v.end_s if v.end_s is not None else v.start_s
        overlap = u.end_s - v.start_s  # > 0: the other started before this one ended
        near = 1.0 if -0.3 <= overlap <= 1.0 else 0.0
        # The first speaker comes back only after the other has finished: the other held the floor.
        held = 1.0 if same is None or (ordered[same].start_s or 0.0) >= v_end - 0.2 else 0.0
        spoken_after = _words_after(u, v.start_s)
        features |= {
            "has_after": 1.0,
            "words_after_other": min(10.0, spoken_after),
            "stops_quickly": 1.0 if spoken_after <= 2 else 0.0,
            "overlap_s": max(-MAX_GAP_S, min(3.0, overlap)),
            "inside": 1.0 if overlap > 0 else 0.0,
            "near": near,
            "other_log_words": math.log1p(v.word_count),
            "other_floor": 1.0 if (v_end - v.start_s) >= 1.0 and v.word_count >= 3 else 0.0,
            "held": held,
            "cut_near": cut * near,
            "cut_held": cut * held,
            "incomplete_near": incomplete * near,
            "unfinished_near": unfinished * near,
            "near_held": near * held,
        }
    if over is not None:
        w = ordered[over]
        assert w.start_s is not None
        assert w.end_s is not None
        features |= {
            "has_over": 1.0,
            "over_started_s": min(10.0, u.start_s - w.start_s),
            "over_continues_s": min(10.0, w.end_s - u.end_s),
            "over_log_words": math.log1p(w.word_count),
            "cut_over": cut,
            "incomplete_over": incomplete,
            "short_over": 1.0 if words <= 3 else 0.0,
        }
    features["cut_resumes_soon"] = cut * features["resumes_soon"]
    return features


def _words_after(u: Utterance, time_s: float) -> float:
    """How many words `u` went on to say after `time_s`: from word timings when the source has
    them, else estimated from the utterance's speaking rate."""
    if u.words and all(w.start_s is not None for w in u.words):
        return float(sum(1 for w in u.words if (w.start_s or 0.0) >= time_s))
    duration = u.duration_s or 0.0
    if duration <= 0 or u.end_s is None:
        return 0.0
    return max(0.0, u.end_s - time_s) / duration * u.word_count


def _evidence_text(features: dict[str, float], u: Utterance, v: Utterance) -> tuple[str, ...]:
    notes = []
    overlap = features.get("overlap_s", 0.0)
    if overlap >= 0.05:
        notes.append(f"{v.speaker} started {overlap:.1f} s before {u.speaker} stopped")
    elif overlap > -0.05:  # what would read "-0.0 s after" or "0.0 s before"
        notes.append(f"{v.speaker} started the moment {u.speaker} stopped")
    else:
        notes.append(f"{v.speaker} started {-overlap:.1f} s after {u.speaker} stopped")
    notes.extend(_text_evidence(features, u))
    if features.get("held"):
        notes.append(f"{v.speaker} kept the floor")
    return tuple(notes)


def _text_evidence(features: dict[str, float], u: Utterance) -> list[str]:
    if features["cut"]:
        return ["the utterance ends with a cut-off mark"]
    if features["fragment"]:
        return ["the utterance ends in a broken-off word"]
    if features["dangling"]:
        return [f"the utterance ends on '{endings.last_word(u.text)}'"]
    return []


# Words with which the first speaker accepts someone else's completion of their sentence.
_ACCEPTANCE = frozenset(
    {"yes", "yeah", "yep", "exactly", "right", "precisely", "correct", "mm-hmm"}
)
COMPLETION_MAX_WORDS = 6


def collaborative_completion(ordered: Sequence[Utterance], index: int, other: int) -> bool:
    """B finishes A's unfinished sentence in a few words and A accepts it ("exactly"): helping
    each other say something is not an interruption."""
    completion = ordered[other]
    if completion.word_count > COMPLETION_MAX_WORDS:
        return False
    speaker = ordered[index].speaker
    for following in ordered[other + 1 : other + 4]:
        if following.speaker == completion.speaker:
            continue
        words = endings.words(following.text)
        return following.speaker == speaker and bool(words) and words[0] in _ACCEPTANCE
    return False


def is_talked_over(candidate: Candidate, ordered: Sequence[Utterance]) -> bool:
    """Whether a cut-off is best explained by the other person talking on (they were already
    speaking when this began and carried on after it stopped) rather than by someone cutting in."""
    if candidate.over is None:
        return False
    if candidate.after is None:
        return True
    return candidate.features.get("near", 0.0) == 0.0


_SENTENCE_END = re.compile(r"[.?!][\"')\]]*(?:\s+[A-Z]|$)")


def writes_sentences(utterances: Sequence[Utterance]) -> bool:
    """Whether the transcript marks where sentences end (a full stop, question or exclamation
    mark at the end or before a capital) in at least 30% of a sample of its utterances."""
    texts = _sample(utterances)
    marked = sum(1 for t in texts if _SENTENCE_END.search(t))
    return bool(texts) and marked >= 0.3 * len(texts)


def label_switch(u: Utterance, v: Utterance) -> bool:
    """Whether `v` carries on `u`'s sentence: `u` has no sentence end or cut-off mark and `v`
    starts in lower case ("...is being recorded and" / "may not be reproduced..."). In a
    punctuated transcript whose speakers a speech recogniser told apart, that is the
    recogniser changing its speaker label inside one person's sentence, not an interruption:
    on the 44 earnings21 calls with Amazon Transcribe output, the reference RTTMs give the
    rest of the sentence to the person who began it at 1,870 of the 1,879 such changes where
    they name one speaker."""
    return endings.carries_on(u.text, v.text)


def analyze_interruptions(
    ordered: Sequence[Utterance],
    backchannels: frozenset[str],
    timed: bool,
    machine_diarized: bool = False,
) -> InterruptionAnalysis:
    """Find interruptions in timeline-ordered utterances (see the module docstring).
    `machine_diarized` says that a speech recogniser told the speakers apart: its changes of
    speaker inside a sentence (`label_switch`) are then not taken for interruptions."""
    punctuated = uses_punctuation(ordered)
    # A recogniser's speaker runs may end anywhere, so look for sentences inside them too.
    sentences_written = machine_diarized and writes_sentences(ordered)
    notes: list[str] = []
    found: list[Interruption] = []
    switches = 0
    has_overlap = any(
        b.start_s is not None and a.end_s is not None and b.start_s < a.end_s - 0.05
        for a, b in itertools.pairwise(ordered)
        if a.speaker != b.speaker
    )
    if timed:
        model = load_models()["punctuated" if punctuated else "raw"]
        for candidate in candidates(ordered, backchannels, punctuated):
            score = model.score(candidate)
            if score < model.threshold:
                continue
            u = ordered[candidate.index]
            if candidate.after is not None and collaborative_completion(
                ordered, candidate.index, candidate.after
            ):
                continue
            if is_talked_over(candidate, ordered):
                # They tried to come in while someone was talking and were talked over: an
                # unsuccessful interruption of the person who held the floor.
                w = ordered[candidate.over]  # type: ignore[index]
                found.append(
                    Interruption(
                        utterance_id=w.id,
                        interrupted=w.speaker,
                        interrupter=u.speaker,
                        interrupter_utterance_id=u.id,
                        time_s=u.start_s,
                        successful=False,
                        evidence=(
                            f"{u.speaker} started while {w.speaker} was talking",
                            f"{w.speaker} talked on and {u.speaker} stopped",
                            *_text_evidence(candidate.features, u),
                        ),
                        score=score,
                    )
                )
                continue
            v = ordered[candidate.after]  # type: ignore[index]
            if sentences_written and label_switch(u, v):
                switches += 1
                continue
            found.append(
                Interruption(
                    utterance_id=u.id,
                    interrupted=u.speaker,
                    interrupter=v.speaker,
                    interrupter_utterance_id=v.id,
                    time_s=v.start_s,
                    successful=True,
                    evidence=_evidence_text(candidate.features, u, v),
                    score=score,
                )
            )
        evidence: Evidence = "timing+text"
        if switches:
            notes.append(
                f"{switches} time(s) the speech recogniser changed speaker in the middle of a "
                "sentence (the next words carry it on in lower case); those are taken for its "
                "speaker labels going wrong, not for interruptions. Its labels decide speaking "
                "time too, so read the shares with that in mind."
            )
        if not has_overlap and not any(u.text for u in ordered):
            notes.append(
                "The speaker turns never overlap and carry no words (speaker timings without "
                "a transcript), so interruptions rest on timing alone, on how quickly the next "
                "person started; attempts that failed cannot be seen."
            )
        elif not has_overlap:
            notes.append(
                "The transcript's timings never overlap (cues were laid end to end), so "
                "interruptions rest on the text and on how quickly the next person started; "
                "attempts that failed cannot be seen."
            )
    elif punctuated:
        found = _text_only(ordered, backchannels)
        evidence = "text"
        timing = (
            "The transcript's timings are incomplete"
            if any(u.start_s is not None for u in ordered)
            else "The transcript has no timings"
        )
        notes.append(
            f"{timing}, so interruptions are found from the text alone "
            "(an utterance cut off with '--' or '...' and another person speaking next); "
            "attempts that failed cannot be seen."
        )
    else:
        evidence = "none"
        notes.append(
            "The transcript has neither timings nor punctuation, so interruptions cannot be "
            "measured."
        )
    found.sort(key=lambda i: i.time_s if i.time_s is not None else 0.0)
    if evidence == "text":
        found.sort(key=lambda i: _position(ordered, i.utterance_id))
    return InterruptionAnalysis(
        evidence=evidence,
        interruptions=tuple(found),
        overlap_s=overlap_time(ordered) if timed else {},
        backchannels_received=_backchannels_received(ordered, backchannels),
        notes=tuple(notes),
    )


def _position(ordered: Sequence[Utterance], utterance_id: str) -> int:
    for index, utterance in enumerate(ordered):
        if utterance.id == utterance_id:
            return index
    return 0


def _text_only(ordered: Sequence[Utterance], backchannels: frozenset[str]) -> list[Interruption]:
    """Untimed transcripts: an utterance ending in a cut-off mark, with another speaker next."""
    found = []
    for index in range(len(ordered) - 1):
        u, v = ordered[index], ordered[index + 1]
        if u.speaker == v.speaker or v.id in backchannels or u.id in backchannels:
            continue
        if UNIDENTIFIED_SPEAKER in (u.speaker, v.speaker):
            continue
        if not (endings.cut_off_mark(u.text) or endings.fragment_ending(u.text)):
            continue
        found.append(
            Interruption(
                utterance_id=u.id,
                interrupted=u.speaker,
                interrupter=v.speaker,
                interrupter_utterance_id=v.id,
                time_s=None,
                successful=True,
                evidence=(
                    "the utterance ends with a cut-off mark",
                    f"{v.speaker} spoke next",
                ),
                score=1.0,
            )
        )
    return found


def overlap_time(ordered: Sequence[Utterance]) -> dict[str, float]:
    """Per speaker, the time they spent talking while at least one other person also talked."""
    events: list[tuple[float, int, str]] = []
    for u in ordered:
        if u.start_s is not None and u.end_s is not None and u.end_s > u.start_s:
            events.append((u.start_s, 1, u.speaker))
            events.append((u.end_s, -1, u.speaker))
    events.sort(key=lambda e: (e[0], e[1]))
    depth: dict[str, int] = defaultdict(int)
    active: set[str] = set()
    overlap: dict[str, float] = defaultdict(float)
    previous = 0.0
    for time, delta, speaker in events:
        if len(active) > 1 and time > previous:
            for name in active:
                overlap[name] += time - previous
        depth[speaker] += delta
        if depth[speaker] > 0:
            active.add(speaker)
        else:
            active.discard(speaker)
        previous = time
    return dict(overlap)


def _backchannels_received(
    ordered: Sequence[Utterance], backchannels: frozenset[str]
) -> dict[str, int]:
    """Backchannels count as received by whoever held the floor when they were given."""
    received: dict[str, int] = defaultdict(int)
    holder: str | None = None
    for u in ordered:
        if u.id in backchannels:
            if holder is not None and holder != u.speaker:
                received[holder] += 1
        else:
            holder = u.speaker
    return dict(received)
