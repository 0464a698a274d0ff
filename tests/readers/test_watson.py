"""IBM Watson Speech to Text JSON: speaker labels matched to words, hesitations, no labels."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from voiceshare.errors import InputError
from voiceshare.readers import Source, detect_format, read_meeting, reader_by_name

IBM = "transcripts/cloud_asr_json/IBM"
ES2011D = f"{IBM}/ES2011d/out.json"
# The dataset author's RTTM for ES2011d, made with jq from `speaker_labels` (from, to-from,
# spkr_<speaker>): one line per recognised token, %HESITATION included. See the README.
ES2011D_RTTM = f"{IBM}/ES2011d/ES2011d.rttm"


def _raw_tokens(path: Path) -> list[tuple[str, float, float, int]]:
    """(token, from, to, speaker) straight from the file: the n-th timestamp has the n-th label."""
    data = json.loads(path.read_text())
    stamps = [t for r in data["results"] for t in r["alternatives"][0]["timestamps"]]
    labels = data["speaker_labels"]
    assert [(t[1], t[2]) for t in stamps] == [(lab["from"], lab["to"]) for lab in labels]
    return [(t[0], t[1], t[2], lab["speaker"]) for t, lab in zip(stamps, labels, strict=True)]


def test_es2011d_word_counts_and_times_match_the_raw_labels(shared_data: Path) -> None:
    """Per speaker, the words (hesitations left out) and their durations equal what the raw
    timestamps and labels say, and adding the hesitations back gives the author's RTTM."""
    path = shared_data / ES2011D
    tokens = _raw_tokens(path)
    words = Counter(f"Speaker {s + 1}" for w, _, _, s in tokens if w != "%HESITATION")
    word_time: dict[str, float] = defaultdict(float)
    hesitation_time: dict[str, float] = defaultdict(float)
    for token, start, end, speaker in tokens:
        bucket = hesitation_time if token == "%HESITATION" else word_time
        bucket[f"Speaker {speaker + 1}"] += end - start
    rttm_time: dict[str, float] = defaultdict(float)
    for line in (shared_data / ES2011D_RTTM).read_text().splitlines():
        fields = line.split()
        rttm_time[f"Speaker {int(fields[7].removeprefix('spkr_')) + 1}"] += float(fields[4])

    meeting = read_meeting(path)
    # The labels as Watson gave them, before flickers of a few words are mended.
    as_labelled = reader_by_name("watson").read(Source.from_path(path))

    assert meeting.format == "watson"
    # IBM found two of the four people, labelled 0 and 2 (the README's `uniq -c`: 2538 and 1198).
    assert set(meeting.speaker_names) == {"Speaker 1", "Speaker 3"}
    got_words = Counter({s: 0 for s in words})
    got_time: dict[str, float] = defaultdict(float)
    for utterance in as_labelled.utterances:
        got_words[utterance.speaker] += utterance.word_count
        for word in utterance.words:
            assert word.text != "%HESITATION"
            got_time[utterance.speaker] += word.end_s - word.start_s  # type: ignore[operator]
    assert got_words == words
    assert sum(words.values()) == 3736 - 70  # 3736 tokens, 70 of them hesitations
    for name, seconds in got_time.items():
        assert seconds == pytest.approx(word_time[name])
        assert seconds + hesitation_time[name] == pytest.approx(rttm_time[name])
    assert rttm_time["Speaker 1"] == pytest.approx(687.0)


def test_utterances_are_runs_within_one_watson_result(shared_data: Path) -> None:
    """Each final result is split where the speaker changes; a result's words are never merged
    with the next result's, so a speaker's silence between results is not speaking time."""
    path = shared_data / f"{IBM}/ES2008a/out.json"
    data = json.loads(path.read_text())
    labels = iter(data["speaker_labels"])
    expected: list[tuple[int, str]] = []
    for result in data["results"]:
        previous = None
        for token, *_ in result["alternatives"][0]["timestamps"]:
            speaker = next(labels)["speaker"]
            if speaker != previous:
                expected.append((speaker, ""))
                previous = speaker
            if token != "%HESITATION":
                expected[-1] = (speaker, f"{expected[-1][1]} {token}".strip())
    expected = [(s, text) for s, text in expected if text]

    as_labelled = reader_by_name("watson").read(Source.from_path(path))

    assert [(u.speaker, u.text) for u in as_labelled.utterances] == [
        (f"Speaker {s + 1}", text) for s, text in expected
    ]


