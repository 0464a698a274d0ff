"""The language analysis of a meeting: dialog acts, answered questions, dismissals, credit,
echoes and invitations, as MISSION.md defines them.

It runs on the utterances in the order they were spoken. Questions, rejections and acceptances
come from the trained dialog-act classifier (the accurate tier, sentence embeddings, when its
model is installed; else the fast tier; else, without the `nlp` extra's models, simple rules);
the other acts come from `voiceshare.language.rules`. Relevance between a question and a
reply, and echoes of earlier ideas, use sentence embeddings when the accurate tier is
available and word overlap otherwise. The report says which was used.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from voiceshare.errors import ConfigError, MissingExtraError, VoiceshareError
from voiceshare.language.endings import carries_on, cut_off_mark, words
from voiceshare.language.rules import (
    PROPOSALS,
    RuleActs,
    RuleMatcher,
    looks_like_question,
    question_type,
)
from voiceshare.language.text import straight_quotes
from voiceshare.model import UNIDENTIFIED_SPEAKER, Utterance

# A question counts as answered when another person replies, substantively, within this long
# after the asker stops (the end of the question, or of what the asker goes on to say), or
# within ANSWER_WINDOW utterances when the transcript has no times. Chosen on the MRDA train
# split (3 s beat 5 s and 10 s for answered-question accuracy).
ANSWER_WINDOW_S = 3.0
ANSWER_WINDOW = 4
# A question taken for rhetorical in a turn this long is still looked at for an answer. On the
# MRDA validation meetings, searching all of them found 5 annotated answers and 9 replies the
# annotators did not take for answers, all in turns under 20 words.
RHETORICAL_MAX_WORDS = 20
# A reply this similar to the question (cosine of sentence embeddings) is about it. Answers
# rarely restate their question (a real answer and a change of subject both score 0.2-0.3 with
# all-MiniLM-L6-v2), so only a clear topical link counts when deciding a reply moved on.
RELEVANCE_MIN = 0.4
# An echo restates an earlier idea: at least this similar, this long, and this much later.
ECHO_MIN_SIMILARITY = 0.7
ECHO_MIN_WORDS = 12
# Without embeddings: at least this share of the shorter one's content words, and this many.
ECHO_MIN_OVERLAP = 0.5
ECHO_MIN_SHARED = 6
# A reply in the same exchange is a response, not a restatement: an echo comes this many
# utterances (and, when timed, this many seconds) after the original.
ECHO_MIN_GAP = 6
ECHO_MIN_GAP_S = 60.0
# The embedding model reads a text's first 256 word pieces, about 200 words: a longer turn (a
# presentation, a five-part answer) would be compared by its opening alone.
ECHO_MAX_WORDS = 200
# Sentences of courtesy and call handling put no idea forward ("Thank you for holding.",
# "Good morning, everyone.", "Your line is open."): an utterance made of them restates
# nothing, however alike two of them are (a conference line's hold messages, analysts'
# greetings, on the earnings21 calls).
_FORMULA = re.compile(
    r"\b(?:good (?:morning|afternoon|evening)|thanks?(?: you)?(?: so much| very much)? for "
    r"(?:holding|waiting|joining|taking (?:my|our|the) questions?|the time|having me)"
    r"|please (?:hold|stay)|hold the line|stay on the line|patience|congrat(?:ulation)?s"
    r"|welcome (?:to|everyone|everybody)|your line is open|next question|further questions"
    r"|question[- ]and[- ]answer session|be right back|be back in|hope (?:everyone|everybody"
    r"|you|all of you|you all)(?:'s| is| are)? (?:doing )?well)\b",
    re.IGNORECASE,
)
# Words that take up earlier talk openly ("Just following up on the offshore wind...", "going
# back to the pricing question", "as was mentioned earlier"): a restatement said with them
# builds on what was said before and claims none of it, though it names nobody (analysts on
# the earnings21 calls following up another's question). Not "get back to", which promises.
_REFERS_BACK = re.compile(
    r"\b(?:follow(?:ing|s)?[- ]?up (?:on|to|from)|(?:a|one|my|quick) follow[- ]?up"
    r"|(?:go|going|come|coming|circle|circling) back (?:to|on)|pick(?:ing)? up (?:on|from)"
    r"|(?:as|like) (?:was|were|has been|had been) (?:said|mentioned|asked|discussed|raised)"
    r"|(?:as|like) (?:somebody|someone|others|people|everyone) (?:said|mentioned|asked|raised)"
    r"|(?:an|the|that) (?:earlier|previous|prior|last) (?:question|point|comment|caller)"
    r"|piggyback(?:ing)? (?:on|off)|build(?:ing)? on (?:that|this|those|what))\b",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"[a-z][a-z']{2,}")
_STOPWORDS = frozenset(
    """
    the and that this with for are was were have has had not but you your our their they them
    what when where which who how can could would should will just like really very about into
    from then than there here its it's i'm we're you're that's don't doesn't didn't one also
    yeah okay well some more any all been being because maybe think thing things get got
    """.split()
)


@dataclass(frozen=True, slots=True)
class UtteranceActs:
    """The language analysis of one utterance."""

    acts: tuple[str, ...] = ()
    question_type: str | None = None
    addressee: str | None = None
    answered_by: str | None = None
    answer_utterance_id: str | None = None
    answer_delay_s: float | None = None
    # The question's own words when the utterance holds more than the question, and when they
    # start (None: as the utterance).
    question_text: str | None = None
    question_start_s: float | None = None


@dataclass(frozen=True, slots=True)
class Dismissal:
    """`by` dismissed `dismissed`'s contribution `utterance_id`: rejected it or moved on."""

    utterance_id: str
    dismissed: str
    by: str
    by_utterance_id: str
    kind: str  # "rejection" | "topic_change" | "unanswered_topic_change"
    time_s: float | None


@dataclass(frozen=True, slots=True)
class Credit:
    """`by` acknowledged or credited `to` in `utterance_id`."""

    utterance_id: str
    by: str
    to: str
    kind: str  # "acknowledgement" | "credit"


@dataclass(frozen=True, slots=True)
class Echo:
    """`by` restated, in `utterance_id`, the idea `original_speaker` put forward earlier."""

    utterance_id: str
    by: str
    original_utterance_id: str
    original_speaker: str
    similarity: float
    credited: bool


