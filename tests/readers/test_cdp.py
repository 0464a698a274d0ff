"""Council Data Project transcript JSON: caption conversions, Whisper conversions, speakers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.model import UNIDENTIFIED_SPEAKER
from voiceshare.readers import Source, detect_format, read_meeting

COUNCIL = "transcripts/council"


def test_every_council_json_reads_one_utterance_per_sentence(shared_data: Path) -> None:
    """Each real CDP file gives one utterance per sentence, id = sentence index, with the
    sentence's own times and its non-empty words."""
    paths = sorted((shared_data / COUNCIL).glob("*.json"))
    assert len(paths) == 5
    for path in paths:
        sentences = json.loads(path.read_text())["sentences"]
        meeting = read_meeting(path)
        assert meeting.format == "cdp"
        assert [u.id for u in meeting.utterances] == [str(s["index"]) for s in sentences]
        assert [u.text for u in meeting.utterances] == [s["text"] for s in sentences]
        assert [(u.start_s, u.end_s) for u in meeting.utterances] == [
            (s["start_time"], s["end_time"]) for s in sentences
        ]
        assert sum(len(u.words) for u in meeting.utterances) == sum(
            1 for s in sentences for w in s["words"] if w["text"]
        )


def test_caption_turn_numbers_are_not_people(shared_data: Path) -> None:
    """The Seattle caption conversion numbers 17 turns (a roll call); they are not 17 people, so
    nobody is identified and balance is not measured."""
    path = shared_data / f"{COUNCIL}/generated_transcript_from_brief_080221_2012161.json"
    indexes = [s["speaker_index"] for s in json.loads(path.read_text())["sentences"]]
    assert len(set(indexes)) == 17

    meeting = read_meeting(path)

    assert meeting.speaker_names == (UNIDENTIFIED_SPEAKER,)
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("numbers speaker turns, not people" in w for w in meeting.warnings)
    assert meeting.utterances[4].text == "Juarez?"


def test_session_datetime_gives_the_date(shared_data: Path) -> None:
    """Oakland states its session date; the Whisper conversion (null) has none."""
    oakland = read_meeting(shared_data / f"{COUNCIL}/oakland_transcript.json")
    assert oakland.date is not None
    assert oakland.date.isoformat() == "2022-08-09"
    assert oakland.metadata["date_origin"] == "metadata"
    whisper = read_meeting(shared_data / f"{COUNCIL}/example_whisper_output_transcript.json")
    assert whisper.date is None
    assert any("no speaker information" in w for w in whisper.warnings)


def test_named_and_diarized_speakers(write) -> None:  # type: ignore[no-untyped-def]
    """`speaker_name` is kept as written; an index that returns to an earlier value is a
    diarization code and becomes `Speaker N`."""

    def sentence(index: int, speaker: int, name: str | None, text: str) -> dict[str, object]:
        return {
            "index": index,
            "confidence": 0.9,
            "start_time": index * 2.0,
            "end_time": index * 2.0 + 1.5,
            "words": [
                {
                    "index": i,
                    "start_time": index * 2.0,
                    "end_time": index * 2.0 + 1.5,
                    "text": w.lower().strip("?.,"),
                    "annotations": None,
                }
                for i, w in enumerate(text.split())
            ],
            "text": text,
            "speaker_index": speaker,
            "speaker_name": name,
            "annotations": None,
        }

    diarized = {
        "generator": "CDP Google Speech-to-Text -- CDP v3.2.0",
        "confidence": 0.9,
        "session_datetime": "2023-03-01T14:00:00",
        "created_datetime": "2023-03-02T01:00:00",
        "sentences": [
            sentence(0, 0, None, "Shall we begin?"),
            sentence(1, 1, None, "Yes."),
            sentence(2, 0, None, "Item one."),
        ],
        "annotations": None,
    }
    meeting = read_meeting(write("diarized.json", json.dumps(diarized)))
    assert [u.speaker for u in meeting.utterances] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert meeting.metadata["speakers"] == "labelled"

    named = dict(diarized, sentences=[sentence(0, 0, "Teresa Mosqueda", "Thank you, Chair.")])
    meeting = read_meeting(write("named.json", json.dumps(named)))
    assert meeting.speaker_names == ("Teresa Mosqueda",)
    assert meeting.metadata["speakers"] == "named"


def test_recognised_by_content_not_extension(shared_data: Path, tmp_path: Path) -> None:
    """A CDP file renamed `.vtt` is still read as CDP."""
    misnamed = tmp_path / "boston.vtt"
    misnamed.write_bytes((shared_data / f"{COUNCIL}/boston_transcript.json").read_bytes())
    assert detect_format(Source.from_path(misnamed)).name == "cdp"
    assert len(read_meeting(misnamed).utterances) == 5


def test_truncated_file_keeps_complete_sentences(shared_data: Path, tmp_path: Path) -> None:
    """Cut mid-way, the Oakland transcript keeps the sentences before the cut, with a warning."""
    data = (shared_data / f"{COUNCIL}/oakland_transcript.json").read_bytes()
    cut = tmp_path / "oakland-cut.json"
    cut.write_bytes(data[: len(data) // 2])

    meeting = read_meeting(cut)

    assert meeting.format == "cdp"
    assert 10 < len(meeting.utterances) < 100
    assert any("truncated" in w for w in meeting.warnings)


def test_sentences_that_are_not_a_list_are_malformed(write) -> None:  # type: ignore[no-untyped-def]
    """A CDP file whose sentences are not a list is refused with a clear message."""
    path = write("bad.json", json.dumps({"generator": "CDP WebVTT Conversion", "sentences": {}}))
    with pytest.raises(InputError, match="no sentences"):
        read_meeting(path, format_name="cdp")
