"""Rule-based dialog acts with spaCy's Matcher and PhraseMatcher: invitations, hedged openers,
acknowledgements and credit by name, topic changes, and the shape of a question.

The rules are deliberately specific (a phrase at the start of an utterance, a participant's
name next to a question) so that what they report can be checked by reading the utterance.
Questions, rejections and acceptances come from the trained classifiers (`voiceshare.language
.acts`); the rules here add the acts those classifiers do not cover and the question's type
and addressee.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from voiceshare.language.nlp import load_pipeline
from voiceshare.language.text import ends_asking, quotes_a_question, straight_quotes

HEDGES = (
    "sorry", "sorry but", "this might be a dumb question", "this may be a dumb question",
    "this might be a stupid question", "this is probably a dumb question", "dumb question",
    "stupid question", "silly question", "i might be wrong", "i may be wrong",
    "i could be wrong", "correct me if i'm wrong", "i'm not sure but", "i'm not sure if",
    "not sure if this is", "just a thought", "just a quick thought", "maybe it's just me",
    "i don't know if this", "i don't know if it's", "this is probably stupid",
    "if that makes sense", "i might be missing something", "forgive me",
)  # fmt: skip
ACKNOWLEDGEMENTS = (
    "good point", "great point", "fair point", "good idea", "great idea", "nice idea",
    "good question", "great question", "that's a good point", "that's a great idea",
    "that's a good question", "i like that", "i love that", "nice one", "well said",
    "thanks for raising", "thank you for raising", "thanks for bringing", "good catch",
    "great catch", "that's clean", "that's actually clean", "that's really helpful",
    "that's helpful", "thank you", "thanks", "that's smart", "that's really smart",
    "really smart", "good work", "great work", "nice work", "good job", "great job",
    "well done",
)  # fmt: skip
TOPIC_CHANGES = (
    "let's move on", "lets move on", "let us move on", "moving on", "move on",
    "next item", "next topic", "next thing", "next up", "let's park that", "park that",
    "let's take that offline", "take that offline", "anyway", "anyways",
    "let's get back to", "back to the agenda", "let's talk about", "changing topic",
    "on another note", "different topic",
)  # fmt: skip
# Topic-change markers that only change the topic at the start of a sentence ("Anyway, what
# else?"), not at the end of one ("which nobody does anyway").
SENTENCE_INITIAL_TOPIC_CHANGES = frozenset({"anyway", "anyways"})
# A topic change is how a turn moves on only near its start: "Brandon, let's, uh, move on"
# within its first sentences. Deep inside a long turn ("...and let's talk about Brazil." 300
# words into an answer on an earnings call) the speaker is ordering their own talk.
TOPIC_CHANGE_WITHIN_WORDS = 40
# A question that puts an idea or an offer forward: saying no to it rejects the idea.
PROPOSALS = (
    "what if", "how about", "what about", "why don't we", "why don't i", "why don't you",
    "could we", "can we", "couldn't we", "can't we", "we could", "maybe we", "wouldn't it be",
    "would it make sense", "do we want to", "i suggest", "i'd suggest", "i propose", "let's",
    "let me",
)  # fmt: skip
# A question that asks the others to decide ("Should we mash it first?", "Should I demo it?"):
# a yes or a no answers it, and a "no" is a decision, not a dismissal.
DECISIONS = ("should we", "should i", "shall we", "shall i")
# A question asking for the floor ("Can I add something?"): the asker's next words are the
# point, and whoever takes them up answers it.
FLOOR_REQUESTS = (
    "can i ask", "can i add", "can i raise", "can i say", "can i mention", "can i just",
    "can i jump in", "can i make", "can i bring up", "can i interrupt", "can i comment",
    "could i ask", "could i add", "could i just", "could i raise", "may i ask", "may i add",
    "may i make", "mind if i",
)  # fmt: skip
# Giving someone the floor ("Please go ahead, sir.", "I'd like to hand over to my colleague,
# Markus."): whatever they go on to say, they were asked to. Calling the next speaker in so
# many words ("Your next question comes from...") gives nobody an answer either; "we'll hand
# it over to QA" may. The short ones count only where a sentence starts ("we'll go ahead and
# ship it" gives nobody the floor).
CALLS_NEXT = (
    "turn the call over to", "turn the conference over to", "turn the floor over to",
    "turn the meeting over to", "turn the call back over to", "turn the call back to",
    "the floor is yours", "your line is open", "next question comes from",
    "next question is from", "next question is coming from", "next question will come from",
)  # fmt: skip
HANDOVERS = (
    "turn it over to", "turn it back over to", "hand it over to", "hand over to",
    "hand it back to", "pass it over to",
)  # fmt: skip
SHORT_HANDOVERS = ("go ahead", "over to you", "your turn", "take it away")
# A question asking someone to do something ("Can you also bring the settings page?"): a yes or
# a no answers it, however short.
REQUESTS = (
    "can you", "could you", "would you", "will you", "would you mind", "do you mind",
    "can somebody", "can someone", "could somebody", "could someone",
)  # fmt: skip
REJECTIONS = (
    "no", "nope", "no no", "that won't work", "that will not work", "that doesn't work",
    "that's not going to work", "i don't think so", "i disagree", "i don't agree",
    "that's not right", "that's wrong", "not really", "we can't do that", "we can't",
    "that's not true", "absolutely not", "no way",
)  # fmt: skip
ACCEPTANCES = (
    "yes", "yeah", "yep", "sure", "agreed", "i agree", "sounds good", "that works",
    "that makes sense", "exactly", "absolutely", "definitely", "of course", "okay",
    "that's right", "right", "correct", "fine", "deal",
)  # fmt: skip
# Phrases that credit the person named right after (or before, for "'s idea").
CREDIT_BEFORE_NAME = (
    "as", "like", "building on what", "build on what", "to", "going back to what",
    "following up on what", "adding to what", "picking up on what", "thanks", "thank you",
    "good point", "great point", "good idea", "great idea", "credit to", "agree with",
)  # fmt: skip
INVITATIONS = (
    "what do you think", "what are your thoughts", "any thoughts", "your thoughts",
    "what's your take", "what is your take", "do you want to add", "anything to add",
    "would you like to", "do you have anything", "go ahead", "over to you", "your turn",
    "want to jump in", "want to weigh in", "how do you see it", "how about you",
    "what about you", "what did you see", "can you start", "could you start",
    "do you want to start", "where are you on", "how's it going", "how are you getting on",
    "what do you got", "what have you got", "you've been quiet", "we haven't heard from",
    "let's hear from", "i'd love to hear", "i would love to hear", "any updates",
    "any update", "can you tell us", "could you tell us", "do you want to say",
)  # fmt: skip

_NOT_REJECTIONS = ("no problem", "no worries", "no no that's fine", "no doubt", "no rush")
# "No, that's a great point.", "No, totally.": a "no" opening praise or agreement is a way of
# saying it, not a refusal. "No, absolutely not." refuses. "No thanks" stays a refusal (of an
# offer, which dismisses nobody: see `dialog._declines`).
_PRAISE = tuple(p for p in ACKNOWLEDGEMENTS if not p.startswith("thank"))
_AGREEMENTS = (
    "i agree", "agreed", "exactly", "totally", "absolutely", "definitely", "of course",
    "for sure", "you're right", "that's right", "that's true", "that's fair", "fair enough",
    "that's great", "that's good", "that's a good", "that's a great", "great", "perfect",
    "sure", "right", "appreciate", "i appreciate", "much appreciated",
    # "No, it's another good question, Mike."
    *(
        f"{opening} {praise} {thing}"
        for opening in ("it's a", "it's another", "that's another")
        for praise in ("good", "great", "fair")
        for thing in ("point", "question", "idea", "one")
    ),
)  # fmt: skip
_AGREEMENT_PHRASES = sorted({p for p in (*_PRAISE, *_AGREEMENTS) if " " in p}, key=len)[::-1]
_AGREEMENT_WORDS = sorted({p for p in (*_PRAISE, *_AGREEMENTS) if " " not in p})
# A one-word agreement must end its clause: "No, right now..." and "No, exactly the opposite."
# are no agreements.
_AGREEING_NO = re.compile(
    r"^\W*(?:(?:well|oh|um|uh)\W+)*(?:no|nope|nah)(?:\W+no)*[\s,.!-]+(?:(?:"
    + "|".join(re.escape(p) for p in _AGREEMENT_PHRASES)
    + r")\b|(?:"
    + "|".join(_AGREEMENT_WORDS)
    + r")(?=\s*(?:[,.!;]|$)))(?P<rest>[^.!?;]*)",
    re.IGNORECASE,
)
# What turns the sentence back into a refusal: "No, great point, but I disagree."
_NEGATIVE = re.compile(
    r"\b(?:not|never|no|but|however|though|although|disagree)\b|n't\b", re.IGNORECASE
)
_WEAK_ACCEPTANCES = frozenset({"yes", "yeah", "yep", "sure", "okay", "right", "fine", "correct"})

WH_WORDS = frozenset({"what", "why", "who", "whom", "whose", "where", "when", "which", "how"})
AUXILIARIES = frozenset(
    """
    do does did is are was were am can could will would shall should may might must have has
    had isn't aren't wasn't weren't don't doesn't didn't can't couldn't won't wouldn't
    shouldn't haven't hasn't
    """.split()
)
OPEN_PHRASES = (
    "what do you think",
    "how do you feel",
    "what are your thoughts",
    "how do you see",
    "what's your take",
    "tell me about",
    "what would you",
)
# A question whose answer is in the question: "who cares?", "isn't it obvious?".
RHETORICAL = (
    "who cares",
    "who knows",
    "isn't it obvious",
    "what can you do",
    "you know what i mean",
    "right?",
)
# "Why not?" on its own answers itself; "Why not forecast it year by year?" asks for a reason
# (MRDA's annotators tag such questions as wh-questions).
_WHY_NOT_ALONE = re.compile(r"\bwhy not\W*$")
# First words of a turn that answers rather than asks.
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True, slots=True)
class RuleActs:
    """What the rules found in one utterance."""

    acts: frozenset[str] = frozenset()
    invited: tuple[str, ...] = ()  # participants invited to speak
    acknowledged: tuple[str, ...] = ()  # participants thanked or praised by name
    credited: tuple[str, ...] = ()  # participants whose idea is credited by name
    mentioned: tuple[str, ...] = ()  # every participant named
    vocative: str | None = None  # the person addressed by name ("Sam, ...", "..., Sam?")
    proposal: bool = False  # puts an idea or offer forward ("what if...", "could we...")
    decision: bool = False  # asks the others to decide ("should we...?", "shall I...?")
    floor_request: bool = False  # asks for the floor ("can I add something?")
    request: bool = False  # asks someone to do something ("can you bring...?")
    gives_floor: bool = False  # hands the floor over ("please go ahead", "over to you")
    # hands it over in so many words ("I'll turn the call over to", "next question comes from"),
    # which a short "go ahead" may not ("Should we ship it?" "Yes, go ahead.")
    calls_next: bool = False


@dataclass
class RuleMatcher:
    """The rules for one meeting: phrase lists plus that meeting's participant names."""

    people: Sequence[str]
    nlp: Any = field(init=False)
    _phrases: Any = field(init=False)
    _names: Any = field(init=False)
    _name_of: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        from spacy.matcher import PhraseMatcher

        self.nlp, self._phrases = _phrase_matcher()
        self._names = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._name_of = _name_variants(self.people)
        if self._name_of:
            self._names.add("PERSON", list(self.nlp.tokenizer.pipe(self._name_of)))

    def analyse(self, texts: Sequence[str]) -> list[RuleActs]:
        """The rule acts of each text."""
        straightened = (straight_quotes(t) for t in texts)
        return [self._one(doc) for doc in self.nlp.tokenizer.pipe(straightened, batch_size=256)]

    def _one(self, doc: Any) -> RuleActs:
        words = [t for t in doc if not t.is_punct and not t.is_space]
        if not words:
            return RuleActs()
        first_word = words[0].i
        acts: set[str] = set()
        starts: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in self._phrases(doc):
            label = self.nlp.vocab.strings[match_id]
            starts.setdefault(label, []).append((start, end))
        near_start = first_word + 3
        for label in ("hedge", "rejection", "acceptance"):
            if any(start <= near_start for start, _ in starts.get(label, ())):
                acts.add(label)
        if any(
            (
                doc[start:end].text.lower() not in SENTENCE_INITIAL_TOPIC_CHANGES
                or _sentence_initial(doc, start)
            )
            and _words_before(doc, start) < TOPIC_CHANGE_WITHIN_WORDS
            and not _put_off(doc, start)
            for start, end in starts.get("topic_change", ())
        ):
            acts.add("topic_change")
        proposal = any(_sentence_initial(doc, s, within=3) for s, _ in starts.get("proposal", ()))
        decision = any(_sentence_initial(doc, s, within=3) for s, _ in starts.get("decision", ()))
        floor_request = any(_sentence_initial(doc, s, within=2) for s, _ in starts.get("floor", ()))
        calls_next = bool(starts.get("calls_next"))
        gives_floor = (
            calls_next
            or bool(starts.get("handover"))
            or any(_sentence_initial(doc, s, within=1) for s, _ in starts.get("short_handover", ()))
        )
        # "And actually, while I'm on it, can you...": a request may follow an aside; "how
        # would you..." asks something else.
        request = any(
            (_sentence_initial(doc, s, within=3) or (s > 0 and doc[s - 1].text == ","))
            and not _after_wh_word(doc, s)
            for s, _ in starts.get("request", ())
        )
        # A rejection or acceptance must be how the turn begins, not a word inside it.
        for label in ("rejection", "acceptance"):
            if label in acts and not any(s == first_word for s, _ in starts[label]):
                acts.discard(label)
        opening = " ".join(t.lower_ for t in words[:3])
        if "rejection" in acts and (
            opening.startswith(_NOT_REJECTIONS) or agreeing_no(doc[first_word:].text)
        ):
            acts.discard("rejection")
        if "acceptance" in acts and len(words) > 6:
            # "Okay, so..." or "Yeah, I think..." opens a turn rather than accepting something.
            longest = max(e - s for s, e in starts["acceptance"] if s == first_word)
            if doc[first_word : first_word + longest].text.lower() in _WEAK_ACCEPTANCES:
                acts.discard("acceptance")

        names = [(s, e, self._name_of[doc[s:e].text.lower()]) for _, s, e in self._names(doc)]
        names = _longest(names)
        mentioned = tuple(dict.fromkeys(person for _, _, person in names))
        addressed = _vocatives(doc, names)
        vocative = addressed[0] if addressed else None
        acknowledged, credited = [], []
        for start, end, person in names:
            before = [
                (s, e)
                for s, e in starts.get("credit", ())
                if e <= start and start - e <= 3 and not any(t.text in _STOPS for t in doc[e:start])
            ]
            thanks = [
                (s, e)
                for s, e in starts.get("acknowledgement", ())
                if e <= start and start - e <= 2 and not any(t.text in _STOPS for t in doc[e:start])
            ]
            # "as", "like" and "to" credit only with what the person said or thought: "as
            # Priya said", "to Noor's point", not "I'd like Mei to look at it" or "talk to Mei".
            before = [
                (s, e)
                for s, e in before
                if doc[s:e].text.lower() not in _WEAK_CREDIT or _says(doc, end)
            ]
            possessive = _possessive_credit(doc, end)
            if (
                thanks
                or _thanked_by_name(doc, starts.get("acknowledgement", ()), start, end)
                or (
                    before
                    and any(
                        doc[s].lower_ in ("thanks", "thank", "good", "great") for s, _ in before
                    )
                )
            ):
                acknowledged.append(person)
            elif before or possessive or _credited_after(doc, end):
                credited.append(person)
        # Unnamed, praise or thanks acknowledges the person who just spoke when it is short or
        # opens the turn ("Oh, that's a good point. I was thinking of..."); deeper inside a
        # long turn it is too often about something else.
        opens = any(s <= near_start for s, _ in starts.get("acknowledgement", ()))
        if (
            starts.get("acknowledgement")
            and (acknowledged or len(words) <= 8 or opens)
            and (acknowledged or not _to_everyone(doc, starts["acknowledgement"]))
        ):
            acts.add("acknowledgement")
        invited: list[str] = []
        if addressed and (starts.get("invitation") or doc.text.rstrip().endswith("?")):
            # "Anything else from anyone? Luis? Jonas?" invites both.
            invited.extend(addressed)
            acts.add("invitation")
        return RuleActs(
            acts=frozenset(acts),
            invited=tuple(invited),
            acknowledged=tuple(dict.fromkeys(acknowledged)),
            credited=tuple(dict.fromkeys(credited)),
            mentioned=mentioned,
            vocative=vocative,
            proposal=proposal,
            decision=decision,
            floor_request=floor_request,
            request=request,
            gives_floor=gives_floor,
            calls_next=calls_next,
        )


