"""Dialog-act boundaries in raw, unpunctuated text: long cues cut where a unit ends."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from voiceshare.language import segments
from voiceshare.language.segments import (
    boundary_features,
    load_segment_model,
    normalise,
    pause_token,
    split_utterance,
)
from voiceshare.model import Utterance, Word


def spoken(text: str, start_s: float = 0.0, pauses_s: dict[int, float] | None = None) -> Utterance:
    """A raw cue whose words take 0.25 s each, 0.05 s apart, with longer `pauses_s` after
    the words at the given positions."""
    words, time_s = [], start_s
    for position, token in enumerate(text.split()):
        words.append(Word(token, round(time_s, 3), round(time_s + 0.25, 3)))
        time_s += 0.3 + (pauses_s or {}).get(position, 0.0)
    return Utterance("7", "Ana", text, words[0].start_s, words[-1].end_s, tuple(words))


def test_words_are_read_lower_case_without_punctuation() -> None:
    assert normalise("O_K") == "ok" and normalise("Don't,") == "don't" and normalise("th-") == "th"


def test_pauses_fall_into_buckets() -> None:
    assert pause_token(None) == "p:na"
    assert pause_token(0.0) == "p:0.05" and pause_token(0.25) == "p:0.3"
    assert pause_token(0.99) == "p:1.0" and pause_token(3.0) == "p:long"


def test_a_statement_then_a_question_is_cut_between_them() -> None:
    """'yeah i think that works for me | but what about the budget do we know it yet': two
    pieces of the one cue, each with its own words and the times of its first and last word."""
    cue = spoken("yeah i think that works for me but what about the budget do we know it yet")
    model = load_segment_model()
    assert model is not None
    pieces = split_utterance(cue, model)
    assert [p.text for p in pieces] == [
        "yeah i think that works for me",
        "but what about the budget do we know it yet",
    ]
    assert [p.id for p in pieces] == ["7#0", "7#1"]
    assert pieces[0].words == cue.words[:7] and pieces[1].words == cue.words[7:]
    assert pieces[0].start_s == cue.start_s and pieces[1].end_s == cue.end_s
    assert pieces[1].start_s == cue.words[7].start_s


def test_without_word_times_the_words_alone_decide() -> None:
    """A cue with no word times is cut too, its pieces timed by even spacing of words."""
    cue = Utterance("3", "Ana", "no i don't think that's right we tested it last week", 10.0, 20.0)
    model = load_segment_model()
    assert model is not None
    pieces = split_utterance(cue, model)
    assert len(pieces) >= 2
    assert " ".join(p.text for p in pieces) == cue.text
    assert pieces[0].start_s == 10.0 and pieces[-1].end_s == 20.0
    assert all(p.words == () for p in pieces)
    starts = [p.start_s for p in pieces]
    assert starts == sorted(starts)


def test_a_long_pause_before_a_new_start_cuts_and_a_short_one_does_not() -> None:
    """The pause is evidence: the same words are cut after 'friday' when a second of silence
    follows it and kept whole when they run on."""
    text = "we moved the launch to friday the customers know"
    model = load_segment_model()
    assert model is not None
    assert len(split_utterance(spoken(text, pauses_s={5: 1.2}), model)) == 2
    assert len(split_utterance(spoken(text), model)) == 1


def test_short_cues_are_left_whole() -> None:
    """'yeah okay sure' (under `MIN_WORDS_TO_SPLIT` words) is read as it stands."""
    cue = spoken("yeah okay sure")
    model = load_segment_model()
    assert model is not None
    assert split_utterance(cue, model) == [cue]


def test_without_the_model_raw_cues_stay_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no segments.json installed (VOICESHARE_MODELS points elsewhere) the boundary
    model is absent and the analysis reads every raw cue whole."""
    pytest.importorskip("spacy")
    from voiceshare.language.units import act_units

    monkeypatch.setenv("VOICESHARE_MODELS", str(tmp_path))
    load_segment_model.cache_clear()
    try:
        assert load_segment_model() is None
        cue = spoken("yeah i think that works for me but what about the budget do we know it yet")
        assert [u.utterance for u in act_units([cue], False)] == [cue]
    finally:
        load_segment_model.cache_clear()


