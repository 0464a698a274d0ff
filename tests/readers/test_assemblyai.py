"""AssemblyAI transcript JSON: utterances in milliseconds, lettered speakers, no diarization.

No real AssemblyAI output is in the shared data; the files here follow the documented response of
`GET /v2/transcript/{id}` for a job created with `speaker_labels: true`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting


def _w(text: str, start: int, end: int, speaker: str | None) -> dict[str, Any]:
    return {"text": text, "start": start, "end": end, "confidence": 0.97, "speaker": speaker}


WORDS = [
    _w("Who", 240, 420, "A"),
    _w("wants", 420, 700, "A"),
    _w("to", 700, 780, "A"),
    _w("start?", 780, 1180, "A"),
    _w("I", 1620, 1700, "B"),
    _w("can.", 1700, 2100, "B"),
    _w("Thanks,", 2400, 2800, "A"),
    _w("Priya.", 2800, 3260, "A"),
]

TRANSCRIPT: dict[str, Any] = {
    "id": "6rlr37h9mn-2f1a-4d0b-9e0d-3c8f0e2b1a77",
    "language_model": "assemblyai_default",
    "acoustic_model": "assemblyai_default",
    "language_code": "en_us",
    "status": "completed",
    "audio_url": "https://example.org/standup.m4a",
    "text": "Who wants to start? I can. Thanks, Priya.",
    "words": WORDS,
    "utterances": [
        {
            "confidence": 0.97,
            "end": 1180,
            "speaker": "A",
            "start": 240,
            "text": "Who wants to start?",
            "words": WORDS[:4],
        },
        {
            "confidence": 0.96,
            "end": 2100,
            "speaker": "B",
            "start": 1620,
            "text": "I can.",
            "words": WORDS[4:6],
        },
        {
            "confidence": 0.98,
            "end": 3260,
            "speaker": "A",
            "start": 2400,
            "text": "Thanks, Priya.",
            "words": WORDS[6:],
        },
    ],
    "confidence": 0.97,
    "audio_duration": 4,
    "punctuate": True,
    "format_text": True,
    "speaker_labels": True,
    "speakers_expected": None,
    "webhook_url": None,
}


def test_utterances_in_milliseconds_with_lettered_speakers(write) -> None:  # type: ignore[no-untyped-def]
    """Utterances keep AssemblyAI's segmentation; milliseconds become seconds; "A" becomes
    "Speaker A"; `audio_duration` (seconds) is the stated duration."""
    meeting = read_meeting(write("standup.json", json.dumps(TRANSCRIPT)))

    assert meeting.format == "assemblyai"
    assert [(u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("Speaker A", "Who wants to start?", 0.24, 1.18),
        ("Speaker B", "I can.", 1.62, 2.1),
        ("Speaker A", "Thanks, Priya.", 2.4, 3.26),
    ]
    assert meeting.utterances[1].words[1].end_s == 2.1
    assert meeting.duration_s == 4
    assert [(s.name, s.label) for s in meeting.speakers] == [("Speaker A", "A"), ("Speaker B", "B")]
    assert meeting.metadata["speakers"] == "labelled"


def test_words_with_speakers_but_no_utterances(write) -> None:  # type: ignore[no-untyped-def]
    """Without `utterances`, words are grouped into runs by speaker."""
    document = copy.deepcopy(TRANSCRIPT)
    document["utterances"] = None
    meeting = read_meeting(write("t.json", json.dumps(document)))

    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Speaker A", "Who wants to start?"),
        ("Speaker B", "I can."),
        ("Speaker A", "Thanks, Priya."),
    ]


def test_without_speaker_labels_sentences_and_a_warning(write) -> None:  # type: ignore[no-untyped-def]
    """`speaker_labels: false`: sentences by "Speaker 1", nobody identified, with a warning."""
    document = copy.deepcopy(TRANSCRIPT)
    document["utterances"] = None
    document["speaker_labels"] = False
    document["words"] = [dict(w, speaker=None) for w in WORDS]
    meeting = read_meeting(write("t.json", json.dumps(document)))

    assert [u.text for u in meeting.utterances] == [
        "Who wants to start?",
        "I can.",
        "Thanks, Priya.",
    ]
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_recognised_by_content(write) -> None:  # type: ignore[no-untyped-def]
    """An AssemblyAI transcript with no extension is recognised by its keys."""
    path = write("6rlr37h9mn", json.dumps(TRANSCRIPT))
    assert detect_format(Source.from_path(path)).name == "assemblyai"


def test_truncated_transcript_keeps_complete_utterances(write) -> None:  # type: ignore[no-untyped-def]
    """Cut inside the third utterance: the first two are read, with a warning about the cut."""
    text = json.dumps(TRANSCRIPT, indent=1)
    cut = text[: text.index('"Thanks, Priya."')]
    meeting = read_meeting(write("cut.json", cut))

    assert meeting.format == "assemblyai"
    assert [u.text for u in meeting.utterances][:2] == ["Who wants to start?", "I can."]
    assert any("truncated" in w for w in meeting.warnings)


def test_failed_transcript_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """A transcript whose job failed reports AssemblyAI's reason."""
    document = dict(
        TRANSCRIPT,
        status="error",
        error="Download error, unable to download",
        text=None,
        words=None,
        utterances=None,
    )
    with pytest.raises(InputError, match="Download error"):
        read_meeting(write("failed.json", json.dumps(document)))
