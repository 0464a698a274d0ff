"""Text as the language models and rules read it."""

from __future__ import annotations

# One character for one, so that offsets into the straightened text fit the original.
_STRAIGHT = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"'}
)


def straight_quotes(text: str) -> str:
    """`text` with curly quotes and apostrophes made straight. The models learnt "don't" from
    MRDA's straight apostrophes and the phrase lists are written with them; to both, "don’t"
    (as word processors, Google Docs and some ASR services write it) is another word."""
    return text.translate(_STRAIGHT)
