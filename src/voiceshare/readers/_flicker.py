"""Diarization flicker in speech recognisers' output: a few words in the middle of someone's
speech given to another speaker.

Recognisers that tell speakers apart by voice (Google, IBM Watson, AWS, Deepgram, AssemblyAI,
WhisperX) often switch speaker for a word or two and back ("I'm from | the | state of Maine").
Read as they stand, those fragments become turns, backchannels and interruptions that never
happened. Measured against the references in `../shared/data` (`tests/readers/test_flicker.py`):
of the 35 fragments given back on four AMI meetings with Google and Watson output, 28 are
spoken in the reference by whoever speaks the words either side of them and none by anyone
else (at the other 7 the reference has no single speaker); on the 44 earnings21 calls with
Amazon Transcribe output, 121 of 128, none by anyone else. With four words some fragments were
another speaker's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from voiceshare.language.text import ends_asking
from voiceshare.model import Utterance

# A fragment is at most this many words ...
FLICKER_WORDS = 3
# ... with the surrounding speaker's speech less than this before and after it.
FLICKER_GAP_S = 1.0


def absorb_flicker(utterances: Sequence[Utterance]) -> tuple[list[Utterance], int]:
    """`utterances` with each flicker fragment given back to the speaker around it (its text,
    times and id unchanged), and how many fragments were. A fragment right after a question
    ("Is that right?" "Yes." ...) is left alone: it may be the answer."""
    result = list(utterances)
    absorbed = 0
    for index in range(1, len(result) - 1):
        before, fragment, after = result[index - 1 : index + 2]
        if _is_flicker(before, fragment, after):
            result[index] = replace(fragment, speaker=before.speaker)
            absorbed += 1
    return result, absorbed


def _is_flicker(before: Utterance, fragment: Utterance, after: Utterance) -> bool:
    if not before.speaker == after.speaker != fragment.speaker:
        return False
    if not 0 < fragment.word_count <= FLICKER_WORDS or ends_asking(before.text):
        return False
    gaps = (_gap_s(before, fragment), _gap_s(fragment, after))
    return all(gap is not None and gap < FLICKER_GAP_S for gap in gaps)


def _gap_s(first: Utterance, second: Utterance) -> float | None:
    if first.end_s is None or second.start_s is None:
        return None
    return second.start_s - first.end_s
