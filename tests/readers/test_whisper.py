"""Whisper and WhisperX JSON: segments as utterances, diarized or not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting
from voiceshare.readers._base import speaker_label

# What `whisper meeting.m4a --output_format json` writes (openai-whisper 20231117): no speakers.
WHISPER_CLI: dict[str, Any] = {
    "text": " Good morning, everyone. Shall we start with the budget?",
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": 2.4,
            "text": " Good morning, everyone.",
            "tokens": [50364, 2205, 2446, 11, 1518, 13, 50484],
            "temperature": 0.0,
            "avg_logprob": -0.21,
            "compression_ratio": 1.12,
            "no_speech_prob": 0.03,
        },
        {
            "id": 1,
            "seek": 0,
            "start": 2.4,
            "end": 5.1,
            "text": " Shall we start with the budget?",
            "tokens": [50484, 12128, 321, 722, 365, 264, 4706, 30, 50619],
            "temperature": 0.0,
            "avg_logprob": -0.21,
            "compression_ratio": 1.12,
            "no_speech_prob": 0.03,
        },
    ],
    "language": "en",
}

# What `whisperx meeting.wav --diarize --output_format json` writes: speakers on segments and
# words, a numeral WhisperX could not align (no times), and the flat `word_segments` list.
WHISPERX: dict[str, Any] = {
    "segments": [
        {
            "start": 0.031,
            "end": 1.912,
            "text": " The budget is 2024's.",
            "words": [
                {
                    "word": "The",
                    "start": 0.031,
                    "end": 0.151,
                    "score": 0.91,
                    "speaker": "SPEAKER_01",
                },
                {
                    "word": "budget",
                    "start": 0.191,
                    "end": 0.612,
                    "score": 0.88,
                    "speaker": "SPEAKER_01",
                },
                {
                    "word": "is",
                    "start": 0.652,
                    "end": 0.752,
                    "score": 0.95,
                    "speaker": "SPEAKER_01",
                },
                {"word": "2024's.", "speaker": "SPEAKER_01"},
            ],
            "speaker": "SPEAKER_01",
        },
        {
            "start": 2.3,
            "end": 3.1,
            "text": " Mm-hmm.",
            "words": [
                {
                    "word": "Mm-hmm.",
                    "start": 2.3,
                    "end": 3.1,
                    "score": 0.62,
                    "speaker": "SPEAKER_00",
                }
            ],
            "speaker": "SPEAKER_00",
        },
        {
            "start": 3.5,
            "end": 4.0,
            "text": " Right.",
            "words": [{"word": "Right.", "start": 3.5, "end": 4.0, "score": 0.7}],
        },
    ],
    "word_segments": [
        {"word": "The", "start": 0.031, "end": 0.151, "score": 0.91, "speaker": "SPEAKER_01"}
    ],
}


def test_whisper_without_diarization_is_one_unidentified_speaker(write) -> None:  # type: ignore[no-untyped-def]
    """Plain Whisper: segments keep their ids and times, all by "Speaker 1", and the meeting
    warns that the transcript has no speaker labels and does not measure balance."""
    meeting = read_meeting(write("meeting.json", json.dumps(WHISPER_CLI)))

    assert meeting.format == "whisper"
    assert [(u.id, u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("0", "Speaker 1", "Good morning, everyone.", 0.0, 2.4),
        ("1", "Speaker 1", "Shall we start with the budget?", 2.4, 5.1),
    ]
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_whisperx_speakers_and_words(write) -> None:  # type: ignore[no-untyped-def]
    """WhisperX: speaker codes get their display names from `speaker_label` and count as
    anonymous; words keep their times (None when WhisperX could not align them); a segment
    with no speaker is attributed to nobody."""
    meeting = read_meeting(write("meeting.whisperx.json", json.dumps(WHISPERX)))

    assert meeting.format == "whisper"
    assert [u.speaker for u in meeting.utterances] == [
        speaker_label("SPEAKER_01"),
        speaker_label("SPEAKER_00"),
        "Unidentified speaker",
    ]
    assert meeting.metadata["speakers"] == "labelled"
    first = meeting.utterances[0]
    assert [w.text for w in first.words] == ["The", "budget", "is", "2024's."]
    assert first.words[1].start_s == pytest.approx(0.191)
    assert first.words[3].start_s is None
    assert any("no speaker" in w for w in meeting.warnings)


def test_whisperx_with_edited_names(write) -> None:  # type: ignore[no-untyped-def]
    """A WhisperX file where someone replaced the codes with names keeps the names as written."""
    document = json.loads(json.dumps(WHISPERX).replace("SPEAKER_01", "Priya Shah"))
    meeting = read_meeting(write("named.json", json.dumps(document)))

    assert meeting.utterances[0].speaker == "Priya Shah"
    assert meeting.metadata["speakers"] == "named"


def test_api_verbose_json_words_go_to_their_segments(write) -> None:  # type: ignore[no-untyped-def]
    """The API's `verbose_json` with word timestamps lists words at the top level; each goes to
    the segment it starts in, and the stated duration is kept."""
    document = {
        "task": "transcribe",
        "language": "english",
        "duration": 6.0,
        "text": "Hello there. Hi.",
        "segments": [
            {"id": 0, "seek": 0, "start": 0.0, "end": 1.5, "text": " Hello there."},
            {"id": 1, "seek": 0, "start": 2.0, "end": 2.6, "text": " Hi."},
        ],
        "words": [
            {"word": "Hello", "start": 0.1, "end": 0.6},
            {"word": "there", "start": 0.7, "end": 1.4},
            {"word": "Hi", "start": 2.0, "end": 2.5},
        ],
    }
    meeting = read_meeting(write("api.json", json.dumps(document)))

    assert [[w.text for w in u.words] for u in meeting.utterances] == [["Hello", "there"], ["Hi"]]
    assert meeting.duration_s == 6.0


def test_recognised_by_content_with_a_misleading_extension(write) -> None:  # type: ignore[no-untyped-def]
    """A Whisper file saved as `.srt` is still read as Whisper JSON."""
    path = write("meeting.srt", json.dumps(WHISPER_CLI))
    assert detect_format(Source.from_path(path)).name == "whisper"


def test_truncated_file_keeps_complete_segments(write) -> None:  # type: ignore[no-untyped-def]
    """Cut inside the second segment: the first is read and a warning says the JSON was cut."""
    text = json.dumps(WHISPERX, indent=2)
    cut = text[: text.index('"Right."')]
    meeting = read_meeting(write("cut.json", cut))

    assert [u.text for u in meeting.utterances][:2] == ["The budget is 2024's.", "Mm-hmm."]
    assert any("truncated" in w for w in meeting.warnings)


def test_segments_that_are_not_a_list_are_malformed(write) -> None:  # type: ignore[no-untyped-def]
    """A file forced to the Whisper reader without a segment list is refused clearly."""
    path = write("w.json", json.dumps({"text": "hi", "segments": "none"}))
    with pytest.raises(InputError, match="no list of segments"):
        read_meeting(path, format_name="whisper")
