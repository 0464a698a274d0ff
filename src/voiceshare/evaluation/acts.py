"""Score the dialog-act classifier against the MRDA annotators: questions, their types,
rejections, and (with a predictor supplied) answered questions.

Gold (see `voiceshare.evaluation.mrda.GoldUnit`): a question has a tag qy, qw, qr, qrr, qo or
qh in any `|` part of its label, quoted material excluded; a rejection has ar or arp. The
question type comes from the tags: qh -> rhetorical, a `d` tag -> declarative, qr/qrr -> or,
qw -> wh, qo -> open, qy -> yes_no (in that order). Units labelled `z` are talk the annotators
left unlabelled (before and after the meeting, a duplicated microphone): they have no gold, so
they are not scored (the classifier still sees them as context).

Baselines, run on the same meetings: `'?' in the text` (punctuated text only), tf-idf
(uni- and bigrams) + logistic regression trained on the MRDA train split with the threshold
picked on held-out train meetings (as the models are), and for rejections a rule: the utterance
opens with a refusal ("no", "nope", "nah", "not really", "I don't think", "I disagree"...).

Answered questions: `answered_accuracy(root, split, predict_answers)` scores any function
`predict_answers(meeting) -> {utterance id: answering speaker or None}` against
`gold_answers` (a gold question counts as answered when its adjacency pair's second part comes
from another speaker); ids it leaves out count as unanswered. The CLI scores every entry of
`ANSWER_PREDICTORS` (display name -> "module:function") next to the baseline 'a
non-backchannel reply by another speaker within 5 s', and the same analysis given the
annotated questions (`GIVEN_QUESTIONS`: the answer decision alone, as the baseline is).

Whole turns: exports seldom cut talk into MRDA's units; a Zoom cue or a speaker's turn holds
several. So the units are also joined into turns (a speaker's consecutive units, in time order,
with their timed words) and each turn is scored as one utterance, once as the analysis reads it
(`voiceshare.language.units`: sentence by sentence in punctuated text, cut by the boundary model
in raw text) and once whole; raw turns also cut at every pause of `BASELINE_PAUSE_S` or more,
the simple rule the boundary model has to beat. A turn's gold is a question (a rejection) when
any of its labelled units is one. The units themselves are scored twice too: as the models read
them (the headline figure) and as the analysis cuts them (`analysis_path`), which in raw text
may cut a unit the annotators kept whole.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voiceshare.evaluation.interruptions import Score
from voiceshare.evaluation.mrda import GoldUnit, gold_answers, load_meeting, meeting_ids
from voiceshare.language.acts import QUESTION_TYPES, ActClassifier, load_act_classifier
from voiceshare.language.units import predict_by_units
from voiceshare.metrics.backchannels import backchannel_ids
from voiceshare.model import Meeting, Utterance, Word

AnswerPredictor = Callable[[Meeting], Mapping[str, str | None]]
# Answer predictors the CLI scores: display name -> "package.module:function". The function
# takes a `Meeting` and returns {question utterance id: the speaker who answered, or None}.
ANSWER_PREDICTORS: dict[str, str] = {
    "voiceshare": "voiceshare.evaluation.answers:predict_answers",
}
# The row that scores the answer decision alone, with the annotated questions as the questions.
GIVEN_QUESTIONS = "voiceshare, given the annotated questions"
# The answered-question baseline's name in `ActsEval.answered`.
ANSWER_BASELINE = "reply by another speaker within 5 s"
# How soon another speaker's reply must start for the answered-question baseline.
BASELINE_REPLY_S = 5.0
# How whole turns are read: as the analysis does, and as one piece (and raw ones at pauses).
TURN_READINGS = ("sentence by sentence", "whole turn")
RAW_TURN_READINGS = ("cut by the boundary model", "cut at pauses of 0.2 s or more", "whole turn")
# The pause that cuts a raw turn in the baseline reading.
BASELINE_PAUSE_S = 0.2
# Train meetings (at the end of the split file) held out to pick the tf-idf baselines' thresholds.
TUNE_MEETINGS = 10

_TAG = re.compile(r"[\^.]")
_REFUSAL = re.compile(
    r"^(?:no+|nope|nah|not really|not necessarily|not exactly|i don'?t think|i disagree|"
    r"i doubt|that'?s not|it'?s not|wrong|actually no)\b"
)


def function_tags(label: str) -> set[str]:
    """The tags of every `|` part of an MRDA label, quoted material (after `:`) excluded."""
    tags: set[str] = set()
    for segment in label.split("|"):
        tags.update(_TAG.split(segment.split(":", 1)[0]))
    return tags


def question_type(unit: GoldUnit) -> str | None:
    """The question type of a gold unit (see the module doc), None when it is no question."""
    tags = function_tags(unit.label)
    for name, wanted in (
        ("rhetorical", {"qh"}),
        ("declarative", {"d"}),
        ("or", {"qr", "qrr"}),
        ("wh", {"qw"}),
        ("open", {"qo"}),
        ("yes_no", {"qy"}),
    ):
        if unit.is_question and tags & wanted:
            return name
    return None


def is_unlabelled(unit: GoldUnit) -> bool:
    """A `z` unit: real talk the annotators did not label."""
    return unit.label.split("|")[0].split(".")[0] == "z"


@dataclass
class AnsweredEval:
    """Answered-vs-unanswered accuracy over gold questions, and who answered."""

    questions: int = 0
    correct: int = 0
    answered_gold: int = 0
    right_speaker: int = 0
    answered_both: int = 0  # answered in gold and by the method

    def add(self, predicted: str | None, gold: str | None) -> None:
        self.questions += 1
        self.correct += (predicted is None) == (gold is None)
        self.answered_gold += gold is not None
        self.right_speaker += gold is not None and predicted == gold
        self.answered_both += gold is not None and predicted is not None

    @property
    def accuracy(self) -> float:
        return self.correct / self.questions if self.questions else 0.0

    @property
    def answerer_accuracy(self) -> float:
        """Of the questions answered in gold, the share whose answerer was named correctly."""
        return self.right_speaker / self.answered_gold if self.answered_gold else 0.0

    @property
    def named_when_answered(self) -> float:
        """Of the questions answered in gold that the method calls answered too, the share
        whose answerer it named correctly: naming alone, apart from the answered decision."""
        return self.right_speaker / self.answered_both if self.answered_both else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "accuracy": round(self.accuracy, 4),
            "answerer_accuracy": round(self.answerer_accuracy, 4),
            "named_when_answered": round(self.named_when_answered, 4),
            "questions": self.questions,
            "answered_in_gold": self.answered_gold,
        }


@dataclass
class ActsEval:
    split: str
    punctuation: bool
    tier: str
    meetings: int = 0
    units: int = 0
    scored_units: int = 0
    questions: int = 0
    rejections: int = 0
    embedded: int = 0
    question: Score = field(default_factory=Score)
    rejection: Score = field(default_factory=Score)
    # task -> score of the units as the analysis cuts them (`voiceshare.language.units`).
    analysis_path: dict[str, Score] = field(
        default_factory=lambda: {"question": Score(), "rejection": Score()}
    )
    question_types: dict[str, Score] = field(
        default_factory=lambda: {name: Score() for name in QUESTION_TYPES}
    )
    type_correct: int = 0
    baselines: dict[str, dict[str, Score]] = field(default_factory=dict)
    answered: dict[str, AnsweredEval] = field(default_factory=dict)
    turns: int = 0
    turn_questions: int = 0
    turn_rejections: int = 0
    # task -> reading (`TURN_READINGS` or `RAW_TURN_READINGS`) -> score, on whole turns.
    turn_scores: dict[str, dict[str, Score]] = field(default_factory=dict)

    @property
    def type_accuracy(self) -> float:
        """Of the questions found (true positives), the share given the right type."""
        found = self.question.true_positives
        return self.type_correct / found if found else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "task": "acts",
            "split": self.split,
            "punctuation": self.punctuation,
            "tier": self.tier,
            "meetings": self.meetings,
            "units": self.units,
            "scored_units": self.scored_units,
            "questions": self.questions,
            "rejections": self.rejections,
            "embedded_units": self.embedded,
            "voiceshare": {
                "question": self.question.as_dict(),
                "rejection": self.rejection.as_dict(),
                "question_types": {k: v.as_dict() for k, v in self.question_types.items()},
                "question_type_accuracy": round(self.type_accuracy, 4),
                "analysis_path": {k: v.as_dict() for k, v in self.analysis_path.items()},
            },
            "baselines": {
                task: {name: score.as_dict() for name, score in scores.items()}
                for task, scores in self.baselines.items()
            },
            "answered": {name: score.as_dict() for name, score in self.answered.items()},
            "turns": {
                "turns": self.turns,
                "questions": self.turn_questions,
                "rejections": self.turn_rejections,
                **{
                    task: {name: score.as_dict() for name, score in scores.items()}
                    for task, scores in self.turn_scores.items()
                },
            },
        }


# -- baselines ---------------------------------------------------------------------------------


def baseline_question_mark(utterances: Sequence[Utterance]) -> set[str]:
    """'A `?` anywhere in the text.'"""
    return {u.id for u in utterances if "?" in u.text}


def baseline_refusal(utterances: Sequence[Utterance]) -> set[str]:
    """'Opens with a refusal' ("no", "nope", "not really", "I don't think", ...)."""
    return {u.id for u in utterances if _REFUSAL.match(u.text.lower().lstrip(" -"))}


class TfidfBaseline:
    """tf-idf uni- and bigrams + logistic regression, one per task, trained on MRDA train."""

    def __init__(self, root: Path, punctuation: bool) -> None:
        texts, gold = _train_texts(root, punctuation)
        self.models: dict[str, tuple[Any, float]] = {}
        cut = gold["_tune_start"]
        for task in ("question", "rejection"):
            labels = gold[task]
            _, threshold = _fit_tfidf(texts[:cut], labels[:cut], texts[cut:], labels[cut:])
            model, _ = _fit_tfidf(texts, labels, [], [])
            self.models[task] = (model, threshold)

    def predict(self, task: str, utterances: Sequence[Utterance]) -> set[str]:
        model, threshold = self.models[task]
        if not utterances:
            return set()
        probabilities = model.predict_proba([u.text for u in utterances])[:, 1]
        return {u.id for u, p in zip(utterances, probabilities, strict=True) if p >= threshold}


def _train_texts(root: Path, punctuation: bool) -> tuple[list[str], dict[str, Any]]:
    texts: list[str] = []
    questions: list[bool] = []
    rejections: list[bool] = []
    ids = meeting_ids(root, "train")
    tune_start = 0
    for number, meeting_id in enumerate(ids):
        if number == len(ids) - TUNE_MEETINGS:
            tune_start = len(texts)
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        for utterance in meeting.utterances:
            unit = gold[utterance.id]
            if is_unlabelled(unit):
                continue
            texts.append(utterance.text)
            questions.append(unit.is_question)
            rejections.append(unit.is_rejection)
    return texts, {"question": questions, "rejection": rejections, "_tune_start": tune_start}


def _fit_tfidf(
    texts: list[str], labels: list[bool], tune_texts: list[str], tune_labels: list[bool]
) -> tuple[Any, float]:
    """A fitted pipeline and the best-F1 threshold on the tuning texts (0.5 without them)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+"),
        LogisticRegression(max_iter=2000),
    )
    model.fit(texts, labels)
    if not tune_texts:
        return model, 0.5
    probabilities = model.predict_proba(tune_texts)[:, 1]
    best_f1, best_threshold = 0.0, 0.5
    for step in range(2, 99):
        threshold = step / 100
        score = Score()
        predicted = {str(i) for i, p in enumerate(probabilities) if p >= threshold}
        score.add(predicted, {str(i) for i, y in enumerate(tune_labels) if y})
        if score.f1 > best_f1:
            best_f1, best_threshold = score.f1, threshold
    return model, best_threshold


