"""TalkBank CHAT: participants, main tiers, media bullets, markup cleaned for display."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, read_meeting
from voiceshare.readers.chat import clean_chat, read, sniff

MEETING = """\
@UTF8
@Begin
@Languages:\teng
@Participants:\tCHR Chris_Lee Chair, PAT Pat Member, ROB Robin Member,
\tGUE Guest
@ID:\teng|team|CHR|||||Chair|||
@Date:\t14-MAR-2024
@Media:\tteam_meeting, audio
@Time Duration:\t10:00-10:30
*CHR:\tshall we start [>] ? \x151000_2500\x15
*PAT:\t+< yes [<] . \x152200_2900\x15
%com:\tlaughter in the room
*ROB:\tI think &-uh the (.) budget is <too tight> [/] too
\ttight +/. \x153000_6200\x15
*CHR:\t0 .
*PAT:\txxx . \x156300_6900\x15
*ROB:\t+, as I was saying . \x157000_8000\x15
@End
"""


def _bullet_time_per_speaker(path: Path) -> dict[str, float]:
    """Seconds of bullet time per speaker code, from `*CODE:` tiers and their continuations."""
    tiers: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("*"):
            tiers.append(line)
        elif line.startswith("\t") and tiers:
            tiers[-1] += line
        elif line.startswith(("%", "@")):
            tiers.append("")  # a dependent tier or header ends the main tier
    totals: dict[str, float] = defaultdict(float)
    for tier in filter(None, tiers):
        code = tier[1 : tier.index(":")]
        bullets = re.findall("\x15(\\d+)_(\\d+)\x15", tier)
        if bullets:
            totals[code] += (int(bullets[-1][1]) - int(bullets[0][0])) / 1000
    return dict(totals)


def _meeting_time_per_label(path: Path) -> dict[str, float]:
    meeting = read_meeting(path)
    label = {s.name: s.label for s in meeting.speakers}
    totals: dict[str, float] = defaultdict(float)
    for utterance in meeting.utterances:
        if utterance.duration_s is not None:
            totals[str(label[utterance.speaker])] += utterance.duration_s
    return dict(totals)


def test_participants_give_names_labels_and_roles() -> None:
    """`CHR Chris_Lee Chair` is named "Chris Lee"; a participant with only a role is named by it."""
    parsed = read(Source.from_text(MEETING, "team.cha"))
    assert [(s.name, s.label, s.role) for s in parsed.speakers] == [
        ("Chris Lee", "CHR", "Chair"),
        ("Pat", "PAT", "Member"),
        ("Robin", "ROB", "Member"),
        ("Guest", "GUE", "Guest"),
    ]
    assert parsed.attendees == ["Chris Lee", "Pat", "Robin", "Guest"]
    assert parsed.date == "14-MAR-2024"
    assert parsed.stated_duration_s == 1800.0


def test_main_tiers_become_timed_utterances_with_clean_text() -> None:
    """Bullets give the times; overlap markers, pauses and codes leave the text."""
    parsed = read(Source.from_text(MEETING, "team.cha"))
    assert [(u.speaker, u.text, u.start_s, u.end_s) for u in parsed.utterances] == [
        ("Chris Lee", "shall we start?", 1.0, 2.5),
        ("Pat", "yes.", 2.2, 2.9),
        ("Robin", "I think uh the budget is too tight too tight--", 3.0, 6.2),
        # `0 .` is an action without speech and is skipped; unintelligible speech keeps its time.
        ("Pat", "", 6.3, 6.9),
        ("Robin", "as I was saying.", 7.0, 8.0),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("that's the &-uh [>] +/.", "that's the uh--"),
        ("<what's> [<] that ?", "what's that?"),
        ("+, taperecorder over there .", "taperecorder over there."),
        ("(.) mm nice fiu@s:hun .", "mm nice fiu."),
        ("hm: ?", "hm?"),
        ("(es)cucha , mira !", "escucha, mira!"),
        ("so I went +...", "so I went..."),
        ("bla [/] bla .", "bla bla."),
        ("&=laughs www .", ""),
        ("he goed [: went] [*] home .", "he goed home."),
        ("I 've got ta go have n't I ?", "I've got ta go haven't I?"),
        ('+" mi per strada +".', "mi per strada."),
        ("&+fr free (1.5) lunch .", "fr- free lunch."),
        ("[- spa] hola &*MOT:mhm amigo .", "hola amigo."),
    ],
)
def test_markup_is_cleaned_for_display(raw: str, expected: str) -> None:
    """CHAT codes are removed and what was said is kept."""
    assert clean_chat(raw) == expected


def test_bullets_without_delimiters_and_old_sound_bullets() -> None:
    """Exports that lost the \\x15 delimiters, and `%snd:` bullets, still give times."""
    text = MEETING.replace("\x151000_2500\x15", "1000_2500").replace(
        "\x152200_2900\x15", '\x15%snd:"team_meeting"_2200_2900\x15'
    )
    parsed = read(Source.from_text(text))
    assert [(u.start_s, u.end_s) for u in parsed.utterances[:2]] == [(1.0, 2.5), (2.2, 2.9)]
    assert parsed.utterances[0].text == "shall we start?"


def test_without_participants_the_codes_are_the_speakers() -> None:
    """No @Participants header: speakers are their codes and are not names."""
    text = "@Begin\n*MOT:\tlook .\n*CHI:\tdoggie !\n@End\n"
    parsed = read(Source.from_text(text))
    assert [u.speaker for u in parsed.utterances] == ["MOT", "CHI"]
    assert parsed.has_speaker_names is False


def test_detected_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """A CHAT file saved as .txt is still read as CHAT."""
    meeting = read_meeting(write("team.txt", MEETING))
    assert meeting.format == "chat"
    assert meeting.date is not None
    assert meeting.date.isoformat() == "2024-03-14"


def test_sniff_rejects_plain_name_colon_transcripts() -> None:
    """`Name: text` lines are not CHAT."""
    assert sniff(Source.from_text("Alice: hello there\nBob: hi Alice\n")) == 0.0


def test_missing_end_warns_that_the_file_may_be_truncated() -> None:
    """A file without @End keeps its tiers and says it may be cut off."""
    source = Source.from_text(MEETING.replace("@End\n", ""))
    parsed = read(source)
    assert len(parsed.utterances) == 5
    assert any("@End" in w for w in source.warnings)


def test_no_main_tiers_is_an_error() -> None:
    """Headers with no `*CODE:` tiers are not a transcript."""
    with pytest.raises(InputError, match="no `\\*SPEAKER:` main tiers"):
        read(Source.from_text("@Begin\n@Participants:\tMOT Mother\n@End\n"))


def test_eng_multi_speaker_speakers_and_bullets(shared_data: Path) -> None:
    """CHILDES excerpt: Father and the child speak, the mother is listed but silent."""
    path = shared_data / "transcripts/chat_talkbank/eng_multi_speaker.cha"
    meeting = read_meeting(path)
    assert [(s.name, s.label) for s in meeting.speakers] == [
        ("Father", "FAT"),
        ("Target Child", "CHI"),
        ("Mother", "MOT"),
    ]
    assert [u.speaker for u in meeting.utterances].count("Father") == 8
    assert [u.speaker for u in meeting.utterances].count("Target Child") == 4
    assert (meeting.utterances[0].start_s, meeting.utterances[-1].end_s) == (0.6, 17.618)
    assert _meeting_time_per_label(path) == pytest.approx(_bullet_time_per_speaker(path))
    assert meeting.utterances[7].text == "that's the uh--"


def test_spanish_excerpt_partly_timed(shared_data: Path) -> None:
    """Two participants share the role Brother and are told apart by code; untimed tiers stay."""
    path = shared_data / "audio/talkbank/spa_marrero_timed.cha"
    meeting = read_meeting(path)
    assert meeting.speaker_names == (
        "Investigator",
        "Brother (DAN)",
        "Brother (SER)",
        "Target Child",
    )
    assert [(u.speaker, u.start_s) for u in meeting.utterances] == [
        ("Investigator", 1.0),
        ("Brother (DAN)", 4.954),
        ("Investigator", 6.419),
        ("Brother (DAN)", None),
    ]
    assert meeting.utterances[0].text == "escucha, mira!"
    assert _meeting_time_per_label(path) == pytest.approx(_bullet_time_per_speaker(path))


def test_bilingual_excerpt_duration_and_date(shared_data: Path) -> None:
    """C-ORAL-IC excerpt: the date and the stated recording length come from the headers."""
    path = shared_data / "transcripts/chat_talkbank/biling_vec_hrv_timed.cha"
    meeting = read_meeting(path)
    assert meeting.date is not None
    assert meeting.date.isoformat() == "2020-01-08"
    assert meeting.stated_duration_s == 14 * 60 + 48
    assert {u.speaker for u in meeting.utterances} == {"Speaker3"}
    assert _meeting_time_per_label(path) == pytest.approx(_bullet_time_per_speaker(path))


def test_untimed_overlap_file(shared_data: Path) -> None:
    """The CA overlap fixture has no bullets; overlap markers stay out of the text."""
    meeting = read_meeting(shared_data / "transcripts/chat_talkbank/eng_overlap_ca.cha")
    assert meeting.speaker_names == ("Participant", "Investigator")
    assert not any(u.is_timed for u in meeting.utterances)
    assert not any(mark in u.text for u in meeting.utterances for mark in "[]<>+")
    assert meeting.utterances[0].text == "so I was telling him about it."


def test_cabnc_placeholder_names_give_way_to_the_code(shared_data: Path) -> None:
    """`PS6TB None Unidentified`: nobody is called "None"; the speaker is shown by their code."""
    path = shared_data / "transcripts/chat_cabnc/cabnc_archive/KB7/KB7RE009.cha"
    assert [(s.name, s.label) for s in read_meeting(path).speakers] == [
        ("Ann", "PS02G"),
        ("Stuart", "PS02H"),
        ("Jill", "PS02K"),
        ("PS6TB", "PS6TB"),
        ("PS001", "PS001"),
    ]


def test_cabnc_continuation_lines_and_times(shared_data: Path) -> None:
    """CABNC: named participants, bullets on continuation lines, per-speaker bullet time."""
    path = shared_data / "transcripts/chat_cabnc/cabnc_archive/KB0/KB0RE000.cha"
    meeting = read_meeting(path)
    assert [(s.name, s.label) for s in meeting.speakers] == [
        ("Margaret", "PS002"),
        ("Bob", "PS006"),
        ("Unknown speaker", "KB0PSUN"),
    ]
    assert meeting.date is not None
    assert meeting.date.isoformat() == "1992-03-16"
    assert _meeting_time_per_label(path) == pytest.approx(_bullet_time_per_speaker(path))
    assert not meeting.warnings