@dataclass(frozen=True, slots=True)
class Invitation:
    utterance_id: str
    by: str
    to: str


@dataclass(frozen=True)
class LanguageAnalysis:
    tier: str
    utterances: dict[str, UtteranceActs]
    dismissals: tuple[Dismissal, ...]
    credits: tuple[Credit, ...]
    echoes: tuple[Echo, ...]
    invitations: tuple[Invitation, ...]
    hedges: dict[str, int]
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Scores:
    question: bool
    rejection: bool
    acceptance: bool
    question_type: str | None
    # The question's own words when the utterance holds more than the question, and when they
    # start (None: as the utterance).
    question_text: str | None = None
    question_start_s: float | None = None


def _classify(
    ordered: Sequence[Utterance],
    rule_acts: Sequence[RuleActs],
    punctuated: bool,
    tier: str | None = None,
) -> tuple[str, list[_Scores], Any]:
    """Questions, rejections and acceptances from the best classifier installed (or the
    `tier` asked for, which must load), with the tier used and the embedder that tier offers
    (None when it has none)."""
    try:
        from voiceshare.language import acts as act_models
    except ImportError:  # the nlp extra is not installed
        if tier is not None:
            raise MissingExtraError(f"The {tier} dialog-act tier", "nlp") from None
        act_models = None  # type: ignore[assignment]
    if act_models is not None:
        try:
            from voiceshare.language.units import classify_by_units

            classifier = act_models.load_act_classifier(tier)
            # Sentence by sentence, as the models were trained (`voiceshare.language.units`).
            predicted, wording = classify_by_units(classifier, ordered, punctuated)
            scores = [
                _Scores(
                    question=p.question >= classifier.thresholds.get("question", 0.5),
                    rejection=p.rejection >= classifier.thresholds.get("rejection", 0.5)
                    or "rejection" in r.acts,
                    acceptance=p.acceptance >= classifier.thresholds.get("acceptance", 0.5)
                    or "acceptance" in r.acts,
                    question_type=p.question_type,
                    question_text=asked.text if asked else None,
                    question_start_s=asked.start_s if asked else None,
                )
                for p, r, asked in zip(predicted, rule_acts, wording, strict=True)
            ]
            return classifier.tier, scores, getattr(classifier, "embedder", None)
        except ConfigError:
            raise  # a setting the user got wrong is said, not replaced by the rules
        except (VoiceshareError, OSError, AttributeError):
            if tier is not None:
                raise
    scores = [
        _Scores(
            question=looks_like_question(u.text, punctuated),
            rejection="rejection" in r.acts,
            acceptance="acceptance" in r.acts,
            question_type=None,
        )
        for u, r in zip(ordered, rule_acts, strict=True)
    ]
    return "rules", scores, None


def _content_words(text: str) -> set[str]:
    return {w for w in _CONTENT.findall(straight_quotes(text).lower()) if w not in _STOPWORDS}


@dataclass(frozen=True)
class Context:
    """Everything the per-utterance decisions look at, computed once per meeting."""

    ordered: Sequence[Utterance]
    tier: str
    rule_acts: Sequence[RuleActs]
    scores: Sequence[_Scores]
    acts: Sequence[set[str]]
    substantive: Sequence[bool]
    vectors: dict[int, Any]
    addressees: Sequence[str | None]


def prepare_context(
    ordered: Sequence[Utterance],
    backchannels: frozenset[str],
    people: Sequence[str],
    punctuated: bool,
    embed: Callable[[list[str]], Any] | None = None,
    questions: Collection[str] | None = None,
    tier: str | None = None,
) -> Context:
    """Rule acts, classifier acts, embeddings and addressees for a meeting's utterances, with
    the dialog-act tier asked for (None: the best installed)."""
    texts = [u.text for u in ordered]
    matcher = RuleMatcher([p for p in people if p != UNIDENTIFIED_SPEAKER])
    rule_acts = matcher.analyse(texts)
    tier, scores, embedder = _classify(ordered, rule_acts, punctuated, tier)
    rule_acts = _invited_across_cues(matcher, ordered, rule_acts, scores)
    if embed is None and embedder is not None:
        embed = embedder.encode
    substantive = [
        u.id not in backchannels and u.speaker != UNIDENTIFIED_SPEAKER and bool(u.text.strip())
        for u in ordered
    ]

    acts: list[set[str]] = []
    for u, rules, score in zip(ordered, rule_acts, scores, strict=True):
        found = set(rules.acts) - {"rejection", "acceptance"}
        if u.id in backchannels:
            found.add("backchannel")
        else:
            if score.question if questions is None else u.id in questions:
                found.add("question")
            if score.rejection:
                found.add("rejection")
            if score.acceptance and "question" not in found:
                found.add("acceptance")
        acts.append(found)

    addressees = [r.vocative or (r.invited[0] if r.invited else None) for r in rule_acts]
    ctx = Context(ordered, tier, rule_acts, scores, acts, substantive, {}, addressees)
    return replace(ctx, vectors=_embeddings(ctx, embed))


def _invited_across_cues(
    matcher: RuleMatcher,
    ordered: Sequence[Utterance],
    rule_acts: list[RuleActs],
    scores: Sequence[_Scores],
) -> list[RuleActs]:
    """A question that starts in an earlier cue ("...thanks for saying that, Jonas. Noor," /
    "was there anything else you wanted to raise?") is read whole for whom it invites in and
    addresses: the cue where it ends holds the question."""
    spanning = [
        i
        for i, (u, score) in enumerate(zip(ordered, scores, strict=True))
        if score.question_text and score.question_text not in u.text
    ]
    if not spanning:
        return rule_acts
    whole = matcher.analyse([scores[i].question_text or "" for i in spanning])
    result = list(rule_acts)
    for i, found in zip(spanning, whole, strict=True):
        own = result[i]
        if found.invited and not own.invited:
            result[i] = replace(own, invited=found.invited, acts=own.acts | {"invitation"})
        if found.vocative and not own.vocative:
            result[i] = replace(result[i], vocative=found.vocative)
    return result