def baseline_answers(meeting: Meeting) -> dict[str, str | None]:
    """'A non-backchannel reply by another speaker starting within 5 s of the end', for every
    utterance (the scorer looks up the gold questions)."""
    ordered = sorted(meeting.utterances, key=lambda u: u.start_s or 0.0)
    backchannels = backchannel_ids(ordered)
    answers: dict[str, str | None] = {}
    for index, utterance in enumerate(ordered):
        answers[utterance.id] = None
        end_s = utterance.end_s or utterance.start_s or 0.0
        for reply in ordered[index + 1 :]:
            if (reply.start_s or 0.0) > end_s + BASELINE_REPLY_S:
                break
            if reply.speaker != utterance.speaker and reply.id not in backchannels:
                answers[utterance.id] = reply.speaker
                break
    return answers


# -- answered questions ------------------------------------------------------------------------


def resolve_predictor(target: str | AnswerPredictor) -> AnswerPredictor:
    """A predictor from a callable or a "module:function" path."""
    if callable(target):
        return target
    module_name, _, name = target.partition(":")
    predictor: AnswerPredictor = getattr(importlib.import_module(module_name), name)
    return predictor


def answered_accuracy(
    root: Path,
    split: str,
    predict_answers: AnswerPredictor,
    punctuation: bool = True,
    meetings: Sequence[str] | None = None,
) -> AnsweredEval:
    """Accuracy of answered vs unanswered over the gold questions of `split`, and how often
    the answering speaker is the right one."""
    result = AnsweredEval()
    for meeting_id in meetings or meeting_ids(root, split):
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        _score_answers(result, predict_answers(meeting), gold)
    return result


