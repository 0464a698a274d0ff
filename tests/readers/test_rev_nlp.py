"""Rev `.nlp` token files: earnings21 references (no times) and Amazon outputs (word times)."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting
from voiceshare.readers.rev_nlp import read, sniff

REFERENCE = """\
token|speaker|ts|endTs|punctuation|case|tags|wer_tags
Good|0||||UC|[]|[]
morning|0|||,|LC|['5:TIME']|['5']
everyone|0|||.|LC|[]|[]
Thank|1||||UC|[]|[]
you|1|||.|LC|[]|[]
Any|0||||UC|[]|[]
questions|0|||?|LC|[]|[]
"""

AMAZON = """\
token|speaker|ts|endTs|punctuation|case|tags
Good|1|3.24|3.37|||
morning|1|3.37|3.63|,||
ladies|1|3.63|3.91|.||
Thank|2|4.50|4.70|||
you|2|4.70|4.95|.||
"""


def _raw_tokens(path: Path) -> list[tuple[str, str]]:
    """(speaker id, token) for every non-empty token, read with plain string splitting."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("|")
        if cells[0].strip():
            rows.append((cells[1], cells[0].strip()))
    return rows


def test_reference_tokens_become_runs_of_one_speaker() -> None:
    """Consecutive tokens by one speaker form one utterance, punctuation attached."""
    parsed = read(Source.from_text(REFERENCE, "call.nlp"))
    assert [(u.speaker, u.text) for u in parsed.utterances] == [
        ("Speaker 1", "Good morning, everyone."),
        ("Speaker 2", "Thank you."),
        ("Speaker 1", "Any questions?"),
    ]
    assert all(u.start_s is None and not u.words for u in parsed.utterances)
    assert parsed.has_speaker_names is False


def test_asr_output_keeps_word_times() -> None:
    """Token times become the utterance's span and its words."""
    parsed = read(Source.from_text(AMAZON, "call.nlp"))
    first, second = parsed.utterances
    assert (first.start_s, first.end_s) == (3.24, 3.91)
    assert [w.text for w in first.words] == ["Good", "morning,", "ladies."]
    assert (second.speaker, second.start_s, second.end_s) == ("Speaker 3", 4.5, 4.95)


def test_detected_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """A .nlp file renamed to .txt is still read as Rev .nlp."""
    meeting = read_meeting(write("call.txt", AMAZON))
    assert meeting.format == "rev-nlp"
    assert len(meeting.utterances) == 2


def test_sniff_rejects_other_pipe_separated_text() -> None:
    """MRDA-style `speaker|text` lines are not .nlp."""
    assert sniff(Source.from_text("me011|so we had a long discussion|S|s|s\n")) == 0.0


def test_truncated_last_line_is_dropped_with_a_warning() -> None:
    """A file cut off mid-line keeps every complete token and says what was dropped."""
    source = Source.from_text(AMAZON + "Goodb|2|5.0")
    parsed = read(source)
    assert parsed.utterances[-1].text == "Thank you."
    assert any("cut off" in w for w in source.warnings)


def test_short_line_in_the_middle_is_an_error() -> None:
    """A line missing columns before the end of the file is malformed, not truncated."""
    broken = AMAZON.replace("morning|1|3.37|3.63|,||", "morning|1")
    with pytest.raises(InputError, match="line 3 has 2 columns"):
        read(Source.from_text(broken))


def test_non_numeric_time_is_dropped_with_a_warning() -> None:
    """A time that is not a number (earnings21 has one) costs that time, not the transcript."""
    source = Source.from_text(AMAZON.replace("3.37|3.63", "3.37|soon"))
    parsed = read(source)
    assert parsed.utterances
    assert any("'soon'" in w for w in source.warnings)


@pytest.mark.parametrize("name", ["4320211.nlp", "4382825.nlp"])
def test_real_reference_token_counts_per_speaker(shared_data: Path, name: str) -> None:
    """Every token of an earnings21 reference is kept, under its speaker, in runs."""
    path = shared_data / "transcripts/earnings21/transcripts/nlp_references" / name
    raw = _raw_tokens(path)
    expected = Counter(f"Speaker {int(speaker) + 1}" for speaker, _ in raw)
    changes = sum(1 for a, b in itertools.pairwise(raw) if a[0] != b[0])

    meeting = read_meeting(path)
    counted: Counter[str] = Counter()
    for utterance in meeting.utterances:
        counted[utterance.speaker] += len(utterance.text.split())
    assert counted == expected
    assert len(meeting.utterances) == changes + 1
    assert not meeting.is_timed


def test_real_amazon_output_word_times(shared_data: Path) -> None:
    """Amazon output keeps one timed word per token, and utterances span their words."""
    path = shared_data / "transcripts/earnings21/output/amazon/4320211.nlp"
    raw = _raw_tokens(path)
    expected = Counter(f"Speaker {int(speaker) + 1}" for speaker, _ in raw)
    lines = path.read_text(encoding="utf-8").splitlines()
    first_start = float(lines[1].split("|")[2])
    last_end = float(lines[-1].split("|")[3])

    meeting = read_meeting(path)
    # The speakers as Amazon gave them, before flickers of a few words are mended.
    as_labelled = read(Source.from_path(path))
    counted: Counter[str] = Counter()
    for utterance in as_labelled.utterances:
        counted[utterance.speaker] += len(utterance.words)
    for utterance in meeting.utterances:
        assert utterance.start_s == utterance.words[0].start_s
        assert utterance.end_s == utterance.words[-1].end_s
    assert counted == expected
    assert meeting.is_timed
    assert meeting.utterances[0].start_s == first_start
    assert meeting.utterances[-1].end_s == last_end
