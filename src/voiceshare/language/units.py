"""Dialog-act units: the sentence-sized pieces the act models read, cut from a transcript's cues.

The act models learned from MRDA, where every unit is one dialog act: a sentence or less. Exports
are cut differently. A Zoom or Teams cue often holds several sentences ("Can you zoom it? Just
so the text shows up bigger."), and a long sentence is often spread over several cues of one
speaker ("and then" | "I have more."). Scored whole, the first kind hides its question among
statements and the second looks like a lone fragment. So, in punctuated text, the cues of one
speaker that follow each other closely are joined while a cue stops mid-sentence, and the
result is split into sentences (the spaCy pipeline's sentencizer or parser); each sentence is
classified with its neighbours as context, as MRDA's units were, and its acts go back to the
cue it belongs to: a question to the cue where it ends (the reply comes after it), a rejection
or acceptance to the cue where it starts. Raw, unpunctuated text has no end marks to split at:
there each cue is cut where the boundary model (`voiceshare.language.segments`) finds that a
unit ends, from the words on either side and the pause between them, and cues are not joined.

End marks are read as MRDA's transcribers wrote them: every unit there ends with `.`, `?` or,
when it was cut off or abandoned, `==`. A trailing `--`, `...` or `…` becomes `==`. A unit that
ends with no mark at all (a captioner who left a question unpunctuated, or a speaker who
stopped mid-sentence: "And then") is scored both ways, as it stands and as cut off, and the two
scores are averaged: the model is not left to guess from an ending it never saw in training.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from voiceshare.language.endings import cut_off_mark, fragment_ending, terminal_punctuation
from voiceshare.model import Utterance

if TYPE_CHECKING:
    from voiceshare.language.acts import ActClassifier, ActScores

# Cues of one speaker this close together may continue one sentence.
JOIN_GAP_S = 1.5
# A sentence that runs on longer than this is left in pieces (text that is barely punctuated).
MAX_JOINED_WORDS = 60
# Longer texts are cut at end marks directly instead of through the spaCy pipeline.
MAX_PIPELINE_CHARS = 100_000
# A sentence boundary inside a text: end punctuation, closing quotes or brackets, a space.
_INNER_BOUNDARY = re.compile(r"[.?!][\"')\]]*\s+\S")
_MARK_AND_SPACE = re.compile(r"[.?!][\"')\]]*\s+(?=\S)")
# Cut-off and trail-off marks other transcribers use for MRDA's `==`.
_OTHER_CUT_OFF = re.compile(r"\s*(?:--+|—|–|\.\.\.|…)\s*$")
CUT_OFF = " =="
# The tail of an or-question said as a unit of its own (MRDA's `qrr`): "or", "or not?".
_OR_TAIL = re.compile(
    r"^\W*(?:(?:uh|um)\W+)*or(?:\W+(?:not|what|something|anything|so|whatever))?[\W=]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence as the act models read it, and the cues it came from.

    `utterance` carries the sentence as the models read it (its end mark as MRDA writes it),
    its speaker and its times (interpolated by character position within the cues); `text` is
    the sentence as the transcript has it; `first` and `last` are the positions of the cues
    where it starts and ends."""

    utterance: Utterance
    first: int
    last: int
    text: str


def act_units(ordered: Sequence[Utterance], punctuated: bool) -> list[Unit]:
    """The units of timeline-ordered `ordered` (see the module doc), in order."""
    if not punctuated:
        return _split_raw(ordered)
    return [_with_mrda_ending(unit) for unit in _split(ordered)]


def _split_raw(ordered: Sequence[Utterance]) -> list[Unit]:
    """Each cue cut where the boundary model finds a unit's end (whole without the model)."""
    from voiceshare.language.segments import load_segment_model, split_utterance

    model = load_segment_model()
    if model is None:
        return [Unit(u, i, i, u.text) for i, u in enumerate(ordered)]
    units = []
    for i, utterance in enumerate(ordered):
        pieces = split_utterance(utterance, model)
        if len(pieces) == 1:
            units.append(Unit(utterance, i, i, utterance.text))
        else:
            units.extend(Unit(piece, i, i, piece.text) for piece in pieces)
    return units