def _score_answers(
    result: AnsweredEval, predicted: Mapping[str, str | None], gold: Mapping[str, GoldUnit]
) -> None:
    for question_id, answer_id in gold_answers(gold).items():
        answerer = gold[answer_id].speaker if answer_id is not None else None
        result.add(predicted.get(question_id), answerer)


# -- the evaluation ----------------------------------------------------------------------------


def evaluate(
    root: Path,
    split: str = "val",
    punctuation: bool = True,
    tier: str | None = "fast",
    meetings: Sequence[str] | None = None,
    baselines: bool = True,
    trained_baselines: bool = True,
    answer_predictors: Mapping[str, str | AnswerPredictor] | None = None,
    classifier: ActClassifier | None = None,
    progress: Callable[[str], None] | None = None,
) -> ActsEval:
    """Classify every unit of `split` with the given tier and score it, with the baselines and
    the answered-question predictors (`ANSWER_PREDICTORS` when None) beside it.
    `trained_baselines=False` skips the tf-idf baselines (they train on the train split)."""
    classifier = classifier or load_act_classifier(tier)
    predictors = {
        name: resolve_predictor(target)
        for name, target in (
            ANSWER_PREDICTORS if answer_predictors is None else answer_predictors
        ).items()
    }
    result = ActsEval(split=split, punctuation=punctuation, tier=classifier.tier)
    if answer_predictors is None:
        # The analysis answers with the tier being scored, not whichever is installed (the
        # built-in predictors take the tier as a keyword).
        built_in: dict[str, Any] = predictors
        predictors = {
            name: functools.partial(predictor, tier=classifier.tier)
            for name, predictor in built_in.items()
        }
    tfidf = TfidfBaseline(root, punctuation) if baselines and trained_baselines else None
    baseline_scores: dict[str, dict[str, Score]] = {"question": {}, "rejection": {}}
    if baselines:
        if punctuation:
            baseline_scores["question"]["'?' in the text"] = Score()
        if tfidf is not None:
            baseline_scores["question"]["tf-idf + logistic regression"] = Score()
            baseline_scores["rejection"]["tf-idf + logistic regression"] = Score()
        baseline_scores["rejection"]["opens with a refusal"] = Score()
        result.answered[ANSWER_BASELINE] = AnsweredEval()
    result.baselines = baseline_scores
    for name in predictors:
        result.answered[name] = AnsweredEval()
    if answer_predictors is None:
        result.answered[GIVEN_QUESTIONS] = AnsweredEval()
    result.turn_scores = {
        task: {
            reading: Score() for reading in (TURN_READINGS if punctuation else RAW_TURN_READINGS)
        }
        for task in ("question", "rejection")
    }

    for meeting_id in meetings or meeting_ids(root, split):
        if progress is not None:
            progress(meeting_id)
        meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
        utterances = list(meeting.utterances)
        # Counted around this call only: the answer predictors below classify the meeting again.
        embedded_before = classifier.embedded
        scores = classifier.predict(utterances, punctuated=punctuation)
        result.embedded += classifier.embedded - embedded_before
        scored = [u for u in utterances if not is_unlabelled(gold[u.id])]
        keep = {u.id for u in scored}
        result.meetings += 1
        result.units += len(utterances)
        result.scored_units += len(scored)
        gold_questions = {u.id for u in scored if gold[u.id].is_question}
        gold_rejections = {u.id for u in scored if gold[u.id].is_rejection}
        result.questions += len(gold_questions)
        result.rejections += len(gold_rejections)
        by_id = {u.id: s for u, s in zip(utterances, scores, strict=True) if u.id in keep}
        predicted_questions = {i for i, s in by_id.items() if s.is_question}
        result.question.add(predicted_questions, gold_questions)
        result.rejection.add({i for i, s in by_id.items() if s.is_rejection}, gold_rejections)
        as_analysed = [
            (u.id, s)
            for u, s in zip(
                utterances, predict_by_units(classifier, utterances, punctuation), strict=True
            )
            if u.id in keep
        ]
        result.analysis_path["question"].add(
            {i for i, s in as_analysed if s.is_question}, gold_questions
        )
        result.analysis_path["rejection"].add(
            {i for i, s in as_analysed if s.is_rejection}, gold_rejections
        )
        for name in QUESTION_TYPES:
            result.question_types[name].add(
                {i for i in predicted_questions if by_id[i].question_type == name},
                {i for i in gold_questions if question_type(gold[i]) == name},
            )
        result.type_correct += sum(
            1 for i in predicted_questions & gold_questions
            if by_id[i].question_type == question_type(gold[i])
        )  # fmt: skip
        if baselines:
            _add_baselines(result, scored, gold_questions, gold_rejections, tfidf, punctuation)
            _score_answers(
                result.answered[ANSWER_BASELINE],
                baseline_answers(meeting),
                gold,
            )
        for name, predictor in predictors.items():
            _score_answers(result.answered[name], predictor(meeting), gold)
        _score_turns(result, classifier, utterances, gold, punctuation)
        if GIVEN_QUESTIONS in result.answered:
            from voiceshare.evaluation.answers import predict_answers_given

            annotated = {u.id for u in utterances if gold[u.id].is_question}
            _score_answers(
                result.answered[GIVEN_QUESTIONS],
                predict_answers_given(meeting, annotated, tier=classifier.tier),
                gold,
            )
    return result


