"""Backchannels: short listener responses ("mm-hmm", "yeah", "right") that do not take the floor.

They are counted, but they are never turns and never break another speaker's turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voiceshare.language.text import straight_quotes
from voiceshare.model import Utterance

# Single tokens and short phrases listeners use to show they follow without taking the floor.
BACKCHANNEL_TOKENS = frozenset(
    """
    mm mmm mhm mm-hmm mmhmm mm-hm uh-huh uhhuh uh-hum hmm hm huh ah oh ooh aha uh um
    yeah yea yep yup yes ya right okay ok k sure exactly true totally absolutely definitely
    cool nice great wow gotcha indeed alright alrighty correct agreed fine good
    """.split()
)
BACKCHANNEL_PHRASES = frozenset(
    {
        "i see",
        "oh i see",
        "that's right",
        "thats right",
        "that's true",
        "of course",
        "makes sense",
        "that makes sense",
        "got it",
        "fair enough",
        "sounds good",
        "i know",
        "oh okay",
        "oh wow",
        "oh really",
        "yeah yeah",
        "right right",
        "okay okay",
        "uh huh",
        "mm hmm",
        "all right",
    }
)
# Longer than this is not a backchannel, whatever it says.
MAX_WORDS = 4
MAX_DURATION_S = 2.5

_NON_WORD = re.compile(r"[^\w'\- ]+")


def normalise(text: str) -> str:
    """Lower case, punctuation removed, whitespace collapsed."""
    return " ".join(_NON_WORD.sub(" ", straight_quotes(text).lower()).split())


def is_backchannel_text(text: str) -> bool:
    """True when `text` is only backchannel words ("yeah, right", "mm-hmm", "I see")."""
    words = normalise(text)
    if not words:
        return False
    tokens = words.split()
    if len(tokens) > MAX_WORDS:
        return False
    if words in BACKCHANNEL_PHRASES:
        return True
    return all(token.strip("-") in BACKCHANNEL_TOKENS for token in tokens)


def backchannel_ids(ordered: Sequence[Utterance]) -> frozenset[str]:
    """Ids of the utterances that are backchannels, given utterances in timeline order.

    An utterance is a backchannel when its words come from the lexicon, it is short, and its
    speaker does not take the floor with it: the speaker's next utterance is not an immediate
    substantive continuation ("Yeah. So I think..." is the start of a turn, not a backchannel).
    """
    result = set()
    for index, utterance in enumerate(ordered):
        if not is_backchannel_text(utterance.text):
            continue
        duration = utterance.duration_s
        if duration is not None and duration > MAX_DURATION_S:
            continue
        previous = ordered[index - 1] if index > 0 else None
        if previous is None or previous.speaker == utterance.speaker:
            # Nobody else held the floor to respond to.
            continue
        if _starts_inside(utterance, previous):
            # Said while the other person was still talking: a response, whatever comes next.
            result.add(utterance.id)
            continue
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if (
            following is not None
            and following.speaker == utterance.speaker
            and not is_backchannel_text(following.text)
        ):
            continue
        result.add(utterance.id)
    return frozenset(result)


def _starts_inside(utterance: Utterance, previous: Utterance) -> bool:
    return (
        utterance.start_s is not None
        and previous.end_s is not None
        and utterance.start_s < previous.end_s
    )
