"""Google Cloud Speech JSON: diarized long-running operations on AMI meetings, and without tags."""

from __future__ import annotations

import bisect
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting, reader_by_name

GOOGLE = "transcripts/cloud_asr_json/Google"
ES2011D = f"{GOOGLE}/ES2011d/ES2011d-out.json"
# The dataset author's RTTM for ES2011d, made with jq from the last result's words (one line per
# word: start, duration, spkr_<speakerTag>); see the README beside it.
ES2011D_RTTM = f"{GOOGLE}/ES2011d/ES2011d.rttm"


def test_diarized_es2011d_matches_the_authors_rttm(shared_data: Path) -> None:
    """Per speaker, the words and their summed durations equal the dataset's own RTTM, made by
    another tool from the same JSON: the last result is read once, not on top of the others."""
    rttm_time: dict[str, float] = defaultdict(float)
    rttm_words: Counter[str] = Counter()
    for line in (shared_data / ES2011D_RTTM).read_text().splitlines():
        fields = line.split()
        tag = fields[7].removeprefix("spkr_")
        rttm_time[f"Speaker {tag}"] += float(fields[4])
        rttm_words[f"Speaker {tag}"] += 1

    meeting = read_meeting(shared_data / ES2011D)
    # The speaker tags as Google gave them, before flickers of a few words are mended.
    as_tagged = reader_by_name("google").read(Source.from_path(shared_data / ES2011D))

    assert meeting.format == "google"
    assert set(meeting.speaker_names) == {"Speaker 1", "Speaker 2", "Speaker 3", "Speaker 4"}
    assert meeting.metadata["speakers"] == "labelled"
    words: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for utterance in as_tagged.utterances:
        for word in utterance.words:
            assert word.start_s is not None
            assert word.end_s is not None
            words[utterance.speaker].append((word.start_s, word.end_s))
    assert {s: len(w) for s, w in words.items()} == dict(rttm_words)
    for speaker, spans in words.items():
        assert sum(end - start for start, end in spans) == pytest.approx(rttm_time[speaker])
    # Figures from the RTTM, for the reader of this test: 1406 words and 609.4 s for tag 3.
    assert rttm_words["Speaker 3"] == 1406
    assert rttm_time["Speaker 3"] == pytest.approx(609.4, abs=0.05)


def test_utterances_are_speaker_runs_within_googles_segments(shared_data: Path) -> None:
    """An utterance never mixes speakers, never crosses one of Google's own result boundaries,
    and the utterances hold every tagged word exactly once, in order."""
    path = shared_data / f"{GOOGLE}/ES2008a/ES2008a-out.json"
    results = json.loads(path.read_text())["response"]["results"]
    tagged = results[-1]["alternatives"][0]["words"]
    segment_starts = sorted(
        float(r["alternatives"][0]["words"][0]["startTime"].rstrip("s"))
        for r in results[:-1]
        if r["alternatives"][0].get("words")
    )

    meeting = read_meeting(path)
    as_tagged = reader_by_name("google").read(Source.from_path(path))

    flat = [(u.speaker, w.text) for u in as_tagged.utterances for w in u.words]
    assert flat == [(f"Speaker {w['speakerTag']}", w["word"]) for w in tagged]
    assert [u.text for u in meeting.utterances] == [u.text for u in as_tagged.utterances]
    for utterance in meeting.utterances:
        # Which of Google's segments each word starts in: one segment per utterance.
        segments = {bisect.bisect_right(segment_starts, w.start_s or 0) for w in utterance.words}
        assert len(segments) == 1
    first = meeting.utterances[0]
    assert first.speaker == "Speaker 3"
    assert first.text.startswith("Okay, good morning.")
    assert first.start_s == pytest.approx(31.2)


def test_each_google_sample_is_recognised_by_content(shared_data: Path, tmp_path: Path) -> None:
    """All four real outputs read as Google, also under a misleading name with no extension."""
    for path in sorted((shared_data / GOOGLE).glob("*/*-out.json")):
        assert detect_format(Source.from_path(path)).name == "google"
    disguised = tmp_path / "transcript.txt"
    disguised.write_bytes((shared_data / ES2011D).read_bytes())
    assert read_meeting(disguised).format == "google"


def test_truncated_diarized_file_keeps_what_is_complete(shared_data: Path, tmp_path: Path) -> None:
    """Cut inside the tagged last result: the complete words are read, with warnings for the cut
    and for the untagged words that go on past the last tag."""
    data = (shared_data / f"{GOOGLE}/ES2008a/ES2008a-out.json").read_bytes()
    cut = tmp_path / "ES2008a-cut.json"
    cut.write_bytes(data[: int(len(data) * 0.8)])

    meeting = read_meeting(cut)

    assert meeting.format == "google"
    assert any("truncated" in w for w in meeting.warnings)
    assert any("speaker tags end at" in w for w in meeting.warnings)
    total = sum(len(u.words) for u in meeting.utterances)
    assert 0 < total < 2049  # the full file has 2049 tagged words


def test_bare_results_without_diarization(write) -> None:  # type: ignore[no-untyped-def]
    """Bare `results` (the synchronous API) with Duration objects and no tags: one utterance per
    result, nobody identified, and a warning."""
    document = {
        "results": [
            {
                "alternatives": [
                    {
                        "transcript": "shall we start",
                        "confidence": 0.93,
                        "words": [
                            {
                                "startTime": {"nanos": 400000000},
                                "endTime": {"seconds": "1"},
                                "word": "shall",
                            },
                            {
                                "startTime": {"seconds": "1"},
                                "endTime": {"seconds": "1", "nanos": 300000000},
                                "word": "we",
                            },
                            {
                                "startTime": {"seconds": "1", "nanos": 300000000},
                                "endTime": {"seconds": "2"},
                                "word": "start",
                            },
                        ],
                    }
                ],
                "resultEndTime": "2.100s",
                "languageCode": "en-us",
            },
            {
                "alternatives": [{"transcript": " yes let's", "confidence": 0.9}],
                "resultEndTime": "4.500s",
                "languageCode": "en-us",
            },
        ]
    }
    meeting = read_meeting(write("speech", json.dumps(document)))

    assert meeting.format == "google"
    assert [(u.text, u.start_s, u.end_s) for u in meeting.utterances] == [
        ("shall we start", 0.4, 2.0),
        ("yes let's", 2.1, 4.5),
    ]
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_failed_operation_is_a_clear_error(write) -> None:  # type: ignore[no-untyped-def]
    """A long-running operation that failed says why instead of reading as an empty meeting."""
    path = write(
        "op.json",
        json.dumps(
            {
                "name": "61",
                "done": True,
                "error": {"code": 3, "message": "Bad audio"},
                "response": {"@type": "type.googleapis.com/google.cloud.speech.v1.X"},
            }
        ),
    )
    with pytest.raises(InputError, match="failed Google Speech operation \\(Bad audio\\)"):
        read_meeting(path)


def test_results_that_are_not_objects_are_malformed(write) -> None:  # type: ignore[no-untyped-def]
    """A Google-shaped file whose results hold no usable alternative is refused clearly."""
    path = write("g.json", json.dumps({"response": {"@type": "google.cloud.speech", "results": 3}}))
    with pytest.raises(InputError, match="no results"):
        read_meeting(path)