def analyze_language(
    ordered: Sequence[Utterance],
    backchannels: frozenset[str],
    people: Sequence[str],
    punctuated: bool,
    embed: Callable[[list[str]], Any] | None = None,
    questions: Collection[str] | None = None,
    tier: str | None = None,
    machine_diarized: bool = False,
) -> LanguageAnalysis:
    """Run the language analysis on timeline-ordered utterances (see the module docstring).

    `questions`, when given, fixes which utterances are questions (the ids of annotated
    questions, to evaluate answer detection on its own); `tier` the dialog-act tier (None:
    the accurate one when installed, else the fast one). `machine_diarized` says that a
    speech recogniser told the speakers apart: an utterance carrying on the sentence before
    it under another label (`endings.carries_on`) is then its speaker going on, not someone
    dismissing them."""
    ctx = prepare_context(ordered, backchannels, people, punctuated, embed, questions, tier)
    acts, rule_acts, scores, substantive = ctx.acts, ctx.rule_acts, ctx.scores, ctx.substantive
    tier = ctx.tier
    model = _answer_model()
    results: dict[str, UtteranceActs] = {}
    dismissals: list[Dismissal] = []
    answered: dict[str, str] = {}  # the utterance that answered a question -> who asked it
    for index, u in enumerate(ordered):
        qtype = addressee = None
        answer: tuple[str, str, float | None] | None = None
        if "question" in acts[index]:
            by_rule = question_type(scores[index].question_text or u.text, punctuated)
            # The rules know rhetorical phrases ("who cares?") the classifier rarely predicts.
            qtype = by_rule if by_rule == "rhetorical" else scores[index].question_type or by_rule
            rules = rule_acts[index]
            addressee = rules.vocative or (rules.invited[0] if rules.invited else None)
            if addressee == u.speaker:
                addressee = None
            if qtype == "rhetorical":
                # A question for effect is a short aside. One that ends a long turn ("...
                # Where do you think the money will be? And will you be a big player there?",
                # an analyst on an earnings call) lays something out for the others: when
                # someone takes it up, it was put to them. Left alone it is still not an
                # unanswered question, and moving on from it dismisses nobody.
                if u.word_count >= RHETORICAL_MAX_WORDS:
                    search = by_rule if by_rule != "rhetorical" else "wh"
                    answer, _ = _answer(ctx, index, search, model)
                    if answer is not None and by_rule != "rhetorical":
                        qtype = by_rule
            else:
                answer, moved_on = _answer(ctx, index, qtype, model)
                if answer is None and _answers_itself(ctx, index, qtype):
                    qtype, moved_on = "rhetorical", None
                if (
                    answer is None
                    and moved_on is not None
                    and not (
                        machine_diarized
                        and moved_on > 0
                        and carries_on(ordered[moved_on - 1].text, ordered[moved_on].text)
                    )
                ):
                    mover = ordered[moved_on]
                    dismissals.append(
                        Dismissal(
                            u.id,
                            u.speaker,
                            mover.speaker,
                            mover.id,
                            "unanswered_topic_change",
                            mover.start_s,
                        )
                    )
        results[u.id] = UtteranceActs(
            acts=tuple(sorted(acts[index])),
            question_type=qtype,
            addressee=addressee,
            answered_by=answer[0] if answer else None,
            answer_utterance_id=answer[1] if answer else None,
            answer_delay_s=answer[2] if answer else None,
            question_text=scores[index].question_text if "question" in acts[index] else None,
            question_start_s=scores[index].question_start_s if "question" in acts[index] else None,
        )
        if answer is not None:
            answered[answer[1]] = u.speaker

    dismissals.extend(
        _rejections_and_moves(
            ordered,
            acts,
            substantive,
            rule_acts,
            dismissals,
            [s.question_text for s in scores],
            answered,
            machine_diarized,
        )
    )
    credits = _credits(ordered, rule_acts, acts, substantive)
    echoes = _echoes(ctx)
    invitations = tuple(
        Invitation(u.id, u.speaker, person)
        for u, rules in zip(ordered, rule_acts, strict=True)
        for person in rules.invited
        if person != u.speaker
    )
    hedges = Counter(u.speaker for u, a in zip(ordered, acts, strict=True) if "hedge" in a)
    notes = {
        "accurate": "Dialog acts from the accurate tier (a sentence-embedding model fine-tuned "
        "on the ICSI meetings); answers and echoes judged by meaning.",
        "fast": "Dialog acts from the fast tier (a spaCy classifier trained on the ICSI "
        "meetings); answers and echoes judged by shared words, not meaning.",
        "rules": "Dialog acts from simple rules (the trained models are not installed); "
        "answers and echoes judged by shared words, not meaning.",
    }
    return LanguageAnalysis(
        tier=tier,
        utterances=results,
        dismissals=tuple(sorted(dismissals, key=lambda d: _position(ordered, d.utterance_id))),
        credits=credits,
        echoes=echoes,
        invitations=invitations,
        hedges=dict(hedges),
        notes=(notes.get(tier, ""),),
    )


def _position(ordered: Sequence[Utterance], utterance_id: str) -> int:
    for index, u in enumerate(ordered):
        if u.id == utterance_id:
            return index
    return 0


def _embeddings(ctx: Context, embed: Callable[[list[str]], Any] | None) -> dict[int, Any]:
    """Unit vectors for the utterances that need one: each question that someone replies to
    and the reply where the search for its answer stops (`_first_reply`, as for a yes/no
    question and as for any other, since the type is settled later), and contributions long
    enough to be echoed. Empty without an embedder."""
    if embed is None:
        return {}
    wanted: set[int] = set()
    for index in range(len(ctx.ordered)):
        if not ctx.substantive[index]:
            continue
        if "question" in ctx.acts[index]:
            for qtype in ("yes_no", "wh"):
                reply, _ = _first_reply(ctx, index, qtype)
                if reply is not None:
                    wanted.update((index, reply))
        if _may_echo(ctx, index):
            wanted.add(index)
    chosen = sorted(i for i in wanted if ctx.substantive[i])
    if not chosen:
        return {}
    matrix = embed([ctx.ordered[i].text for i in chosen])
    return {index: matrix[row] for row, index in enumerate(chosen)}


def _similarity(vectors: dict[int, Any], a: int, b: int) -> float | None:
    if a not in vectors or b not in vectors:
        return None
    # The embedder returns unit vectors, so their dot product is the cosine similarity.
    return float(vectors[a] @ vectors[b])


