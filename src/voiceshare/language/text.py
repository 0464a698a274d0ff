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
