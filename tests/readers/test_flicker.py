"""Diarization flicker: a few words a speech recogniser gave to another speaker in the
middle of someone's speech go back to that person; everything else keeps its labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voiceshare.analysis import analyze
from voiceshare.readers import Source, read_meeting, reader_by_name


def whisperx(*rows: tuple[str, float, float, str]) -> str:
    """A WhisperX JSON (`whisperx --diarize`) from `(speaker, start_s, end_s, text)` segments,
    each word timed evenly inside its segment."""
    segments: list[dict[str, Any]] = []
    for speaker, start, end, text in rows:
        words = text.split()
        step = (end - start) / len(words)
        segments.append(
            {
                "start": start,
                "end": end,
                "text": " " + text,
                "speaker": speaker,
                "words": [
                    {
                        "word": word,
                        "start": round(start + i * step, 3),
                        "end": round(start + (i + 1) * step, 3),
                        "score": 0.9,
                        "speaker": speaker,
                    }
                    for i, word in enumerate(words)
                ],
            }
        )
    return json.dumps({"segments": segments, "word_segments": []})


def test_a_word_given_to_someone_else_mid_sentence_goes_back(write) -> None:  # type: ignore[no-untyped-def]
    """ "I'm from | the | state of Maine": the "the" is the first speaker's again, with a
    warning that says so, and it is no longer a turn that someone cut off."""
    path = write(
        "meeting.json",
        whisperx(
            ("SPEAKER_00", 0.0, 3.1, "My name is Alina and I'm from"),
            ("SPEAKER_01", 3.3, 3.5, "the"),
            ("SPEAKER_00", 3.7, 6.0, "state of Maine, in the US."),
            ("SPEAKER_01", 7.0, 9.0, "Welcome, Alina. I'm Tom from marketing."),
        ),
    )
    meeting = read_meeting(path)

    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("SPEAKER_00", "My name is Alina and I'm from"),
        ("SPEAKER_00", "the"),
        ("SPEAKER_00", "state of Maine, in the US."),
        ("SPEAKER_01", "Welcome, Alina. I'm Tom from marketing."),
    ]
    assert meeting.utterances[1].start_s == 3.3  # times and words as the recogniser gave them
    assert any("1 fragment(s) of at most three words" in w for w in meeting.warnings)
    assert analyze(meeting, tier="fast").interruptions == ()


def test_a_label_used_only_for_flickers_is_nobody(write) -> None:  # type: ignore[no-untyped-def]
    """When every word a recogniser gave to a label was a flicker inside someone's speech,
    that label is not reported as a person who was present and silent."""
    path = write(
        "meeting.json",
        whisperx(
            ("SPEAKER_00", 0.0, 3.1, "The numbers for March are"),
            ("SPEAKER_02", 3.3, 3.6, "in the"),
            ("SPEAKER_00", 3.8, 6.0, "shared folder, as promised."),
            ("SPEAKER_01", 7.0, 9.0, "Thanks, I will read them tonight."),
        ),
    )
    meeting = read_meeting(path)

    assert meeting.speaker_names == ("SPEAKER_00", "SPEAKER_01")
    report = analyze(meeting, tier="fast")
    assert [s.name for s in report.speakers] == ["SPEAKER_00", "SPEAKER_01"]


def test_an_answer_a_long_pause_or_a_longer_reply_keeps_its_speaker(write) -> None:  # type: ignore[no-untyped-def]
    """A short reply right after a question may be its answer; a word after a pause of a second
    or more, and three words, are taken as the recogniser gave them."""
    path = write(
        "meeting.json",
        whisperx(
            ("SPEAKER_00", 0.0, 2.0, "Is the budget final?"),
            ("SPEAKER_01", 2.2, 2.5, "Yes."),
            ("SPEAKER_00", 2.7, 5.0, "Good, then we can send it out"),
            ("SPEAKER_01", 6.0, 6.3, "okay"),
            ("SPEAKER_00", 6.5, 8.0, "and book the room"),
            ("SPEAKER_01", 8.2, 9.0, "I can do that"),
            ("SPEAKER_00", 9.2, 11.0, "thanks, that helps."),
        ),
    )
    meeting = read_meeting(path)

    assert [u.speaker for u in meeting.utterances] == ["SPEAKER_00", "SPEAKER_01"] * 3 + [
        "SPEAKER_00"
    ]
    assert not any("fragment" in w for w in meeting.warnings)


def test_a_transcript_a_person_wrote_keeps_every_turn(write) -> None:  # type: ignore[no-untyped-def]
    """Names written by a person (a Zoom transcript) are not a recogniser's guesses: a one-word
    turn between two of someone else's stays where it is."""
    path = write(
        "meeting.vtt",
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:03.100\nAna: We could move the launch to\n\n"
        "2\n00:00:03.300 --> 00:00:03.500\nBen: Friday\n\n"
        "3\n00:00:03.700 --> 00:00:06.000\nAna: Friday, yes, if the tests pass.\n",
    )
    meeting = read_meeting(path)

    assert [u.speaker for u in meeting.utterances] == ["Ana", "Ben", "Ana"]


