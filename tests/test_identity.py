"""Alias files merge labels into people; pseudonyms hide names everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import meeting
from voiceshare.analysis import analyze
from voiceshare.errors import ConfigError
from voiceshare.identity import apply_speaker_map, load_speaker_map, pseudonymise
from voiceshare.report.markdown import render_markdown
from voiceshare.report.render import render_json


@pytest.fixture
def standup():  # type: ignore[no-untyped-def]
    return meeting(
        ("Samantha Lee", 0, 10, "Morning all. Priya, can you start?"),
        ("SPEAKER_02", 10, 20, "Sure. As Sam said yesterday, the build is flaky."),
        ("Sam", 20, 25, "Thanks Priya Nair, good point."),
        attendees=("Omar Haddad",),
    )


def test_yaml_and_csv_alias_files_merge_labels(tmp_path: Path, standup) -> None:  # type: ignore[no-untyped-def]
    """Both alias file forms map labels to people, case- and whitespace-insensitively."""
    yaml_file = tmp_path / "people.yaml"
    yaml_file.write_text("Samantha Lee: [sam, 'SAMANTHA  LEE']\nspeaker_02: Priya Nair\n")
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("alias,person\nSam,Samantha Lee\nSPEAKER_02,Priya Nair\n")
    for path in (yaml_file, csv_file):
        merged = apply_speaker_map(standup, load_speaker_map(path))
        assert merged.speaker_names == ("Samantha Lee", "Priya Nair")
        report = analyze(merged)
        assert report.speaker("Samantha Lee").speaking_time_s == pytest.approx(15.0)


def test_a_broken_alias_file_is_one_clear_error(tmp_path: Path) -> None:
    """A malformed speaker map names the file and the problem."""
    bad = tmp_path / "bad.csv"
    bad.write_text("alias,person\nonly-one-column\n")
    with pytest.raises(ConfigError, match="row 1 of the speaker map"):
        load_speaker_map(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_speaker_map(tmp_path / "missing.yaml")


def test_pseudonyms_replace_names_everywhere(standup) -> None:  # type: ignore[no-untyped-def]
    """No real name survives in the JSON or Markdown report: speakers, attendees, text, title."""
    named = apply_speaker_map(standup, {"sam": "Samantha Lee", "speaker_02": "Priya Nair"})
    named = named.with_changes(title="Stand-up with Priya Nair", source="/x/priya-notes.vtt")
    hidden = pseudonymise(named)
    assert hidden.speaker_names == ("Participant 1", "Participant 2")
    assert hidden.attendees == ("Participant 3",)
    report = analyze(hidden)
    for text in (render_json(report), render_markdown(report)):
        for real in ("Samantha", "Priya", "Nair", "Omar", "Haddad", "Lee"):
            assert real not in text
    assert hidden.utterances[0].text == "Morning all. Participant 2, can you start?"
    assert hidden.utterances[2].text == "Thanks Participant 2, good point."


def test_keyed_pseudonyms_are_stable_across_meetings(standup) -> None:  # type: ignore[no-untyped-def]
    """With a key, the same person gets the same pseudonym in every meeting; another key differs."""
    first = pseudonymise(standup, key="team-secret")
    other = pseudonymise(
        meeting(("Omar Haddad", 0, 3, "hi"), ("samantha  lee", 3, 6, "hello")), key="team-secret"
    )
    assert first.speaker_names[0] == other.speaker_names[1]
    assert first.attendees[0] == other.speaker_names[0]
    assert pseudonymise(standup, key="other").speaker_names[0] != first.speaker_names[0]


def test_pseudonyms_reach_word_timings_file_names_and_lowercase_mentions(tmp_path: Path) -> None:
    """Names in word timings, in lower-case ASR text and in the file name are all replaced,
    and the report files are named with the pseudonym too."""
    import json

    from voiceshare.cli import main

    whisperx = {
        "segments": [
            {
                "start": 0.0,
                "end": 2.0,
                "text": "Thanks Priya Nair, and sure ana.",
                "speaker": "Ana Ruiz",
                "words": [
                    {"word": w, "start": 0.1 * i, "end": 0.1 * i + 0.1}
                    for i, w in enumerate(["Thanks", "Priya", "Nair,", "and", "sure", "ana."])
                ],
            },
            {"start": 2.5, "end": 4.0, "text": "You're welcome.", "speaker": "Priya Nair"},
        ]
    }
    source = tmp_path / "1on1_Ana_Ruiz.json"
    source.write_text(json.dumps(whisperx))
    out = tmp_path / "out"
    assert main(["analyze", str(source), "-o", str(out), "--pseudonymize"]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["1on1_Participant 1.json", "1on1_Participant 1.md"]
    for path in out.iterdir():
        text = path.read_text().lower()
        assert "ana" not in text.replace("analy", "") and "priya" not in text and "nair" not in text
        assert "ruiz" not in text


def test_pseudonymising_does_not_change_the_numbers(standup) -> None:  # type: ignore[no-untyped-def]
    """An attendee written in another case is the same person with or without pseudonyms."""
    named = standup.with_changes(attendees=("omar haddad", "samantha  LEE"))
    plain, hidden = analyze(named), analyze(pseudonymise(named))
    assert plain.balance.present == hidden.balance.present == 3 + 1
    assert plain.balance.gini == pytest.approx(hidden.balance.gini)
