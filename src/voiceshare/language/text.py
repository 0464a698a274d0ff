"""Text as the language models and rules read it."""

from __future__ import annotations

import re

# One character for one, so that offsets into the straightened text fit the original.
_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)
_CURLY = re.compile("[\u2018\u2019\u02bc\u201c\u201d]")


def straight_quotes(text: str) -> str:
    """`text` with curly quotes and apostrophes made straight. The models learnt "don't" from
    MRDA's straight apostrophes and the phrase lists are written with them; to both, "don’t"
    (as word processors, Google Docs and some ASR services write it) is another word."""
    # Most text has none, and looking costs less than translating.
    if _CURLY.search(text):
        return text.translate(_STRAIGHT)
    return text


# A question mark a word shortly before, maybe doubled or with "!", maybe inside quotes or
# brackets, ending the text ("Really??", "Are you sure ...?"); not a transcriber's "(?)" or
# "[?]" marking a word they were unsure of.
_ENDS_ASKING = re.compile(r"\w[^\w?(\[]{0,4}\?[?!]*[\s\"')\]]*$")


def ends_asking(text: str) -> bool:
    """Whether punctuated `text` ends its last sentence with a question mark (see
    `_ENDS_ASKING`: "...for the entire year?", '"Is it?"', "Really??"); a bare "?" or
    "(?)" asks nothing."""
    return bool(_ENDS_ASKING.search(straight_quotes(text)))


# Where a sentence ends before the next one starts ("...day. Then", "ready? So").
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+")


def quotes_a_question(text: str) -> bool:
    """Whether punctuated `text` ends on a question that the speaker quotes rather than asks:
    its last question mark lies inside double quotes opened after other words of the same
    sentence ('Here's how: name = input("What's your name? ")', 'She asked me "are you
    coming?"'). A sentence that is all quotation ('"Is it?"') still asks."""
    straight = straight_quotes(text)
    mark = straight.rfind("?")
    if mark < 0 or straight[:mark].count('"') % 2 == 0:
        return False
    opened = straight.rfind('"', 0, mark)
    sentence = _SENTENCE_END.split(straight[:opened])[-1]
    return any(c.isalnum() for c in sentence)