def reply_candidate(ctx: Context, index: int, qtype: str) -> tuple[int | None, int | None]:
    """The reply that may answer the question at `index`, and, when the conversation clearly
    moved on instead, the utterance that moved it on.

    The candidate is the first reply by someone else within the window: a substantive one, or
    a short "yes"/"no" to a yes/no question. The window runs from when the asker stops: people
    wait while the asker explains the question. A topic change ("let's move on"), or a new
    question put to a third person with nothing of this one in it, moves on instead."""
    reply, kind = _first_reply(ctx, index, qtype)
    if reply is None:
        return None, None
    if kind == _MOVED_ON or (kind == _ELSEWHERE and not _relevant(ctx, index, reply)):
        return None, reply
    return reply, None


# What the first reply to a question is (`_first_reply`).
_REPLY, _MOVED_ON, _ELSEWHERE = "reply", "moved_on", "elsewhere"


def _first_reply(ctx: Context, index: int, qtype: str) -> tuple[int | None, str]:
    """Where the search for an answer to the question at `index` stops, and what stopped it:
    a reply (`_REPLY`), a topic change (`_MOVED_ON`), or a question or invitation to a third
    person (`_ELSEWHERE`: it moves on unless it is about this question, which `reply_candidate`
    judges); (None, "") when nobody else speaks within the window. Needs no embeddings, so it
    also tells which utterances to embed."""
    ordered, acts = ctx.ordered, ctx.acts
    question = ordered[index]
    asker_stops_s = question.end_s
    seen = 0
    for j in range(index + 1, len(ordered)):
        reply = ordered[j]
        if asker_stops_s is not None and reply.start_s is not None:
            if reply.start_s - asker_stops_s > ANSWER_WINDOW_S:
                break
        elif seen >= ANSWER_WINDOW:
            break
        if reply.speaker == question.speaker:
            if asker_stops_s is not None and reply.end_s is not None:
                asker_stops_s = max(asker_stops_s, reply.end_s)
            continue
        if reply.speaker == UNIDENTIFIED_SPEAKER:
            continue
        if not ctx.substantive[j]:
            if qtype in ("yes_no", "declarative") and _short_answer(reply.text):
                return j, _REPLY
            continue
        if cut_off_mark(reply.text) and reply.word_count <= 3:
            # "well ==": someone started and broke off; keep looking for the answer.
            continue
        seen += 1
        responds = bool({"rejection", "acceptance"} & acts[j])
        if "topic_change" in acts[j] and not responds:
            return j, _MOVED_ON
        elsewhere = bool({"question", "invitation"} & acts[j]) and ctx.addressees[j] not in (
            None,
            question.speaker,
        )
        # "Your next question comes from...": the floor goes to someone else (unless the
        # question asked for it).
        elsewhere = elsewhere or (
            ctx.rule_acts[j].calls_next and not ctx.rule_acts[index].floor_request
        )
        return j, _ELSEWHERE if elsewhere and not _answers_first(ctx, index, j) else _REPLY
    return None, ""


def _answers_first(ctx: Context, index: int, reply: int) -> bool:
    """Whether a reply that turns to someone else first takes up the question at `index` in
    words of its own: "Is that Thursday morning or end of day?" "End of day. Okay, Amara, you
    want to start?"."""
    text, asked = ctx.ordered[reply].text, ctx.scores[reply].question_text
    before = text[: text.find(asked)] if asked and asked in text else ""
    return bool(_content_words(before) & _content_words(ctx.ordered[index].text))


def _relevant(ctx: Context, a: int, b: int) -> bool:
    similarity = _similarity(ctx.vectors, a, b)
    if similarity is None:
        shared = _content_words(ctx.ordered[a].text) & _content_words(ctx.ordered[b].text)
        return bool(shared)
    return similarity >= RELEVANCE_MIN


_TAGS = ("right", "okay", "ok", "huh", "yeah", "no", "eh", "correct", "yes")
ANSWER_FEATURES = (
    "delay_s", "overlaps", "reply_log_words", "reply_question", "reply_cut", "reply_opener",
    "reply_acceptance", "reply_rejection", "reply_short_answer", "shared_words", "similarity",
    "addressee_replied", "question_log_words", "tag_question", "question_cut", "wh", "yes_no",
    "or", "declarative", "open", "asker_goes_on", "backchannel_first",
)  # fmt: skip
_OPENERS = frozenset("yes yeah yep no nope well i it it's that's because so sure um uh".split())


def answer_features(ctx: Context, index: int, reply: int, qtype: str) -> dict[str, float]:
    """What tells an answer from a reply that does not take the question up."""
    ordered = ctx.ordered
    q, r = ordered[index], ordered[reply]
    delay = 0.0
    overlaps = 0.0
    if q.end_s is not None and r.start_s is not None:
        delay = max(-3.0, min(10.0, r.start_s - q.end_s))
        overlaps = 1.0 if r.start_s < q.end_s else 0.0
    words = straight_quotes(r.text).lower().split()
    first = words[0].strip(",.!?") if words else ""
    similarity = _similarity(ctx.vectors, index, reply)
    q_words = straight_quotes(q.text).lower().rstrip(" ?.!=").split()
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return {
        "delay_s": delay,
        "overlaps": overlaps,
        "reply_log_words": math.log1p(r.word_count),
        "reply_question": 1.0 if "question" in ctx.acts[reply] else 0.0,
        "reply_cut": 1.0 if cut_off_mark(r.text) else 0.0,
        "reply_opener": 1.0 if first in _OPENERS else 0.0,
        "reply_acceptance": 1.0 if "acceptance" in ctx.acts[reply] else 0.0,
        "reply_rejection": 1.0 if "rejection" in ctx.acts[reply] else 0.0,
        "reply_short_answer": 1.0 if _short_answer(r.text) else 0.0,
        "shared_words": min(5.0, len(_content_words(q.text) & _content_words(r.text))),
        "similarity": similarity if similarity is not None else 0.0,
        "addressee_replied": 1.0 if ctx.addressees[index] == r.speaker else 0.0,
        "question_log_words": math.log1p(q.word_count),
        "tag_question": 1.0 if q_words and q_words[-1] in _TAGS and q.word_count <= 12 else 0.0,
        "question_cut": 1.0 if cut_off_mark(q.text) else 0.0,
        "wh": 1.0 if qtype == "wh" else 0.0,
        "yes_no": 1.0 if qtype == "yes_no" else 0.0,
        "or": 1.0 if qtype == "or" else 0.0,
        "declarative": 1.0 if qtype == "declarative" else 0.0,
        "open": 1.0 if qtype == "open" else 0.0,
        "asker_goes_on": 1.0
        if following is not None
        and following.speaker == q.speaker
        and following.id != r.id
        and ctx.substantive[index + 1]
        else 0.0,
        "backchannel_first": 1.0
        if following is not None
        and not ctx.substantive[index + 1]
        and following.speaker != q.speaker
        else 0.0,
    }