Turn = tuple[float, float, str]


def rttm_turns(path: Path) -> list[Turn]:
    return [
        (float(f[3]), float(f[3]) + float(f[4]), f[7])
        for f in (line.split() for line in path.read_text().splitlines())
        if f and f[0] == "SPEAKER"
    ]


def speaking(turns: list[Turn], start_s: float | None, end_s: float | None) -> str | None:
    """The one reference speaker talking at the middle of `start_s`-`end_s`, else None."""
    assert start_s is not None and end_s is not None
    middle = (start_s + end_s) / 2
    talking = {who for start, end, who in turns if start <= middle <= end}
    return talking.pop() if len(talking) == 1 else None


def given_back(path: Path, format_name: str, turns: list[Turn]) -> tuple[int, int, int]:
    """How many utterances of the transcript at `path` changed speaker when it was read; how
    many of them the reference gives to whoever speaks the words either side of them; and how
    many have no single reference speaker."""
    as_labelled = reader_by_name(format_name).read(Source.from_path(path)).utterances
    utterances = read_meeting(path).utterances
    changed = agreed = unknown = 0
    for i, (before, after) in enumerate(zip(as_labelled, utterances, strict=True)):
        if before.speaker == after.speaker:
            continue
        changed += 1
        said_by = speaking(turns, after.start_s, after.end_s)
        around = {
            speaking(turns, w.start_s, w.end_s)
            for w in (utterances[i - 1].words[-1], utterances[i + 1].words[0])
        }
        agreed += said_by is not None and said_by in around
        unknown += said_by is None
    return changed, agreed, unknown


def test_watson_on_ami_es2008a_gives_words_back_to_who_said_them(shared_data: Path) -> None:
    """On a real IBM Watson transcript of AMI meeting ES2008a, every fragment given back is
    spoken, in the AMI reference, by whoever speaks the words either side of it (among them
    "I'm from | the | state of Maine")."""
    path = shared_data / "transcripts/cloud_asr_json/IBM/ES2008a/out.json"
    turns = rttm_turns(shared_data / "rttm/ami/only_words/rttms/train/ES2008a.rttm")

    assert given_back(path, "watson", turns) == (14, 14, 0)
    assert "the" in [u.text for u in read_meeting(path).utterances if u.speaker == "Speaker 2"]


def test_amazon_on_earnings21_gives_words_back_to_who_said_them(shared_data: Path) -> None:
    """On the 44 earnings calls transcribed by Amazon Transcribe (Rev `.nlp` with word times),
    the fragments given back are the surrounding speaker's in the reference RTTMs wherever the
    reference has one speaker there."""
    root = shared_data / "transcripts/earnings21"
    totals = [0, 0, 0]
    for path in sorted((root / "output/amazon").glob("*.nlp")):
        rttm = root / "rttms" / f"{path.stem}.rttm"
        if rttm.exists():
            for k, count in enumerate(given_back(path, "rev-nlp", rttm_turns(rttm))):
                totals[k] += count
    changed, agreed, unknown = totals
    assert changed > 100
    assert agreed + unknown == changed
    assert unknown < changed / 10


def test_a_report_read_back_keeps_the_recogniser_s_labels_for_what_they_are(
    shared_data: Path, tmp_path: Path
) -> None:
    """A report of a recogniser-diarized meeting says so (`meeting.diarization`), and reading
    that report back as a transcript keeps the mark: the recogniser's label switches inside
    sentences stay no interruptions when the meeting is analysed again (Amazon Transcribe's
    output for an earnings21 call: 1 interruption, 7 if its labels were taken as people's)."""
    source = shared_data / "transcripts/earnings21/output/amazon/4330115.nlp"
    first = analyze(read_meeting(source), tier="fast")
    assert first.meeting.diarization == "machine"
    report = tmp_path / "report.json"
    report.write_text(json.dumps(first.to_dict()), encoding="utf-8")
    again = read_meeting(report)
    assert again.metadata["diarization"] == "machine"
    assert [u.speaker for u in again.utterances] == [u.speaker for u in first.utterances]
    assert not any("fragment(s)" in w for w in again.warnings)  # mended once, when first read
    reanalysed = analyze(again, tier="fast")
    assert len(reanalysed.interruptions) == len(first.interruptions) == 1
