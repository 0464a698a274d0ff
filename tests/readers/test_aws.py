"""Amazon Transcribe JSON: audio segments, speaker-label segments, channels, no diarization.

No real Amazon Transcribe JSON is in the shared data, so the files here follow the documented
output (docs.aws.amazon.com/transcribe/latest/dg/diarization-output-batch.html): times are
strings, punctuation items have no times, speaker codes are `spk_N`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting


def _word(item_id: int, start: str, end: str, content: str, speaker: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "start_time": start,
        "end_time": end,
        "alternatives": [{"confidence": "0.99", "content": content}],
        "type": "pronunciation",
    }
    if speaker:
        item["speaker_label"] = speaker
    return item


def _punct(item_id: int, content: str, speaker: str | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": item_id,
        "alternatives": [{"confidence": "0.0", "content": content}],
        "type": "punctuation",
    }
    if speaker:
        item["speaker_label"] = speaker
    return item


def _items(diarized: bool = True) -> list[dict[str, Any]]:
    a, b = ("spk_0", "spk_1") if diarized else (None, None)
    return [
        _word(0, "4.87", "5.02", "I've", a),
        _word(1, "5.02", "5.17", "been", a),
        _word(2, "5.17", "5.29", "on", a),
        _word(3, "5.29", "5.64", "hold", a),
        _word(4, "5.64", "5.84", "for", a),
        _word(5, "6.11", "6.26", "an", a),
        _word(6, "6.26", "6.88", "hour", a),
        _punct(7, ".", a),
        _word(8, "8.49", "8.88", "Sorry", b),
        _word(9, "8.88", "9.05", "about", b),
        _word(10, "9.05", "9.24", "that", b),
        _punct(11, ".", b),
    ]


# The current output: items carry speakers, and `audio_segments` give the segmentation.
CURRENT: dict[str, Any] = {
    "jobName": "team-sync-2024-03-05",
    "accountId": "111122223333",
    "status": "COMPLETED",
    "results": {
        "transcripts": [{"transcript": "I've been on hold for an hour. Sorry about that."}],
        "speaker_labels": {
            "channel_label": "ch_0",
            "speakers": 2,
            "segments": [
                {"start_time": "4.87", "end_time": "6.88", "speaker_label": "spk_0", "items": []},
                {"start_time": "8.49", "end_time": "9.24", "speaker_label": "spk_1", "items": []},
            ],
        },
        "items": _items(),
        "audio_segments": [
            {
                "id": 0,
                "transcript": "I've been on hold for an hour.",
                "start_time": "4.87",
                "end_time": "6.88",
                "speaker_label": "spk_0",
                "items": [0, 1, 2, 3, 4, 5, 6, 7],
            },
            {
                "id": 1,
                "transcript": "Sorry about that.",
                "start_time": "8.49",
                "end_time": "9.24",
                "speaker_label": "spk_1",
                "items": [8, 9, 10, 11],
            },
        ],
    },
}


def _older_diarized() -> dict[str, Any]:
    """Before 2023: no `audio_segments`, no ids, speakers only on the segments' items."""
    items = [{k: v for k, v in i.items() if k not in ("id", "speaker_label")} for i in _items()]

    def segment_items(speaker: str, words: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {"start_time": w["start_time"], "end_time": w["end_time"], "speaker_label": speaker}
            for w in words
            if w["type"] == "pronunciation"
        ]

    return {
        "jobName": "call-42",
        "accountId": "111122223333",
        "results": {
            "transcripts": [{"transcript": "I've been on hold for an hour. Sorry about that."}],
            "speaker_labels": {
                "speakers": 2,
                "segments": [
                    {
                        "start_time": "4.87",
                        "end_time": "6.88",
                        "speaker_label": "spk_0",
                        "items": segment_items("spk_0", items[:7]),
                    },
                    {
                        "start_time": "8.49",
                        "end_time": "9.24",
                        "speaker_label": "spk_1",
                        "items": segment_items("spk_1", items[8:11]),
                    },
                ],
            },
            "items": items,
        },
        "status": "COMPLETED",
    }


