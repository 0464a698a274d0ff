"""How utterances end: cut-off marks, fragments, dangling words, and the spaCy path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from voiceshare.language import endings


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("because we store--", True),
        ("so they're just doing their own thing until ==", True),
        ("and then we...", True),
        ("and then we…", True),
        ("we could use the cache.", False),
        ("is that right?", False),
    ],
)
def test_cut_off_marks(text: str, cut: bool) -> None:
    """Transcribers' marks for speech that was cut off or trailed away are recognised."""
    assert endings.cut_off_mark(text) is cut


def test_fragments_dangling_words_and_terminal_punctuation() -> None:
    """A broken word, a hanging 'and'/'the', and full stops are told apart."""
    assert endings.fragment_ending("we need the th-")
    assert not endings.fragment_ending("a well-known fix")
    assert endings.dangling_ending("so the plan is to move the")
    assert endings.dangling_ending("I was going to say and")
    assert not endings.dangling_ending("let's look into it")
    assert endings.terminal_punctuation("That's all.") and not endings.terminal_punctuation("so...")


def test_a_configured_spacy_pipeline_decides_by_part_of_speech(tmp_path: Path) -> None:
    """With VOICESHARE_SPACY_MODEL pointing at a tagging pipeline (here a rule-based one the
    test builds and saves, loaded from its folder like a user's model), parts of speech decide:
    a sentence ending on a word tagged as a preposition is incomplete, even one the word list
    does not know."""
    spacy = pytest.importorskip("spacy", reason="the nlp extra (spaCy) is not installed")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "regarding"}]], {"POS": "ADP"})
    ruler.add([[{"LOWER": "tomorrow"}]], {"POS": "NOUN"})
    folder = tmp_path / "tagger"
    nlp.to_disk(folder)
    code = (
        "from voiceshare.language.endings import incomplete_ending, dangling_ending;"
        "print(incomplete_ending('we should talk regarding'), dangling_ending('we should talk "
        "regarding'), incomplete_ending('we ship tomorrow'))"
    )
    env = {"VOICESHARE_SPACY_MODEL": str(folder), "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["True", "False", "False"]


def test_without_a_pipeline_the_word_list_decides() -> None:
    """No configured or installed English pipeline here: the closed-class list is used."""
    assert endings.incomplete_ending("and we also need the") is True
    assert endings.incomplete_ending("we ship tomorrow") is False