@cache
def _answer_model() -> Any:
    """The answered-question model (models/answers.json), or None when it is not installed."""
    from voiceshare.metrics.interruptions import Model
    from voiceshare.resources import models_dir

    path = models_dir() / "answers.json"
    if not path.is_file():
        return None
    import json

    return Model.from_dict(json.loads(path.read_text(encoding="utf-8"))["model"])


def _answer(
    ctx: Context, index: int, qtype: str, model: Any
) -> tuple[tuple[str, str, float | None] | None, int | None]:
    """Who answered the question at `index` (speaker, utterance id, delay), and, when nobody
    did, the utterance that moved the conversation on instead, if any. The candidate reply
    (see `reply_candidate`) is weighed by the answered-question model trained on the ICSI
    meetings when it is installed."""
    reply, moved_on = reply_candidate(ctx, index, qtype)
    if reply is None:
        return None, moved_on
    # The person asked by name taking the floor answers it; so does whoever takes up the point
    # of a request for the floor, or says yes or no to a proposal, a "should we...?" or a
    # request ("Can you also bring...?" "Okay, sure."). Otherwise the model decides.
    rules = ctx.rule_acts[index]
    addressed = (
        ctx.addressees[index] is not None and ctx.addressees[index] == ctx.ordered[reply].speaker
    )
    # A bare "yeah" after a proposal is left to the model: taken as a yes it cost 0.4 points
    # of answered accuracy on MRDA validation (the annotators often read it as a backchannel).
    takes_it_up = bool({"acceptance", "rejection", "acknowledgement"} & ctx.acts[reply])
    taken_up = (
        rules.floor_request
        or ((rules.proposal or rules.decision) and takes_it_up)
        or (rules.request and (takes_it_up or _short_answer(ctx.ordered[reply].text)))
    )
    if model is not None and not addressed and not taken_up:
        features = answer_features(ctx, index, reply, qtype)
        if model.score_features(features) < model.threshold:
            return None, None
    question, answer = ctx.ordered[index], ctx.ordered[reply]
    return (answer.speaker, answer.id, _delay(question, answer)), None


_SHORT_ANSWERS = frozenset(
    {
        "yes",
        "yeah",
        "yep",
        "yup",
        "sure",
        "no",
        "nope",
        "of course",
        "definitely",
        "absolutely",
        "okay",
        "ok",
        "correct",
        "right",
        "exactly",
        "not really",
        "i think so",
        "i don't think so",
        "that's right",
        "that's correct",
        "that's true",
    }
)


_LEADING_FILLERS = frozenset({"um", "uh", "er", "erm", "hmm", "mm", "oh", "well", "okay", "ok"})


# A question the asker answers at once, as a presenter does ("Cool? Yes.", "What is the
# point? The point is that...", "Why? Because..."), is asked for effect: rhetorical, not
# unanswered, when nobody else answers it. Not one put to someone ("What do you think? I
# think..."), nor one followed by not knowing ("What are the dots? I don't remember...").
_OWN_YES_NO = re.compile(r"^\W*(?:(?:um|uh|well|oh)\W+)*(?:yes|yeah|yep|yup|no|nope)\b", re.I)
_TO_OTHERS = frozenset(
    "you your you're you've you'd you'll y'all anybody anyone everybody everyone somebody "
    "someone guys folks we us our people".split()
)
# "Who can review the PR? I'd review it but I'm out." asks for a volunteer.
_VOLUNTEERING = frozenset("can could will would wants want volunteer".split())
_NOT_KNOWING = re.compile(
    r"\b(?:don't|do not|didn't|did not) (?:know|remember)\b|\bnot sure\b|\bno idea\b"
    r"|\bwonder\b",
    re.I,
)
_SENTENCE = re.compile(r"\S.*?(?:[.?!]+(?=\s|$)|$)", re.DOTALL)


def _answers_itself(ctx: Context, index: int, qtype: str) -> bool:
    """Whether the asker answers the question at `index` in the sentence they say next."""
    if ctx.addressees[index] is not None or ctx.rule_acts[index].proposal:
        return False
    asked = ctx.scores[index].question_text or ctx.ordered[index].text
    said = words(asked)
    if not said or _TO_OTHERS & set(said) or ("who" in said and _VOLUNTEERING & set(said)):
        return False
    after = _asker_goes_on(ctx, index, asked)
    if after is None or after.rstrip().endswith("?") or _NOT_KNOWING.search(after):
        return False
    if qtype in ("yes_no", "declarative"):
        return bool(_OWN_YES_NO.match(after))
    if qtype != "wh":
        return False
    if "why" in said[:3] and words(after)[:1] == ["because"]:
        return True
    return bool(_content_words(asked) & _content_words(after))


def _asker_goes_on(ctx: Context, index: int, asked: str) -> str | None:
    """The first sentence the asker says after the question at `index`: later in the same
    utterance, or in their next one when nobody else speaks first and they go straight on."""
    question = ctx.ordered[index]
    text = straight_quotes(question.text)
    at = text.rfind(straight_quotes(asked)) if asked in question.text else -1
    rest = text[at + len(asked) :] if at >= 0 else ""
    if not rest.strip() and index + 1 < len(ctx.ordered):
        following = ctx.ordered[index + 1]
        gap_s = _delay(question, following)
        if following.speaker == question.speaker and (gap_s is None or gap_s <= 1.0):
            rest = following.text
    first = _SENTENCE.search(rest)
    return first.group(0) if first else None


def _short_answer(text: str) -> bool:
    """A yes or a no, maybe after a filler ("Um, sure. Yeah.", "Okay, sure.")."""
    words = re.findall(r"[a-z']+", straight_quotes(text).lower())
    while len(words) > 1 and words[0] in _LEADING_FILLERS:
        words = words[1:]
    joined = " ".join(words)
    return joined in _SHORT_ANSWERS or (
        bool(words) and words[0] in ("yes", "no", "sure", "yeah", "nope")
    )