def test_audio_segments_are_the_utterances(write) -> None:  # type: ignore[no-untyped-def]
    """Current output: one utterance per audio segment with its id, speaker, times and words
    (punctuation joined to the word before); `jobName` is the title."""
    meeting = read_meeting(write("asrOutput.json", json.dumps(CURRENT)))

    assert meeting.format == "aws"
    assert meeting.title == "team-sync-2024-03-05"
    assert [(u.id, u.speaker, u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("0", "Speaker 1", "I've been on hold for an hour.", 4.87, 6.88),
        ("1", "Speaker 2", "Sorry about that.", 8.49, 9.24),
    ]
    assert [w.text for w in meeting.utterances[1].words] == ["Sorry", "about", "that."]
    assert meeting.utterances[0].words[0].start_s == 4.87
    assert [s.label for s in meeting.speakers] == ["spk_0", "spk_1"]
    assert meeting.metadata["speakers"] == "labelled"


def test_older_speaker_label_segments(write) -> None:  # type: ignore[no-untyped-def]
    """Older diarized output: words are found among the items by their start times."""
    meeting = read_meeting(write("call.json", json.dumps(_older_diarized())))

    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Speaker 1", "I've been on hold for an hour."),
        ("Speaker 2", "Sorry about that."),
    ]
    assert meeting.utterances[0].word_count == 7


def test_channel_identification_gives_one_speaker_per_channel(write) -> None:  # type: ignore[no-untyped-def]
    """With channel identification, `ch_0`/`ch_1` become "Channel 1"/"Channel 2"."""
    items = _items(diarized=False)
    for item in items[:8]:
        item["channel_label"] = "ch_0"
    for item in items[8:]:
        item["channel_label"] = "ch_1"
    document = {
        "jobName": "call",
        "results": {"transcripts": [{"transcript": "..."}], "items": items},
        "status": "COMPLETED",
    }
    meeting = read_meeting(write("call.json", json.dumps(document)))

    assert [u.speaker for u in meeting.utterances] == ["Channel 1", "Channel 2"]


def test_without_diarization_one_utterance_per_sentence(write) -> None:  # type: ignore[no-untyped-def]
    """No speaker labels: sentences by "Speaker 1", nobody identified, with a warning."""
    document = {
        "jobName": "memo",
        "results": {"transcripts": [{"transcript": "..."}], "items": _items(diarized=False)},
        "status": "COMPLETED",
    }
    meeting = read_meeting(write("memo.json", json.dumps(document)))

    assert [u.text for u in meeting.utterances] == [
        "I've been on hold for an hour.",
        "Sorry about that.",
    ]
    assert {u.speaker for u in meeting.utterances} == {"Speaker 1"}
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_recognised_by_content_without_extension(write) -> None:  # type: ignore[no-untyped-def]
    """An Amazon Transcribe file with no extension is recognised by its keys."""
    path = write("transcript", json.dumps(CURRENT))
    assert detect_format(Source.from_path(path)).name == "aws"


def test_truncated_file_keeps_complete_items(write) -> None:  # type: ignore[no-untyped-def]
    """Cut inside the items (older layout, items last): the complete words are read as speaker
    runs, with a warning about the cut."""
    document = _older_diarized()
    document["results"] = {
        "transcripts": document["results"]["transcripts"],
        "items": [
            {**i, "speaker_label": "spk_0" if n < 8 else "spk_1"}
            for n, i in enumerate(document["results"]["items"])
        ],
    }
    text = json.dumps(document, indent=1)
    cut = text[: text.index('"about"')]
    meeting = read_meeting(write("cut.json", cut))

    assert [(u.speaker, u.text) for u in meeting.utterances] == [
        ("Speaker 1", "I've been on hold for an hour."),
        ("Speaker 2", "Sorry"),
    ]
    assert any("truncated" in w for w in meeting.warnings)


def test_failed_job_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """A job that did not complete says so instead of reading as an empty meeting."""
    path = write(
        "job.json",
        json.dumps(
            {"jobName": "x", "status": "FAILED", "results": {"transcripts": [], "items": []}}
        ),
    )
    with pytest.raises(InputError, match="did not complete"):
        read_meeting(path)