@cache
def _phrase_matcher() -> tuple[Any, Any]:
    """The pipeline and the phrase rules, built once per process (the names vary by meeting)."""
    from spacy.matcher import PhraseMatcher

    nlp = load_pipeline()
    phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, lexicon in (
        ("hedge", HEDGES),
        ("acknowledgement", ACKNOWLEDGEMENTS),
        ("topic_change", TOPIC_CHANGES),
        ("rejection", REJECTIONS),
        ("acceptance", ACCEPTANCES),
        ("invitation", INVITATIONS),
        ("credit", CREDIT_BEFORE_NAME),
        ("proposal", PROPOSALS),
        ("decision", DECISIONS),
        ("floor", FLOOR_REQUESTS),
        ("request", REQUESTS),
        ("calls_next", CALLS_NEXT),
        ("handover", HANDOVERS),
        ("short_handover", SHORT_HANDOVERS),
    ):
        phrases.add(label, list(nlp.tokenizer.pipe(lexicon)))
    return nlp, phrases


def _name_variants(people: Iterable[str]) -> dict[str, str]:
    """Lower-case full names and unambiguous first names -> the person."""
    variants: dict[str, set[str]] = {}
    for person in people:
        # Straight, as `analyse` reads the text: "D’Arcy" is found in "Thanks, D’Arcy."
        tokens = [t for t in re.split(r"[\s._-]+", straight_quotes(person)) if t]
        tokens = [
            t for t in tokens if t.lower().rstrip(".") not in ("dr", "mr", "mrs", "ms", "prof")
        ]
        if not tokens or person.lower().startswith(("speaker ", "unidentified", "participant ")):
            continue
        variants.setdefault(" ".join(tokens).lower(), set()).add(person)
        if len(tokens[0]) >= 2:
            variants.setdefault(tokens[0].lower(), set()).add(person)
    return {variant: next(iter(ps)) for variant, ps in variants.items() if len(ps) == 1}