def test_hesitations_stretch_times_but_are_not_words(write) -> None:  # type: ignore[no-untyped-def]
    """`%HESITATION` is out of the text and the words but inside the utterance's time; a run of
    only hesitations is dropped."""
    document = {
        "result_index": 0,
        "results": [
            {
                "final": True,
                "alternatives": [
                    {
                        "transcript": "%HESITATION so we start %HESITATION ",
                        "confidence": 0.8,
                        "timestamps": [
                            ["%HESITATION", 1.0, 1.5],
                            ["so", 1.6, 1.8],
                            ["we", 1.8, 1.9],
                            ["start", 1.9, 2.4],
                            ["%HESITATION", 2.6, 3.0],
                        ],
                    }
                ],
            }
        ],
        "speaker_labels": [
            {"from": 1.0, "to": 1.5, "speaker": 0, "confidence": 0.5, "final": False},
            {"from": 1.6, "to": 1.8, "speaker": 0, "confidence": 0.5, "final": False},
            {"from": 1.8, "to": 1.9, "speaker": 0, "confidence": 0.5, "final": False},
            {"from": 1.9, "to": 2.4, "speaker": 0, "confidence": 0.5, "final": False},
            {"from": 2.6, "to": 3.0, "speaker": 1, "confidence": 0.4, "final": True},
        ],
    }
    meeting = read_meeting(write("watson.json", json.dumps(document)))

    assert len(meeting.utterances) == 1
    (utterance,) = meeting.utterances
    assert (utterance.speaker, utterance.text) == ("Speaker 1", "so we start")
    assert (utterance.start_s, utterance.end_s) == (1.0, 2.4)
    assert utterance.word_count == 3


def test_without_speaker_labels_nobody_is_identified(write) -> None:  # type: ignore[no-untyped-def]
    """Without `speaker_labels=true` each result is an utterance and a warning says why."""
    document = {
        "result_index": 0,
        "results": [
            {
                "final": True,
                "alternatives": [{"transcript": "hello ", "timestamps": [["hello", 0.5, 0.9]]}],
            },
            {
                "final": True,
                "alternatives": [{"transcript": "bye ", "timestamps": [["bye", 4.0, 4.3]]}],
            },
        ],
    }
    meeting = read_meeting(write("out.json", json.dumps(document)))

    assert [u.text for u in meeting.utterances] == ["hello", "bye"]
    assert meeting.metadata["speakers"] == "unidentified"
    assert any("no speaker labels" in w for w in meeting.warnings)


def test_all_ibm_samples_are_recognised_by_content(shared_data: Path, tmp_path: Path) -> None:
    """The five real outputs read as Watson, also renamed with no extension."""
    paths = [
        *sorted((shared_data / IBM).glob("*/out.json")),
        *sorted((shared_data / IBM).glob("*.json")),
    ]
    assert len(paths) == 5
    for path in paths:
        assert detect_format(Source.from_path(path)).name == "watson"
    renamed = tmp_path / "ibm_output"
    renamed.write_bytes((shared_data / f"{IBM}/ibm_broadband.json").read_bytes())
    assert read_meeting(renamed).format == "watson"


def test_truncated_file_keeps_the_complete_results(shared_data: Path, tmp_path: Path) -> None:
    """Cut half-way through `results`: the complete results are read, the loss of the speaker
    labels (they come last) is reported, and nothing is attributed to an invented speaker."""
    data = (shared_data / f"{IBM}/ibm.json").read_bytes()
    cut = tmp_path / "ibm-cut.json"
    cut.write_bytes(data[: len(data) // 3])

    meeting = read_meeting(cut)

    assert meeting.format == "watson"
    assert any("truncated" in w for w in meeting.warnings)
    assert any("no speaker labels" in w for w in meeting.warnings)
    assert meeting.metadata["speakers"] == "unidentified"
    assert meeting.utterances[0].text == "design swift transaction"


def test_results_without_alternatives_are_malformed(write) -> None:  # type: ignore[no-untyped-def]
    """A Watson-shaped file whose results are not a list is refused with a clear message."""
    path = write("w.json", json.dumps({"result_index": 0, "results": {"oops": 1}}))
    with pytest.raises(InputError):
        read_meeting(path, format_name="watson")