def _split(ordered: Sequence[Utterance]) -> list[Unit]:
    groups = _groups(ordered)
    joined = [" ".join(ordered[i].text.strip() for i in group) for group in groups]
    sentences = _sentences(joined)
    units: list[Unit] = []
    for group, text, spans in zip(groups, joined, sentences, strict=True):
        # Where each cue's text starts in the joined text.
        starts, offset = [], 0
        for i in group:
            starts.append(offset)
            offset += len(ordered[i].text.strip()) + 1
        if len(group) == 1 and len(spans) == 1:
            units.append(Unit(ordered[group[0]], group[0], group[0], ordered[group[0]].text))
            continue
        for number, (begin, end) in enumerate(spans):
            first = _containing(starts, begin)
            last = _containing(starts, end - 1)
            source = ordered[group[first]]
            units.append(
                Unit(
                    Utterance(
                        id=f"{source.id}#{number}",
                        speaker=source.speaker,
                        text=text[begin:end],
                        start_s=_time_at(ordered[group[first]], begin - starts[first], True),
                        end_s=_time_at(ordered[group[last]], end - starts[last], False),
                    ),
                    group[first],
                    group[last],
                    text[begin:end],
                )
            )
    return units


def predict_by_units(
    classifier: ActClassifier, ordered: Sequence[Utterance], punctuated: bool
) -> list[ActScores]:
    """One `ActScores` per utterance of `ordered`, from its units' scores: an act is found
    when any unit that belongs to the utterance has it (its score is the highest of theirs),
    and the question type is the likeliest question's."""
    return classify_by_units(classifier, ordered, punctuated)[0]


@dataclass(frozen=True, slots=True)
class Asked:
    """The questions inside a longer utterance: their words as the transcript has them, and
    when the first of them starts (from its words' times, else by even spacing of characters
    or words within its cue, the first cue of a sentence joined from several; None without
    times)."""

    text: str
    start_s: float | None


def classify_by_units(
    classifier: ActClassifier, ordered: Sequence[Utterance], punctuated: bool
) -> tuple[list[ActScores], list[Asked | None]]:
    """`predict_by_units`, and for each utterance that holds more than its questions, the
    questions as the transcript words them and when they start (None for the others)."""
    from voiceshare.language.acts import ActScores

    units = act_units(ordered, punctuated)
    if not punctuated and len(units) == len(ordered):
        return classifier.predict(ordered, punctuated), [None] * len(ordered)
    texts = [unit.utterance for unit in units]
    scored = classifier.predict(texts, punctuated)
    unmarked = [k for k, unit in enumerate(texts) if punctuated and open_ending(unit.text)]
    if unmarked:
        marked = list(texts)
        for k in unmarked:
            marked[k] = replace(texts[k], text=texts[k].text + CUT_OFF)
        as_cut_off = classifier.predict(marked, punctuated, unmarked)
        for k, other in zip(unmarked, as_cut_off, strict=True):
            scored[k] = _average(scored[k], other)
    asked: list[list[ActScores]] = [[] for _ in ordered]
    said: list[list[ActScores]] = [[] for _ in ordered]
    wording: list[list[Unit]] = [[] for _ in ordered]
    for k, (unit, scores) in enumerate(zip(units, scored, strict=True)):
        asked[unit.last].append(scores)
        said[unit.first].append(scores)
        if scores.is_question:
            before = units[k - 1] if k else None
            # "...buy three" | "or": the "or" asks about the words before it in the cue.
            if (
                before is not None
                and _OR_TAIL.match(unit.text)
                and before.last == unit.first
                and before.utterance.speaker == unit.utterance.speaker
                and before not in wording[unit.last]
            ):
                wording[unit.last].append(before)
            wording[unit.last].append(unit)
    results = []
    for ending_here, starting_here in zip(asked, said, strict=True):
        question = max(ending_here, key=lambda s: s.question, default=None)
        rejection = max(starting_here, key=lambda s: s.rejection, default=None)
        acceptance = max(starting_here, key=lambda s: s.acceptance, default=None)
        results.append(
            ActScores(
                question=question.question if question else 0.0,
                rejection=rejection.rejection if rejection else 0.0,
                acceptance=acceptance.acceptance if acceptance else 0.0,
                is_question=bool(question and question.is_question),
                is_rejection=bool(rejection and rejection.is_rejection),
                is_acceptance=bool(acceptance and acceptance.is_acceptance),
                question_type=question.question_type if question and question.is_question else None,
            )
        )
    asked_here: list[Asked | None] = []
    for u, questions in zip(ordered, wording, strict=True):
        text = " ".join(unit.text.strip() for unit in questions)
        if questions and text != u.text.strip():
            # A sentence joined from several cues starts in the first of them.
            asked_here.append(Asked(text, questions[0].utterance.start_s))
        else:
            asked_here.append(None)
    return results, asked_here


def open_ending(text: str) -> bool:
    """Whether `text` ends with no end punctuation and no cut-off mark."""
    return bool(text.strip()) and not (terminal_punctuation(text) or cut_off_mark(text))