def test_boundaries_on_real_validation_meetings_beat_cutting_at_pauses(shared_data: Path) -> None:
    """On three MRDA validation meetings (never seen in training), every speaker's turn as one
    run of raw words: the model finds the annotators' unit ends with F1 over 0.6, with word
    times and without, and beats cutting at every pause of 0.2 s or more."""
    from voiceshare.evaluation.acts import speaker_runs
    from voiceshare.evaluation.mrda import load_meeting, meeting_ids

    mrda = shared_data / "mrda"
    model = load_segment_model()
    assert model is not None
    counts = {"timed": [0, 0, 0], "untimed": [0, 0, 0], "pauses": [0, 0, 0]}
    for meeting_id in meeting_ids(mrda, "val")[:3]:
        meeting, _ = load_meeting(mrda, meeting_id, punctuation=False)
        for turn in speaker_runs(meeting.utterances):
            words = [w for u in turn for w in u.words]
            if len(words) < 2:
                continue
            ends, position = set(), 0
            for u in turn[:-1]:
                position += len(u.words)
                ends.add(position - 1)
            tokens = [normalise(w.text) or w.text for w in words]
            pauses = [
                None if a.end_s is None or b.start_s is None else max(0.0, b.start_s - a.end_s)
                for a, b in itertools.pairwise(words)
            ]
            found = {
                "timed": set(model.boundaries(tokens, pauses)),
                "untimed": set(model.boundaries(tokens, [None] * len(pauses))),
                "pauses": {k for k, p in enumerate(pauses) if p is not None and p >= 0.2},
            }
            for name, gaps in found.items():
                counts[name][0] += len(gaps & ends)
                counts[name][1] += len(gaps - ends)
                counts[name][2] += len(ends - gaps)

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn)

    scores = {name: f1(*c) for name, c in counts.items()}
    assert counts["timed"][0] + counts["timed"][2] > 1000  # enough unit ends to judge by
    assert scores["timed"] > 0.6 and scores["untimed"] > 0.55
    assert scores["timed"] > scores["pauses"] + 0.05


def test_the_model_file_is_the_shipped_one() -> None:
    """The model loads from models/ with its tuned threshold and a real vocabulary."""
    model = load_segment_model()
    assert model is not None
    assert 0.1 < model.threshold < 0.9
    assert len(model.weights) > 10_000
    assert segments.MODEL_FILE == "segments.json"


def test_the_fast_sum_decides_as_the_named_features_do() -> None:
    """The run-time path (weights by kind, keyed by words) finds exactly the gaps that the
    named features (`boundary_features`, which training uses) put at or over the threshold."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    model = load_segment_model()
    assert model is not None
    # Words from the heaviest pair features, so that pairs the model knows come up often.
    pairs = sorted(
        (f for f in model.weights if f.split("=")[0] in ("w-1w0", "w1w2", "w0w1")),
        key=lambda f: -abs(model.weights[f]),
    )[:60]
    known = sorted(
        {word for f in pairs for word in f.split("=", 1)[1].split("_")} - {"<s>", "</s>"}
    )
    vocabulary = st.sampled_from([*known, "zzunseen"])
    pause = st.one_of(st.none(), st.floats(min_value=0.0, max_value=3.0))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(vocabulary, pause), min_size=2, max_size=30))
    def same(run: list[tuple[str, float | None]]) -> None:
        words = [word for word, _ in run]
        pauses = [p for _, p in run[:-1]]
        expected = []
        for gap in range(len(words) - 1):
            probability = model.probability(boundary_features(words, pauses, gap))
            if abs(probability - model.threshold) < 1e-9:
                return  # a tie at the threshold is decided by rounding either way
            if probability >= model.threshold:
                expected.append(gap)
        assert model.boundaries(words, pauses) == expected

    same()


@pytest.mark.parametrize(
    "export",
    [
        "cloud_asr_json/IBM/ES2008a/out.json",
        "cloud_asr_json/Google/ES2011d/ES2011d-out.json",
    ],
)
def test_real_raw_asr_exports_have_their_questions_quoted_from_inside_long_cues(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, export: str
) -> None:
    """Real IBM Watson and Google Speech output on AMI meetings (raw text with word times,
    segments of up to 100+ words): the report quotes some questions in their own words, each
    a run of its cue's words, and finds more questions than with every cue read whole (the
    same models without segments.json). There is no gold for these files: this checks the
    cutting happens on real recogniser output, not its accuracy."""
    pytest.importorskip("spacy")
    from voiceshare.analysis import analyze
    from voiceshare.readers import read_meeting
    from voiceshare.resources import models_dir

    meeting = read_meeting(shared_data / "transcripts" / export)
    cues = {u.id: u for u in meeting.utterances}
    cut = analyze(meeting)
    quoted = [q for q in cut.questions if q.text]
    assert quoted
    for question in quoted:
        assert f" {question.text} " in f" {cues[question.utterance_id].text} "

    whole_models = tmp_path / "models"
    whole_models.mkdir()
    for path in models_dir().iterdir():
        if path.name != "segments.json":
            (whole_models / path.name).symlink_to(path)
    monkeypatch.setenv("VOICESHARE_MODELS", str(whole_models))
    load_segment_model.cache_clear()
    try:
        whole = analyze(meeting)
    finally:
        monkeypatch.undo()
        load_segment_model.cache_clear()
    assert not any(q.text for q in whole.questions)
    assert len(cut.questions) > len(whole.questions)