def speaker_runs(utterances: Sequence[Utterance]) -> list[list[Utterance]]:
    """The utterances in runs of one speaker's consecutive utterances, in order."""
    runs: list[list[Utterance]] = []
    for u in utterances:
        if runs and runs[-1][-1].speaker == u.speaker:
            runs[-1].append(u)
        else:
            runs.append([u])
    return runs


def turns_of(
    utterances: Sequence[Utterance], gold: Mapping[str, GoldUnit]
) -> list[tuple[Utterance, list[GoldUnit]]]:
    """Each speaker's consecutive units joined into one utterance (with their words), with their
    labelled units' gold."""
    turns = []
    for run in speaker_runs(utterances):
        turn = Utterance(
            id=run[0].id,
            speaker=run[0].speaker,
            text=" ".join(u.text for u in run),
            start_s=run[0].start_s,
            end_s=run[-1].end_s,
            words=tuple(word for u in run for word in u.words),
        )
        turns.append((turn, [gold[u.id] for u in run if not is_unlabelled(gold[u.id])]))
    return turns


def _score_turns(
    result: ActsEval,
    classifier: ActClassifier,
    utterances: Sequence[Utterance],
    gold: Mapping[str, GoldUnit],
    punctuation: bool,
) -> None:
    turns = turns_of(utterances, gold)
    texts = [turn for turn, _ in turns]
    scored = {turn.id for turn, units in turns if units}
    gold_questions = {t.id for t, units in turns if any(u.is_question for u in units)}
    gold_rejections = {t.id for t, units in turns if any(u.is_rejection for u in units)}
    result.turns += len(scored)
    result.turn_questions += len(gold_questions)
    result.turn_rejections += len(gold_rejections)
    readings = [
        (
            TURN_READINGS[0] if punctuation else RAW_TURN_READINGS[0],
            predict_by_units(classifier, texts, punctuation),
        ),
        ("whole turn", classifier.predict(texts, punctuation)),
    ]
    if not punctuation:
        pieces = [
            (turn.id, piece) for turn in texts for piece in cut_at_pauses(turn, BASELINE_PAUSE_S)
        ]
        found = classifier.predict([piece for _, piece in pieces], punctuation)
        question_turns = {
            turn_id for (turn_id, _), s in zip(pieces, found, strict=True) if s.is_question
        }
        rejection_turns = {
            turn_id for (turn_id, _), s in zip(pieces, found, strict=True) if s.is_rejection
        }
        baseline = result.turn_scores
        baseline["question"][RAW_TURN_READINGS[1]].add(question_turns & scored, gold_questions)
        baseline["rejection"][RAW_TURN_READINGS[1]].add(rejection_turns & scored, gold_rejections)
    for reading, scores in readings:
        pairs = [(t.id, s) for t, s in zip(texts, scores, strict=True) if t.id in scored]
        result.turn_scores["question"][reading].add(
            {i for i, s in pairs if s.is_question}, gold_questions
        )
        result.turn_scores["rejection"][reading].add(
            {i for i, s in pairs if s.is_rejection}, gold_rejections
        )