def _delay(question: Utterance, reply: Utterance) -> float | None:
    if question.end_s is None or reply.start_s is None:
        return None
    return max(0.0, reply.start_s - question.end_s)


def _rejections_and_moves(
    ordered: Sequence[Utterance],
    acts: Sequence[set[str]],
    substantive: Sequence[bool],
    rule_acts: Sequence[RuleActs],
    already: Sequence[Dismissal],
    question_texts: Sequence[str | None],
    answered: Mapping[str, str],
    machine_diarized: bool = False,
) -> list[Dismissal]:
    """A rejection of, or a move to another topic right after, someone else's contribution.

    A "no" to a question is an answer, not a dismissal ("Is B much more work?" "Not really,
    no."), unless the question put an idea or an offer forward ("What if we...?", "Could we
    keep it local?"); "Should we...?" asks the others to decide, and a "no" decides. A
    question of its own after an idea ("Let's go round. Do you see anything I've missed?"
    "No, I think that's all right.") is answered too; one asking what the others think of it
    ("We could cache it. What do you think?") leaves the "no" rejecting the idea. A "no" to
    a negative statement agrees with it ("We can't just put it on the web." "No, no."), a
    "no thanks" or "no, I'm fine" declines an offer, a "no, that's fine" or "no, go ahead"
    reassures or gives the floor back (after anything but an idea), and moving on after first
    agreeing or acknowledging ("Yeah, do that. Anyway, what else?") takes the contribution
    up: not dismissals either. Nor is moving on after someone was given the floor ("Please go ahead,
    sir." "Good morning, everyone..."), after a turn that answered a question, or by the asker
    once their question was answered, by one person or more (`answered`: the utterances that
    answered a question -> who asked it): the question was taken up, and the next one comes.
    With `machine_diarized`, a reply carrying on the sentence before it is that sentence's
    speaker under a wrong label, and dismisses nobody."""
    counted = {d.by_utterance_id for d in already}
    found = []
    previous: int | None = None
    asked: int | None = None  # the last question in the previous speaker's turn
    answered_in_turn = False  # the previous speaker's turn answered a question
    answering = False  # this turn answers a question
    satisfied: set[str] = set()  # askers answered since the last question
    for index, u in enumerate(ordered):
        if not substantive[index]:
            continue
        new_turn = previous is None or ordered[previous].speaker != u.speaker
        if new_turn:
            answered_in_turn, answering = answering, False
        answering = answering or u.id in answered
        if previous is not None and new_turn:
            before = ordered[previous]
            # Thanks on their own ("Thanks for that clarification, Clint.") put nothing
            # forward to dismiss.
            thanks_only = (
                "acknowledgement" in acts[previous]
                and before.word_count <= JOIN_MAX_WORDS
                and "question" not in acts[previous]
            )
            contributed = (before.word_count >= 4 or "question" in acts[previous]) and not (
                thanks_only
            )
            answers = asked is not None and not (
                rule_acts[asked].proposal
                and _asks_about_proposal(question_texts[asked], ordered[asked].text)
            )
            takes_up = bool(
                {"acceptance", "acknowledgement"} & (acts[index] | rule_acts[index].acts)
            )
            # A recogniser's new label in the middle of a sentence is its speaker going on.
            relabelled = machine_diarized and carries_on(before.text, u.text)
            if contributed and u.id not in counted and not relabelled:
                agrees = (
                    not rule_acts[previous].proposal
                    and (_agrees_with_negative(before.text, u.text) or _reassures(u.text))
                ) or _declines(u.text)
                if "rejection" in acts[index] and not answers and not agrees:
                    found.append(
                        Dismissal(
                            before.id, before.speaker, u.speaker, u.id, "rejection", u.start_s
                        )
                    )
                elif (
                    "topic_change" in acts[index]
                    and not takes_up
                    and not rule_acts[previous].gives_floor
                    and not answered_in_turn
                    and u.speaker not in satisfied
                ):
                    found.append(
                        Dismissal(
                            before.id, before.speaker, u.speaker, u.id, "topic_change", u.start_s
                        )
                    )
        if new_turn:
            asked = None
        # A "should I...?" or "can you...?" cut off before its question mark still asks.
        if "question" in acts[index] or rule_acts[index].decision or rule_acts[index].request:
            asked = index
            satisfied = set()
        if u.id in answered:
            satisfied.add(answered[u.id])
        previous = index
    return found


# Questions that ask what the others think of what was just put forward.
_OPINION = re.compile(
    r"\b(?:what do (?:you|we|people|y'all|you all|you guys) (?:think|reckon)|thoughts"
    r"|(?:does|would|will) (?:that|this|it) (?:work|sound|make sense|be okay|be ok|be alright)"
    r"|sounds? (?:good|okay|ok|alright|right|reasonable)|makes? sense|how does (?:that|this) "
    r"sound|any objections?|(?:is|would) (?:that|this) (?:okay|ok|alright|fine|good)"
    r"|good idea|what about (?:that|this|it)|(?:do|does) (?:you|everyone|everybody) agree"
    r"|(?:are|is) (?:you|we|everyone|everybody|people) (?:okay|ok|fine|happy|good) with)\b"
    r"|\b(?:do|don't) you (?:think|agree)\W*$"
    # a bare tag that ends the question: "..., okay?", "right?"
    r"|\b(?:okay|ok|alright|right|yeah|yes|fair|agreed)\W*$",
    re.IGNORECASE,
)
_PROPOSAL = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in PROPOSALS) + r")\b", re.IGNORECASE)


# Where a question starts: a verb before its subject ("do you see..."), or a wh-word before
# one ("what do you..."); "when we get back" or "which saves money" goes on with the idea.
_QUESTION_START = re.compile(
    r"\b(?:(?:what|who|how|why|where|when)\s+)?(?:do|does|did|is|are|can|could|will|would"
    r"|have|has)\s+(?:you|we|they|i|anyone|anybody|everyone|everybody|people)\b",
    re.IGNORECASE,
)