def _with_mrda_ending(unit: Unit) -> Unit:
    """The unit with its cut-off mark written as MRDA's `==`."""
    text = unit.utterance.text.rstrip()
    if text.endswith("=="):
        return unit
    if _OTHER_CUT_OFF.search(text):
        text = _OTHER_CUT_OFF.sub(CUT_OFF, text)
    elif fragment_ending(text):
        text += CUT_OFF
    else:
        return unit
    return replace(unit, utterance=replace(unit.utterance, text=text))


def _average(first: ActScores, second: ActScores) -> ActScores:
    """The mean of two readings of one unit, decided at the common threshold."""
    from voiceshare.language.acts import DECISION, ActScores

    question = round((first.question + second.question) / 2, 4)
    rejection = round((first.rejection + second.rejection) / 2, 4)
    acceptance = round((first.acceptance + second.acceptance) / 2, 4)
    likelier = first if first.question >= second.question else second
    return ActScores(
        question=question,
        rejection=rejection,
        acceptance=acceptance,
        is_question=question >= DECISION,
        is_rejection=rejection >= DECISION,
        is_acceptance=acceptance >= DECISION,
        question_type=likelier.question_type if question >= DECISION else None,
    )


def _groups(ordered: Sequence[Utterance]) -> list[list[int]]:
    """Runs of cues that continue one sentence: same speaker, close in time, the earlier one
    stopping without end punctuation or a cut-off mark."""
    groups: list[list[int]] = []
    words = 0
    for index, utterance in enumerate(ordered):
        if groups and _continues(ordered[groups[-1][-1]], utterance, words):
            groups[-1].append(index)
            words += len(utterance.text.split())
        else:
            groups.append([index])
            words = len(utterance.text.split())
    return groups


def _continues(earlier: Utterance, later: Utterance, words: int) -> bool:
    if earlier.speaker != later.speaker or not earlier.text.strip() or not later.text.strip():
        return False
    if terminal_punctuation(earlier.text) or cut_off_mark(earlier.text):
        return False
    if words + len(later.text.split()) > MAX_JOINED_WORDS:
        return False
    if earlier.end_s is None or later.start_s is None:
        return earlier.end_s is None and later.start_s is None
    return later.start_s - earlier.end_s <= JOIN_GAP_S


def _sentences(texts: list[str]) -> list[list[tuple[int, int]]]:
    """The sentences of each text as (start, end) character offsets, stripped; a text with no
    boundary inside is one sentence (and is not run through the pipeline)."""
    spans: list[list[tuple[int, int]]] = [[(0, len(text))] for text in texts]
    inner = [i for i, text in enumerate(texts) if _INNER_BOUNDARY.search(text.rstrip())]
    if not inner:
        return spans
    from voiceshare.language.nlp import load_pipeline

    nlp = load_pipeline()
    # spaCy refuses texts over its max_length (a transcript with no line breaks at all).
    limit = min(nlp.max_length, MAX_PIPELINE_CHARS)
    for i in inner:
        if len(texts[i]) >= limit:
            spans[i] = _split_at_marks(texts[i])
    inner = [i for i in inner if len(texts[i]) < limit]
    for i, doc in zip(inner, nlp.pipe(texts[i] for i in inner), strict=True):
        found = [
            (sentence.start_char, sentence.end_char)
            for sentence in doc.sents
            if sentence.text.strip()
        ]
        spans[i] = found or spans[i]
    return spans


def _split_at_marks(text: str) -> list[tuple[int, int]]:
    """Sentences cut after every end mark followed by a space (no abbreviation list)."""
    spans, begin = [], 0
    for match in _MARK_AND_SPACE.finditer(text):
        spans.append((begin, match.start() + len(match.group().rstrip())))
        begin = match.end()
    spans.append((begin, len(text.rstrip())))
    return [(b, e) for b, e in spans if e > b]


def _containing(starts: list[int], offset: int) -> int:
    """The position of the cue whose text holds character `offset` of the joined text."""
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _time_at(utterance: Utterance, offset: int, starting: bool) -> float | None:
    """The time `offset` characters into `utterance`'s text, by even spacing of characters
    (its start or end when the offset falls on an edge)."""
    if utterance.start_s is None or utterance.end_s is None:
        return utterance.start_s if starting else utterance.end_s
    length = max(1, len(utterance.text.strip()))
    fraction = min(1.0, max(0.0, offset / length))
    return round(utterance.start_s + fraction * (utterance.end_s - utterance.start_s), 3)
