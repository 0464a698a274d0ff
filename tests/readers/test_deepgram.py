"""Deepgram pre-recorded JSON: utterances, paragraphs, word runs, channels.

No real Deepgram output is in the shared data; the files here follow the documented response of
`POST /v1/listen?diarize=true&punctuate=true&utterances=true&paragraphs=true`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting


def _w(word: str, start: float, end: float, speaker: int | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "word": word.lower().strip(".,?"),
        "start": start,
        "end": end,
        "confidence": 0.98,
        "punctuated_word": word,
    }
    if speaker is not None:
        item["speaker"] = speaker
        item["speaker_confidence"] = 0.7
    return item


WORDS = [
    _w("Can", 0.08, 0.24, 0),
    _w("everyone", 0.24, 0.64, 0),
    _w("hear", 0.64, 0.8, 0),
    _w("me?", 0.8, 1.12, 0),
    _w("Yes,", 1.6, 1.84, 1),
    _w("loud", 1.84, 2.08, 1),
    _w("and", 2.08, 2.2, 1),
    _w("clear.", 2.2, 2.6, 1),
]

RESPONSE: dict[str, Any] = {
    "metadata": {
        "transaction_key": "deprecated",
        "request_id": "5c7b2a3e-0f5e-4b0a-9d3c-2d2f0f1f5a11",
        "sha256": "0d3e4f",
        "created": "2024-05-02T09:14:03.114Z",
        "duration": 3.2,
        "channels": 1,
        "models": ["1ed36bac-f71c-4f3f-a31f-02fd6525c489"],
        "model_info": {
            "1ed36bac-f71c-4f3f-a31f-02fd6525c489": {
                "name": "2-general-nova",
                "version": "2024-01-09.29447",
                "arch": "nova-2",
            }
        },
    },
    "results": {
        "channels": [
            {
                "alternatives": [
                    {
                        "transcript": "Can everyone hear me? Yes, loud and clear.",
                        "confidence": 0.99,
                        "words": WORDS,
                        "paragraphs": {
                            "transcript": "\nSpeaker 0: Can everyone hear me?\n\n"
                            "Speaker 1: Yes, loud and clear.",
                            "paragraphs": [
                                {
                                    "sentences": [
                                        {
                                            "text": "Can everyone hear me?",
                                            "start": 0.08,
                                            "end": 1.12,
                                        }
                                    ],
                                    "speaker": 0,
                                    "num_words": 4,
                                    "start": 0.08,
                                    "end": 1.12,
                                },
                                {
                                    "sentences": [
                                        {"text": "Yes, loud and clear.", "start": 1.6, "end": 2.6}
                                    ],
                                    "speaker": 1,
                                    "num_words": 4,
                                    "start": 1.6,
                                    "end": 2.6,
                                },
                            ],
                        },
                    }
                ]
            }
        ],
        "utterances": [
            {
                "start": 0.08,
                "end": 1.12,
                "confidence": 0.99,
                "channel": 0,
                "transcript": "Can everyone hear me?",
                "words": WORDS[:4],
                "speaker": 0,
                "id": "a1b2c3d4-0000-4000-8000-000000000001",
            },
            {
                "start": 1.6,
                "end": 2.6,
                "confidence": 0.98,
                "channel": 0,
                "transcript": "Yes, loud and clear.",
                "words": WORDS[4:],
                "speaker": 1,
                "id": "a1b2c3d4-0000-4000-8000-000000000002",
            },
        ],
    },
}


def test_utterances_are_preferred(write) -> None:  # type: ignore[no-untyped-def]
    """Deepgram's own utterances are read with their ids, speakers, times and punctuated words;
    `metadata.duration` is the stated duration."""
    meeting = read_meeting(write("dg.json", json.dumps(RESPONSE)))

    assert meeting.format == "deepgram"
    assert [(u.id[-1], u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("1", "Speaker 1", "Can everyone hear me?", 0.08, 1.12),
        ("2", "Speaker 2", "Yes, loud and clear.", 1.6, 2.6),
    ]
    assert [w.text for w in meeting.utterances[1].words] == ["Yes,", "loud", "and", "clear."]
    assert meeting.duration_s == 3.2
    assert meeting.metadata["speakers"] == "labelled"


def test_paragraphs_then_word_runs(write) -> None:  # type: ignore[no-untyped-def]
    """Without utterances the paragraphs are used; without those, runs of words by speaker."""
    no_utterances = copy.deepcopy(RESPONSE)
    del no_utterances["results"]["utterances"]
    meeting = read_meeting(write("p.json", json.dumps(no_utterances)))
    assert [(u.speaker, u.text, len(u.words)) for u in meeting.utterances] == [
        ("Speaker 1", "Can everyone hear me?", 4),
        ("Speaker 2", "Yes, loud and clear.", 4),
    ]

    del no_utterances["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    meeting = read_meeting(write("w.json", json.dumps(no_utterances)))
    assert [(u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("Speaker 1", "Can everyone hear me?", 0.08, 1.12),
        ("Speaker 2", "Yes, loud and clear.", 1.6, 2.6),
    ]


def test_without_diarization_sentences_and_a_warning(write) -> None:  # type: ignore[no-untyped-def]
    """No `speaker` on the words: one utterance per sentence, nobody identified, a warning."""
    plain = copy.deepcopy(RESPONSE)
    del plain["results"]["utterances"]
    alternative = plain["results"]["channels"][0]["alternatives"][0]
    del alternative["paragraphs"]
    alternative["words"] = [
        {k: v for k, v in w.items() if not k.startswith("speaker")} for w in WORDS
    ]
    meeting = read_meeting(write("plain.json", json.dumps(plain)))

    assert [u.text for u in meeting.utterances] == ["Can everyone hear me?", "Yes, loud and clear."]
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_multichannel_gives_one_speaker_per_channel(write) -> None:  # type: ignore[no-untyped-def]
    """`multichannel=true` without diarization: each channel is a speaker, "Channel N"."""
    plain_words = [{k: v for k, v in w.items() if not k.startswith("speaker")} for w in WORDS]
    document = {
        "metadata": {"duration": 3.2, "channels": 2},
        "results": {
            "channels": [
                {
                    "alternatives": [
                        {"transcript": "Can everyone hear me?", "words": plain_words[:4]}
                    ]
                },
                {
                    "alternatives": [
                        {"transcript": "Yes, loud and clear.", "words": plain_words[4:]}
                    ]
                },
            ]
        },
    }
    meeting = read_meeting(write("mc.json", json.dumps(document)))

    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Channel 1", "Can everyone hear me?"),
        ("Channel 2", "Yes, loud and clear."),
    ]
    assert meeting.metadata["speakers"] == "labelled"


def test_recognised_by_content(write) -> None:  # type: ignore[no-untyped-def]
    """A Deepgram response saved as `.txt` is still read as Deepgram."""
    path = write("response.txt", json.dumps(RESPONSE))
    assert detect_format(Source.from_path(path)).name == "deepgram"


def test_truncated_response_keeps_the_complete_words(write) -> None:  # type: ignore[no-untyped-def]
    """Cut inside the channel's words (before utterances): complete words are read with a
    warning about the cut."""
    no_extras = copy.deepcopy(RESPONSE)
    del no_extras["results"]["utterances"]
    del no_extras["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    text = json.dumps(no_extras, indent=1)
    cut = text[: text.index('"word": "clear"')]
    meeting = read_meeting(write("cut.json", cut))

    assert [u.text for u in meeting.utterances] == ["Can everyone hear me?", "Yes, loud and"]
    assert any("truncated" in w for w in meeting.warnings)


def test_channels_that_are_not_a_list_are_malformed(write) -> None:  # type: ignore[no-untyped-def]
    """A file forced to the Deepgram reader without channels is refused with a clear message."""
    path = write("bad.json", json.dumps({"metadata": {}, "results": {"channels": None}}))
    with pytest.raises(InputError, match=r"no results\.channels"):
        read_meeting(path, format_name="deepgram")