def _asks_about_proposal(question: str | None, utterance: str = "") -> bool:
    """Whether the question in an utterance that puts an idea forward is about that idea, so
    that a "no" to it rejects the idea: it proposes itself ("What if we...?"), or it asks
    what the others think ("...What do you think?", "...do you agree?"). A question of its
    own ("Do you see anything I've missed?") is answered by a "no". `question` is None when
    the question is the whole `utterance`; then, in raw text or one long sentence ("let's go
    round do you see anything that I've missed"), a question starting after the idea's words
    is read the same way, and without one the utterance proposes itself."""
    if question is None:
        utterance = straight_quotes(utterance)
        proposed = _PROPOSAL.search(utterance)
        start = _QUESTION_START.search(utterance, proposed.end()) if proposed else None
        if start is None:
            return True
        question = utterance[start.start() :]
    question = straight_quotes(question)
    return bool(_PROPOSAL.search(question) or _OPINION.search(question))


# A "no" that declines an offer or thanks politely ("No thanks.", "No, I'm alright, thanks",
# "No, thank you so much."): the phrase ends its sentence or clause, so "No, thanks to your
# bug..." is not one.
_DECLINE = re.compile(
    r"^\W*(?:(?:well|uh|um|er|erm|oh|mm)\W+)*(?:(?:no|nope|nah)\W+)+"
    r"(?:(?:thanks|thank you)(?: (?:so|very) much)?|ta|i'm (?:fine|good|alright|all right|okay|ok)"
    r"|you're (?:alright|all right|fine)|it's (?:alright|all right))"
    r"(?:\s*[,.!;]|\s*$)",
    re.IGNORECASE,
)


# A "no" that reassures or gives the floor back ("No, that's fine.", "No, no, go ahead.",
# "Oh, thanks. No, I got it."): it answers an apology, an offer or an explanation, and
# dismisses nobody's contribution. After an idea it may turn the idea down ("We could rename
# it." "No, that's fine."), so the caller leaves proposals out.
_REASSURE = re.compile(
    r"^\W*(?:(?:well|uh|um|er|erm|oh|mm)\W+)*(?:(?:no|nope|nah)\W+)+(?:please\W+)?"
    r"(?:go ahead|you go|no (?:problem|worries)|all good|got it|understood"
    r"|(?:that's|that is|it's|it is|you're) (?:fine|okay|ok|all right|alright|cool)"
    r"|(?:i|we) (?:got|get|understand|see)(?: (?:it|that|you))?)"
    r"(?:\s*[,.!;]|\s*$)",
    re.IGNORECASE,
)


def _reassures(reply: str) -> bool:
    """Whether a sentence of `reply` is a "no" that reassures or gives the floor back ("No,
    go ahead.", "Oh, thanks. No, I got it.")."""
    return _opens_a_sentence(_REASSURE, reply)


def _declines(reply: str) -> bool:
    """Whether a sentence of `reply` declines an offer or thanks politely: a "no", then
    thanks or "I'm fine" ("No thanks, I've got them.", "Got it. No, thank you so much.")."""
    return _opens_a_sentence(_DECLINE, reply)


def _opens_a_sentence(pattern: re.Pattern[str], reply: str) -> bool:
    """Whether `pattern` matches at the start of `reply` or of one of its sentences."""
    reply = straight_quotes(reply)
    # The whole reply too: "No. Thank you." puts the no and the thanks in two sentences.
    return bool(pattern.match(reply)) or any(pattern.match(s) for s in _SENTENCE.findall(reply))


# Words that make a statement negative, and the "no"s that can agree with one.
_NEGATIONS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "nowhere"}
)
_NO = frozenset({"no", "nope", "nah"})
_FILLERS = frozenset({"well", "uh", "um", "er", "erm", "oh", "mm"})
# A "no" to a negative statement contradicts it when what follows says the opposite: "but"
# ("No, but it is."), or a subject and a positive auxiliary ("No, we can, we just ask Mei.").
_SUBJECTS = frozenset({"i", "you", "we", "they", "he", "she", "it", "that", "there", "this"})
_POSITIVE_AUXILIARIES = frozenset(
    {"am", "is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would",
     "should", "have", "has", "shall", "must"}
)  # fmt: skip


def _negative(said: Sequence[str]) -> bool:
    return any(w in _NEGATIONS or w.endswith("n't") for w in said)


def _agrees_with_negative(before: str, reply: str) -> bool:
    """Whether `reply` is a "no" agreeing with a negative statement (`before` says "not",
    "never", "can't"...): "There's no room." "No." / "No, you had your back to her." A "no"
    that goes on to say the opposite ("No, but it is.", "No, we can, we just ask Mei.")
    contradicts, and a proposal ("Why don't we...?") is never a negative statement (the
    caller checks). MRDA's annotators tag many agreeing "no"s as rejections (the polarity of
    the answer); of the person's contribution they are none."""
    said = words(reply)
    while said and said[0] in _FILLERS:
        said = said[1:]
    if not said or said[0] not in _NO:
        return False
    while said and said[0] in _NO:
        said = said[1:]
    if not _negative(words(before)):
        return False
    if said[:1] == ["but"]:
        return False
    return not (len(said) >= 2 and said[0] in _SUBJECTS and said[1] in _POSITIVE_AUXILIARIES)


# An acknowledgement this short is said on its own, and a bare one right after it joins it.
JOIN_MAX_WORDS = 12


def _credits(
    ordered: Sequence[Utterance],
    rule_acts: Sequence[RuleActs],
    acts: Sequence[set[str]],
    substantive: Sequence[bool],
) -> tuple[Credit, ...]:
    """Acknowledgements and credit by name, and unnamed acknowledgements of the person who just
    spoke ("Good point." right after someone's idea). An unnamed one right after someone
    else's short acknowledgement joins it ("Thank you for showing us round." "Yes, thank you
    so much.": both thank the host), unless that acknowledgement was of this speaker, who then
    returns it (and a returned one is not joined: a third person's "Thanks." after the host's
    "Thank you." still thanks the host); after thanks that open a longer turn ("Thank you. Our
    next question comes from...") it goes to whoever spoke."""
    found = []
    previous: Utterance | None = None
    previous_acknowledged: list[str] = []
    for index, (u, rules) in enumerate(zip(ordered, rule_acts, strict=True)):
        acknowledged = [person for person in rules.acknowledged if person != u.speaker]
        credited = [person for person in rules.credited if person != u.speaker]
        named = acknowledged or credited
        joinable = True
        if not named and "acknowledgement" in acts[index] and previous is not None:
            joined = [p for p in previous_acknowledged if p != u.speaker]
            if joined:
                acknowledged = joined
            elif previous.speaker not in (u.speaker, UNIDENTIFIED_SPEAKER):
                acknowledged = [previous.speaker]
                joinable = u.speaker not in previous_acknowledged
        found += [Credit(u.id, u.speaker, p, "acknowledgement") for p in acknowledged]
        found += [Credit(u.id, u.speaker, p, "credit") for p in credited]
        if substantive[index]:
            previous = u
            short = u.word_count <= JOIN_MAX_WORDS
            previous_acknowledged = acknowledged if short and joinable else []
    return tuple(found)