def _longest(names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Drop name matches inside longer ones ("Priya" inside "Priya Raman")."""
    kept: list[tuple[int, int, str]] = []
    for start, end, person in sorted(names, key=lambda n: (n[0], -(n[1] - n[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, person))
    return kept


_OPENERS = frozenset({"so", "and", "okay", "ok", "hey", "um", "uh", "alright", "right", "now"})
_STOPS = frozenset({".", "?", "!"})


_FILLERS = frozenset({"um", "uh", "er", "erm", "well", "but", "yeah", "oh", "so", "and"})


def _put_off(doc: Any, start: int) -> bool:
    """Whether a topic change at `start` is put off: "Before we move on, ...", "until we
    move on"."""
    return any(t.lower_ in ("before", "until", "till") for t in doc[max(0, start - 3) : start])


def _words_before(doc: Any, start: int) -> int:
    return sum(1 for t in doc[:start] if not t.is_punct and not t.is_space)


def _sentence_initial(doc: Any, start: int, within: int = 0) -> bool:
    """Whether the token at `start` opens a sentence: between it and the start of the
    utterance or the last sentence end come openers and fillers ("okay", "um", "so"...) and
    at most `within` other words."""
    words = 0
    for token in reversed(doc[:start]):
        if token.text in _STOPS or token.text == ";":
            return True
        if token.is_punct or token.is_space:
            continue
        if token.lower_ not in _OPENERS and token.lower_ not in _FILLERS:
            words += 1
            if words > within:
                return False
    return True


def _after_wh_word(doc: Any, start: int) -> bool:
    """Whether a wh-word comes before the token at `start` in its sentence ("how much better
    can you make it?")."""
    for token in reversed(doc[:start]):
        if token.text in _STOPS:
            return False
        if token.lower_ in WH_WORDS:
            return True
    return False


# Credit cues that also open ordinary phrases ("like Mei to look at it", "talk to Mei"): they
# credit only when the name goes on with what the person said or thought (`_says`).
_WEAK_CREDIT = frozenset({"as", "like", "to"})
_GROUP = frozenset({"everyone", "everybody", "all", "guys", "folks", "team", "y'all", "both"})
_SAYING = frozenset(
    "said says mentioned suggested pointed noted proposed put showed explained described "
    "raised argued thought was".split()
)
# What a person's name owns when the speaker gives them credit: "Noor's idea", "Noor's work".
_CREDITED_THINGS = frozenset(("idea", "point", "suggestion", "proposal", "work"))
# What a person did when the speaker gives them credit: "Luis came up with it".
_CREDITED_DEEDS = ("came up with", "suggested", "figured out", "spotted")


def _says(doc: Any, end: int) -> bool:
    """Whether the name ending at `end` goes on with what the person said or thought: "as Priya
    said", "like Jonas was saying", "to Noor's point"."""
    if _possessive_credit(doc, end):
        return True
    return end < len(doc) and doc[end].lower_ in _SAYING


def _possessive_credit(doc: Any, end: int) -> bool:
    """ "Noor's idea", "Noor's work", or what is Noor's doing something good: "Noor's test
    caught that"."""
    if not (end + 1 < len(doc) and doc[end].lower_ == "'s"):
        return False
    if doc[end + 1].lower_ in _CREDITED_THINGS:
        return True
    return end + 2 < len(doc) and doc[end + 2].lower_ in _GOOD_DEEDS


# What something of a person's did when the speaker gives them credit: "Noor's test caught it".
_GOOD_DEEDS = frozenset(("caught", "found", "fixed", "saved", "spotted", "solved"))


def _credited_after(doc: Any, end: int) -> bool:
    following = " ".join(t.lower_ for t in doc[end : end + 3])
    return any(following == deed or following.startswith(deed + " ") for deed in _CREDITED_DEEDS)


def _thanked_by_name(doc: Any, thanks: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the name at [start, end) is addressed in a sentence of thanks or praise: closing
    it after a comma ("Thanks for saying that, Jonas.") or opening it before one ("Mei, this
    was really clear, thank you."). "I talked to Jonas, thanks." does not thank Jonas."""

    def one_sentence(a: int, b: int) -> bool:
        return not any(t.text in _STOPS for t in doc[a:b])

    closes = (
        start > 0
        and doc[start - 1].text == ","
        and (end == len(doc) or doc[end].text in _STOPS)
        and any(e <= start and one_sentence(e, start) for _, e in thanks)
    )
    before = [t for t in doc[:start] if not t.is_space]
    opens = (
        (not before or before[-1].text in _STOPS)
        and end < len(doc)
        and doc[end].text == ","
        and any(s >= end and one_sentence(end, s) for s, _ in thanks)
    )
    return closes or opens


def _to_everyone(doc: Any, thanks: Sequence[tuple[int, int]]) -> bool:
    """Whether every thanks or praise goes to the whole group ("Thanks, everyone.")."""
    return bool(thanks) and all(any(t.lower_ in _GROUP for t in doc[e : e + 2]) for _, e in thanks)


def _vocatives(doc: Any, names: list[tuple[int, int, str]]) -> list[str]:
    """The people addressed by name, in order: at the start of a sentence followed by a comma
    or a question mark ("Sam, what...", "Okay, Sam, ...", "Sam?"), or at the very end after a
    comma ("..., Sam?")."""
    found = [person for start, end, person in names if _is_vocative(doc, start, end)]
    return list(dict.fromkeys(found))


def _is_vocative(doc: Any, start: int, end: int) -> bool:
    before = [t for t in doc[:start] if not t.is_space]
    sentence_start = not before or before[-1].text in _STOPS
    after_opener = (
        len(before) >= 2
        and before[-1].text == ","
        and before[-2].lower_ in _OPENERS
        and (len(before) == 2 or before[-3].text in _STOPS | {","})
    )
    follows = doc[end].text if end < len(doc) else ""
    if (sentence_start or after_opener) and follows in (",", "?", "!"):
        return True
    tail = [t for t in doc[end:] if not t.is_space]
    return start > 0 and doc[start - 1].text == "," and all(t.is_punct for t in tail)


def question_type(text: str, punctuated: bool) -> str:
    """The kind of question: `or`, `open`, `wh`, `yes_no`, `rhetorical` or `declarative`."""
    lower = straight_quotes(text).lower().strip()
    words = _WORD.findall(lower)
    if not words:
        return "declarative"
    if any(lower.startswith(p) or f" {p}" in lower for p in RHETORICAL[:-1]):
        return "rhetorical"
    if _WHY_NOT_ALONE.search(lower):
        return "rhetorical"
    body = words
    # Skip openers that come before the question itself ("so", "okay", a name and a comma...).
    while body and body[0] in (
        "so",
        "and",
        "but",
        "okay",
        "ok",
        "um",
        "uh",
        "well",
        "sorry",
        "hey",
    ):
        body = body[1:]
    if not body:
        return "declarative"
    if any(p in lower for p in OPEN_PHRASES):
        return "open"
    clause = lower.rsplit(",", 1)[-1] if punctuated else lower
    if " or " in f" {clause} " and not clause.rstrip("?").strip().endswith(
        ("or not", "or something", "or anything", "or so")
    ):
        return "or"
    if body[0] in WH_WORDS or any(w in WH_WORDS for w in body[:3]):
        return "wh"
    if body[0] in AUXILIARIES or any(w in AUXILIARIES for w in body[:2]):
        return "yes_no"
    return "declarative"


def agreeing_no(text: str) -> bool:
    """Whether `text` opens with a "no" that praises or agrees ("No, that's a great point.")."""
    match = _AGREEING_NO.match(straight_quotes(text))
    return match is not None and not _NEGATIVE.search(match["rest"])


def looks_like_question(text: str, punctuated: bool) -> bool:
    """The fallback question rule when no trained classifier is installed: a question mark
    when the transcript is punctuated; a wh-word or an auxiliary first otherwise."""
    if punctuated:
        return ends_asking(text) and not quotes_a_question(text)
    words = _WORD.findall(straight_quotes(text).lower())
    return bool(words) and (words[0] in WH_WORDS or words[0] in AUXILIARIES) and len(words) >= 3
