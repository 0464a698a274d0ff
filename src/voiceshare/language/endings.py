"""How an utterance ends: cut off mid-word, trailing off, or grammatically incomplete.

Text evidence for interruptions in transcripts whose timings cannot show them. Works on any
text with a fixed lexicon of English closed-class words (cheap enough to run on every
utterance); `incomplete_ending` uses parts of speech instead when a tagging spaCy pipeline is
installed or configured (`VOICESHARE_SPACY_MODEL`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from voiceshare.errors import VoiceshareError
from voiceshare.language.text import straight_quotes

# Marks transcribers and captioners use for speech that was cut off or trailed away.
_CUT_OFF = re.compile(r"(?:==|--+|—|–|-|\.\.\.|…)\s*$")
# Word fragments: "they'r-", "th-".
_FRAGMENT = re.compile(r"\b\w+-\s*$")
_TERMINAL = re.compile(r"[.?!]['\")\]]*\s*$")
_WORD = re.compile(r"[a-z'-]*[a-z]")

# A sentence does not end on these: conjunctions, articles/determiners, prepositions,
# subject pronouns, auxiliaries and fillers that introduce more to come.
FUNCTION_WORDS = frozenset(
    """
    and but or so because cause if that which who whose when where while although though than
    as since unless until whether nor yet then plus
    the a an this these those my your our their his its some any every each no another
    of to in on at for with from by about into onto over under between through during without
    after before like upon via per
    i we you he she they it there i'm we're you're they're it's there's that's
    is are was were be been am do does did have has had will would can could should shall may
    might must gonna wanna gotta
    um uh er erm uh-huh like
    """.split()
)
# Short words that often end complete sentences even though they are in FUNCTION_WORDS.
_COMPLETE_ENDINGS = frozenset(
    {
        "it",
        "that",
        "this",
        "too",
        "so",
        "then",
        "there",
        "yet",
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "can",
        "will",
        "would",
        "in",
        "on",
        "about",
        "with",
        "to",
        "for",
        "like",
    }
)


def cut_off_mark(text: str) -> bool:
    """True when the text ends with a cut-off or trail-off mark (`--`, `==`, `...`, `wor-`)."""
    return bool(_CUT_OFF.search(text))


def fragment_ending(text: str) -> bool:
    """True when the last word is a fragment (`th-`, `they'r-`)."""
    return bool(_FRAGMENT.search(text))


def terminal_punctuation(text: str) -> bool:
    """True when the text ends a sentence: `.`, `?` or `!` (not `...`)."""
    stripped = text.rstrip()
    return bool(_TERMINAL.search(stripped)) and not stripped.endswith(("...", "…"))


def carries_on(earlier: str, later: str) -> bool:
    """Whether `later` carries on `earlier`'s sentence: `earlier` has no sentence end or
    cut-off mark and `later` starts in lower case ("...is being recorded and" / "may not be
    reproduced...")."""
    return not terminal_punctuation(earlier) and not cut_off_mark(earlier) and later[:1].islower()


def words(text: str) -> list[str]:
    """Lower-case words, punctuation dropped (apostrophes kept, made straight)."""
    return _WORD.findall(straight_quotes(text).lower())


def last_word(text: str) -> str:
    found = words(text)
    return found[-1] if found else ""


def dangling_ending(text: str) -> bool:
    """True when the last word leaves the sentence hanging ("and", "the", "to", "uh")."""
    word = last_word(text)
    return word in FUNCTION_WORDS and word not in _COMPLETE_ENDINGS


@cache
def _tagger() -> Any:
    """The language pipeline when it tags parts of speech (a configured or installed trained
    pipeline); None otherwise. spaCy is only imported when there is such a pipeline, so its
    absence costs nothing on the hot path."""
    from voiceshare.language.nlp import configured_pipeline_name, has_tagger, load_pipeline

    if configured_pipeline_name() is None:
        return None
    try:
        nlp = load_pipeline()
    except VoiceshareError:
        return None
    return nlp if has_tagger(nlp) else None


def pos_incomplete(text: str) -> bool | None:
    """With a tagging spaCy pipeline: True when the last word's part of speech cannot end a
    clause (conjunction, determiner, preposition, auxiliary). None when no tagger is installed."""
    nlp = _tagger()
    if nlp is None:
        return None
    tokens = [t for t in nlp(text) if not t.is_punct and not t.is_space]
    if not tokens or not tokens[-1].pos_:
        return None
    return tokens[-1].pos_ in {"CCONJ", "SCONJ", "DET", "ADP", "AUX"}


def incomplete_ending(text: str) -> bool:
    """Whether the sentence is left hanging: by part of speech when a tagging pipeline is
    installed, else by the closed-class word list."""
    tagged = pos_incomplete(text)
    return dangling_ending(text) if tagged is None else tagged