def _too_soon(earlier: Utterance, later: Utterance) -> bool:
    if earlier.end_s is None or later.start_s is None:
        return False
    return later.start_s - earlier.end_s < ECHO_MIN_GAP_S


def _may_echo(ctx: Context, index: int, original: bool = True) -> bool:
    """Whether an utterance says enough to put an idea forward (`original`) or to restate one:
    at least ECHO_MIN_WORDS words besides its questions and its courtesies (`_FORMULA`), and
    at most ECHO_MAX_WORDS in all. Asking for something ("What does the
    output look like? Can you show us an example?") does neither, however close in topic, and
    checking what someone said ("So you copied channel zero, right?") restates nothing as
    one's own; a proposal put as a question ("What if we...?") does both, and a statement with
    a tag ("They add the noise to the log energy only, right?") puts its idea forward."""
    u = ctx.ordered[index]
    if not ctx.substantive[index] or not ECHO_MIN_WORDS <= u.word_count <= ECHO_MAX_WORDS:
        return False
    if _idea_words(u.text) < ECHO_MIN_WORDS:
        return False
    if "question" not in ctx.acts[index] or ctx.rule_acts[index].proposal:
        return True
    if original and _ends_with_tag(u.text):
        return True
    asked = ctx.scores[index].question_text
    if asked is None:  # the whole utterance is the question
        return False
    return u.word_count - len(asked.split()) >= ECHO_MIN_WORDS


def _idea_words(text: str) -> int:
    """How many words `text` has outside its sentences of courtesy and call handling."""
    return sum(len(s.split()) for s in _SENTENCE.findall(text) if not _FORMULA.search(s))


def _ends_with_tag(text: str) -> bool:
    words = re.findall(r"[a-z']+", straight_quotes(text).lower())
    return bool(words) and words[-1] in _TAGS


def _echoes(ctx: Context) -> tuple[Echo, ...]:
    """Someone restating an idea another person put forward earlier: by meaning (embeddings)
    when available, else by shared content words. Credited when the restater names them; not
    an echo at all when they say they take it up without naming anyone (`_REFERS_BACK`).

    Each earlier contribution is echoed at most once (its first restatement), and each later
    utterance echoes at most one (the most similar)."""
    ordered, vectors, rule_acts = ctx.ordered, ctx.vectors, ctx.rule_acts
    candidates = [i for i in range(len(ordered)) if _may_echo(ctx, i)]
    restating = {i for i in candidates if _may_echo(ctx, i, original=False)}
    if vectors:
        pairs = _similar_by_meaning(candidates, vectors)
    else:
        pairs = _similar_by_words(ordered, candidates)
    found: list[Echo] = []
    echoed: set[int] = set()
    for later in sorted(restating):
        speaker = ordered[later].speaker
        best: tuple[float, int] | None = None
        for similarity, earlier in pairs.get(later, ()):
            if ordered[earlier].speaker == speaker or earlier in echoed:
                continue
            if later - earlier < ECHO_MIN_GAP or _too_soon(ordered[earlier], ordered[later]):
                continue
            if best is None or similarity > best[0]:
                best = (similarity, earlier)
        if best is None:
            continue
        similarity, earlier = best
        original = ordered[earlier]
        # The restater may name them in this utterance or the one just before or after.
        nearby = [
            rule_acts[k] for k in range(max(0, later - 1), min(len(ordered), later + 2))
            if ordered[k].speaker == speaker
        ]  # fmt: skip
        credited = any(original.speaker in r.mentioned for r in nearby)
        if not credited and _REFERS_BACK.search(ordered[later].text):
            continue
        echoed.add(earlier)
        found.append(
            Echo(
                ordered[later].id,
                speaker,
                original.id,
                original.speaker,
                round(float(similarity), 3),
                credited,
            )
        )
    return tuple(found)


def _similar_by_meaning(
    candidates: Sequence[int], vectors: dict[int, Any]
) -> dict[int, list[tuple[float, int]]]:
    """For each candidate, the earlier candidates at least ECHO_MIN_SIMILARITY alike."""
    import numpy as np

    indices = [i for i in candidates if i in vectors]
    if len(indices) < 2:
        return {}
    matrix = np.stack([vectors[i] for i in indices])
    pairs: dict[int, list[tuple[float, int]]] = {}
    chunk = 512
    for lo in range(0, len(indices), chunk):
        block = matrix[lo : lo + chunk] @ matrix[: lo + chunk].T
        rows, cols = np.nonzero(block >= ECHO_MIN_SIMILARITY)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            later, earlier = indices[lo + row], indices[col]
            if earlier < later:
                pairs.setdefault(later, []).append((float(block[row, col]), earlier))
    return pairs


def _similar_by_words(
    ordered: Sequence[Utterance], candidates: Sequence[int]
) -> dict[int, list[tuple[float, int]]]:
    """For each candidate, the earlier candidates sharing at least ECHO_MIN_SHARED content words
    and ECHO_MIN_OVERLAP of the shorter one's (found through an index of words)."""
    words = {i: _content_words(ordered[i].text) for i in candidates}
    index: dict[str, list[int]] = {}
    pairs: dict[int, list[tuple[float, int]]] = {}
    for later in candidates:
        shared = Counter(earlier for word in words[later] for earlier in index.get(word, ()))
        for earlier, count in shared.items():
            if count < ECHO_MIN_SHARED:
                continue
            overlap = count / min(len(words[earlier]), len(words[later]))
            if overlap >= ECHO_MIN_OVERLAP:
                pairs.setdefault(later, []).append((overlap, earlier))
        for word in words[later]:
            index.setdefault(word, []).append(later)
    return pairs