def cut_at_pauses(utterance: Utterance, pause_s: float) -> list[Utterance]:
    """`utterance` cut at every silence of `pause_s` or more between its timed words (whole
    when it has no timed words)."""
    runs: list[list[Word]] = []
    for word in utterance.words:
        last = runs[-1][-1] if runs else None
        if last is not None and (
            last.end_s is None or word.start_s is None or word.start_s - last.end_s < pause_s
        ):
            runs[-1].append(word)
        else:
            runs.append([word])
    if len(runs) <= 1:
        return [utterance]
    return [
        Utterance(
            id=f"{utterance.id}#{k}",
            speaker=utterance.speaker,
            text=" ".join(word.text for word in run),
            start_s=run[0].start_s,
            end_s=run[-1].end_s,
            words=tuple(run),
        )
        for k, run in enumerate(runs)
    ]


def _add_baselines(
    result: ActsEval,
    scored: Sequence[Utterance],
    gold_questions: set[str],
    gold_rejections: set[str],
    tfidf: TfidfBaseline | None,
    punctuation: bool,
) -> None:
    questions, rejections = result.baselines["question"], result.baselines["rejection"]
    if punctuation:
        questions["'?' in the text"].add(baseline_question_mark(scored), gold_questions)
    if tfidf is not None:
        questions["tf-idf + logistic regression"].add(
            tfidf.predict("question", scored), gold_questions
        )
        rejections["tf-idf + logistic regression"].add(
            tfidf.predict("rejection", scored), gold_rejections
        )
    rejections["opens with a refusal"].add(baseline_refusal(scored), gold_rejections)


def format_text(result: ActsEval) -> str:
    """A plain-text table of the figures."""
    variant = "with punctuation" if result.punctuation else "without punctuation (raw ASR style)"
    lines = [
        f"Dialog acts on MRDA {result.split} ({result.meetings} meetings, {result.scored_units} "
        f"labelled units of {result.units}), {variant}, {result.tier} tier"
        + (
            f" ({result.embedded} units decided by the fine-tuned transformer)"
            if result.tier == "accurate"
            else ""
        ),
    ]
    header = f"{'method':<42}{'precision':>10}{'recall':>8}{'F1':>7}"
    for task, score, count in (
        ("question", result.question, result.questions),
        ("rejection", result.rejection, result.rejections),
    ):
        lines += ["", f"{task} ({count} in gold)", header]
        rows = (
            ("voiceshare", score),
            ("voiceshare, units cut as the analysis does", result.analysis_path[task]),
            *result.baselines.get(task, {}).items(),
        )
        for name, row in rows:
            lines.append(_row(name, row))
    lines += ["", f"question type (type accuracy on questions found {result.type_accuracy:.3f})"]
    lines.append(header)
    for name, row in result.question_types.items():
        lines.append(_row(name, row))
    if result.turn_scores:
        lines += [
            "",
            f"whole turns ({result.turns} turns: each speaker's consecutive units joined, as "
            "exports often give them)",
        ]
        for task, count in (
            ("question", result.turn_questions),
            ("rejection", result.turn_rejections),
        ):
            lines += [f"{task} ({count} turns with one in gold)", header]
            for name, row in result.turn_scores[task].items():
                lines.append(_row(name, row))
    if result.answered:
        lines += [
            "",
            "answered vs unanswered (gold questions; answerer: the person who answered named, of",
            "those answered in gold; named: the same, of those the method calls answered too)",
        ]
        lines.append(f"{'method':<42}{'accuracy':>10}{'answerer':>10}{'named':>8}")
        for name, a in result.answered.items():
            lines.append(
                f"{name:<42}{a.accuracy:>10.3f}{a.answerer_accuracy:>10.3f}"
                f"{a.named_when_answered:>8.3f}"
            )
    return "\n".join(lines)


# -- the targets table -------------------------------------------------------------------------

# The project's targets on MRDA validation (issue 4): row, task, punctuated, target.
TARGETS: tuple[tuple[str, str, bool, float], ...] = (
    ("question F1, punctuated", "question", True, 0.99),
    ("question F1, no punctuation", "question", False, 0.75),
    ("rejection F1, punctuated", "rejection", True, 0.80),
    ("rejection F1, no punctuation", "rejection", False, 0.65),
    ("answered accuracy, punctuated", GIVEN_QUESTIONS, True, 0.85),
    ("answered accuracy, no punctuation", GIVEN_QUESTIONS, False, 0.85),
    ("answered accuracy, punctuated, end to end", "voiceshare", True, 0.85),
    ("answered accuracy, no punctuation, end to end", "voiceshare", False, 0.85),
)


@dataclass(frozen=True)
class TargetRow:
    """One row of the targets table: each tier's figure beside the best baseline measured in
    the same run (the answered rows' baseline is given the annotated questions, as the plain
    answered rows are; the end-to-end rows find the questions themselves)."""

    name: str
    target: float
    baseline: str
    baseline_value: float
    tiers: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.name,
            "target": self.target,
            "baseline": self.baseline,
            "baseline_value": round(self.baseline_value, 4),
            "tiers": {tier: round(value, 4) for tier, value in self.tiers.items()},
            "met": {tier: value >= self.target for tier, value in self.tiers.items()},
        }


def target_rows(results: Sequence[ActsEval]) -> list[TargetRow]:
    """The targets table from evaluations of one split (any tiers, either text variant);
    rows whose variant was not evaluated are left out."""
    rows = []
    for name, task, punctuated, target in TARGETS:
        runs = [r for r in results if r.punctuation == punctuated]
        if not runs:
            continue
        tiers: dict[str, float] = {}
        baseline, baseline_value = "", 0.0
        for run in runs:
            if task in ("question", "rejection"):
                tiers[run.tier] = (run.question if task == "question" else run.rejection).f1
                for method, score in run.baselines.get(task, {}).items():
                    if score.f1 > baseline_value:
                        baseline, baseline_value = method, score.f1
            elif task in run.answered:
                tiers[run.tier] = run.answered[task].accuracy
                if ANSWER_BASELINE in run.answered:
                    baseline = ANSWER_BASELINE
                    baseline_value = run.answered[ANSWER_BASELINE].accuracy
        if tiers:
            rows.append(TargetRow(name, target, baseline, baseline_value, tiers))
    return rows


def format_targets(rows: Sequence[TargetRow], results: Sequence[ActsEval]) -> str:
    """The targets table as plain text: the target, the best baseline and each tier."""
    tiers = [t for t in ("fast", "accurate") if any(t in row.tiers for row in rows)]
    first = results[0]
    lines = [
        f"Targets on MRDA {first.split} ({first.meetings} meetings, {first.questions} questions, "
        f"{first.rejections} rejections); 'met' when the figure reaches the target",
        "",
        f"{'':<48}{'target':>8}{'baseline':>10}"
        + "".join(f"{tier:>16}" for tier in tiers)
        + "  baseline method",
    ]
    for row in rows:
        cells = "".join(
            f"{row.tiers[tier]:>10.3f} {'met' if row.tiers[tier] >= row.target else 'short':>5}"
            if tier in row.tiers
            else f"{'-':>16}"
            for tier in tiers
        )
        lines.append(
            f"{row.name:<48}{row.target:>8.2f}{row.baseline_value:>10.3f}{cells}  {row.baseline}"
        )
    return "\n".join(lines)


def _row(name: str, score: Score) -> str:
    return f"{name:<42}{score.precision:>10.3f}{score.recall:>8.3f}{score.f1:>7.3f}"
