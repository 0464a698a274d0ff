"""Google Cloud Speech-to-Text JSON: a long-running operation (`response.results`) or bare
`results`, as the REST API (v1, v1p1beta1, v2) and the client libraries write it.

Each result has `alternatives[0]` with a `transcript` and, with word offsets on, `words`
(`startTime`/`endTime` as `"31.200s"` or `{seconds, nanos}`; v2 says `startOffset`/`endOffset`).

With diarization on, Google repeats every word of the recording in the LAST result, each with a
`speakerTag` (v2: `speakerLabel`); the earlier results hold the same words untagged. Only that
last result is read, so nothing is counted twice. An utterance is a run of consecutive words by
the same speaker, cut where one of Google's own results (its segments of the audio) ends, so a
speaker's words across a long silence are not one utterance. Tags start at 1 and keep their
number: tag 3 is "Speaker 3".

Without diarization every result is one utterance of "Speaker 1" (or "Channel N" when the audio
was transcribed per channel), with a warning.
"""

from __future__ import annotations

import bisect
from typing import Any

from voiceshare.model import Speaker, Utterance, Word
from voiceshare.readers._base import (
    Parsed,
    ReaderSpec,
    clean_text,
    parse_seconds,
    speaker_label,
    utterance_from_words,
)
from voiceshare.readers._source import Source

SINGLE_SPEAKER = "Speaker 1"

_WORD_KEYS = frozenset({"startTime", "startOffset", "start_time", "endTime", "endOffset"})


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict):
        return 0.0
    response = data.get("response")
    if isinstance(response, dict):
        if "google.cloud.speech" in str(response.get("@type", "")):
            return 1.0
        results = response.get("results")
    else:
        results = data.get("results")
    # Watson results have `final`, `timestamps` and a top-level `result_index`.
    if not isinstance(results, list) or "result_index" in data or "speaker_labels" in data:
        return 0.0
    first = next((r for r in results if isinstance(r, dict)), None)
    if first is None or "final" in first:
        return 0.0
    alternatives = first.get("alternatives")
    if not isinstance(alternatives, list) or not alternatives:
        return 0.0
    alternative = alternatives[0]
    if not isinstance(alternative, dict) or "timestamps" in alternative:
        return 0.0
    words = alternative.get("words")
    first_word = words[0] if isinstance(words, list) and words else None
    if isinstance(first_word, dict) and "word" in first_word and _WORD_KEYS & first_word.keys():
        return 0.95
    if {"resultEndTime", "resultEndOffset", "languageCode", "channelTag"} & first.keys():
        return 0.85
    return 0.5 if "transcript" in alternative else 0.0


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict):
        raise source.fail("is not Google Cloud Speech JSON")
    error = data.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("status") or "unknown error"
        raise source.fail(f"is a failed Google Speech operation ({message})")
    if data.get("done") is False:
        raise source.fail("is a Google Speech operation that has not finished (done: false)")
    response = data.get("response", data)
    results = response.get("results") if isinstance(response, dict) else None
    if not isinstance(results, list):
        raise source.fail("is not Google Cloud Speech JSON (it has no results)")
    results = [r for r in results if isinstance(r, dict) and _alternative(r) is not None]

    tagged = [i for i, r in enumerate(results) if any(_tag(w) is not None for w in _raw_words(r))]
    if tagged:
        last = tagged[-1]
        earlier_words = sum(len(_raw_words(results[i])) for i in tagged[:-1])
        if len(_raw_words(results[last])) >= earlier_words:
            # Speech v1: the last result repeats every word of the recording with its tag.
            others = [r for i, r in enumerate(results) if i != last]
            return _read_diarized(source, results[last], others)
        # Each result tagged with only its own words: read them all, in order.
        merged = {"alternatives": [{"words": [w for i in tagged for w in _raw_words(results[i])]}]}
        others = [r for i, r in enumerate(results) if i not in set(tagged)]
        return _read_diarized(source, merged, others + [results[i] for i in tagged[1:]])
    return _read_segments(source, results)


def _read_diarized(source: Source, result: dict[str, Any], others: list[dict[str, Any]]) -> Parsed:
    # Where Google's own segments start: a new utterance begins at each of them.
    bounds = sorted(start for r in others for start in [_first_start(r)] if start is not None)
    utterances: list[Utterance] = []
    speakers: dict[str, Speaker] = {}
    run: list[Word] = []
    run_speaker: str | None = None
    run_segment = -1
    for raw in _raw_words(result):
        word = _word(raw)
        if word is None:
            continue
        tag = _tag(raw)
        if tag is not None:
            speaker = speakers.setdefault(tag, Speaker(_speaker_name(tag), label=tag)).name
        else:
            # An untagged word in the tagged result continues the current speaker.
            speaker = run_speaker or SINGLE_SPEAKER
        segment = bisect.bisect_right(bounds, word.start_s) if word.start_s is not None else 0
        if run and (speaker != run_speaker or segment != run_segment):
            utterances.append(utterance_from_words(run_speaker or SINGLE_SPEAKER, run))
            run = []
        run.append(word)
        run_speaker, run_segment = speaker, segment
    if run:
        utterances.append(utterance_from_words(run_speaker or SINGLE_SPEAKER, run))

    # A truncated file can lose the end of the tagged result while the untagged ones go on.
    tagged_end = max(
        (w.end_s for u in utterances for w in u.words if w.end_s is not None), default=0
    )
    later = sum(
        1
        for r in others
        for raw in _raw_words(r)
        if (w := _word(raw)) is not None and w.start_s is not None and w.start_s > tagged_end + 1
    )
    if later:
        source.warn(
            f"speaker tags end at {tagged_end:.1f} s but {later} later word(s) have none; "
            "those words were left out"
        )
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        has_speaker_names=False,
        machine_diarized=True,
    )


def _read_segments(source: Source, results: list[dict[str, Any]]) -> Parsed:
    channels = {r.get("channelTag") for r in results if r.get("channelTag") is not None}
    utterances: list[Utterance] = []
    previous_end: float | None = 0.0
    for result in results:
        alternative = _alternative(result) or {}
        words = tuple(w for raw in _raw_words(result) if (w := _word(raw)) is not None)
        transcript = alternative.get("transcript")
        text = clean_text(transcript) if isinstance(transcript, str) else ""
        if not text:
            text = " ".join(w.text for w in words)
        result_end = _offset(result.get("resultEndTime", result.get("resultEndOffset")))
        if words:
            start_s, end_s = words[0].start_s, words[-1].end_s
        else:
            # Results are consecutive stretches of the audio: this one began where the last ended.
            start_s, end_s = (previous_end if result_end is not None else None), result_end
        if result_end is not None:
            previous_end = result_end
        if not text:
            continue
        channel = result.get("channelTag")
        speaker = f"Channel {channel}" if len(channels) > 1 else SINGLE_SPEAKER
        utterances.append(Utterance("", speaker, text, start_s, end_s, words))
    if len(channels) > 1:
        source.warn("the transcript has no speaker labels; each audio channel is one speaker")
    else:
        source.warn(
            "the transcript has no speaker labels (Google Speech without diarization); "
            f"everything is attributed to one speaker, {SINGLE_SPEAKER}"
        )
    return Parsed(
        utterances=utterances, has_speaker_names=False, speakers_identified=len(channels) > 1
    )


def _alternative(result: dict[str, Any]) -> dict[str, Any] | None:
    alternatives = result.get("alternatives")
    if isinstance(alternatives, list) and alternatives and isinstance(alternatives[0], dict):
        return alternatives[0]
    return None


def _raw_words(result: dict[str, Any]) -> list[dict[str, Any]]:
    words = (_alternative(result) or {}).get("words")
    return [w for w in words if isinstance(w, dict)] if isinstance(words, list) else []


def _first_start(result: dict[str, Any]) -> float | None:
    for raw in _raw_words(result):
        word = _word(raw)
        if word is not None and word.start_s is not None:
            return word.start_s
    return None


def _tag(raw: dict[str, Any]) -> str | None:
    """A word's speaker code: v1 `speakerTag` (from 1; 0 means none), v2 `speakerLabel`."""
    tag = raw.get("speakerTag", raw.get("speaker_tag", raw.get("speakerLabel")))
    if tag is None or isinstance(tag, bool) or tag in (0, "0", ""):
        return None
    return str(tag).strip() or None


def _speaker_name(tag: str) -> str:
    # Google numbers speakers from 1; keep its number so "Speaker 3" is tag 3.
    return speaker_label(int(tag) - 1) if tag.isdigit() else speaker_label(tag)


def _word(raw: dict[str, Any]) -> Word | None:
    text = raw.get("word")
    if not isinstance(text, str) or not text.strip():
        return None
    start = _offset(raw.get("startTime", raw.get("startOffset", raw.get("start_time"))))
    end = _offset(raw.get("endTime", raw.get("endOffset", raw.get("end_time"))))
    if start is None and end is not None:
        # Protobuf JSON leaves out a zero duration: a word at the very start has no startTime.
        start = 0.0
    return Word(text.strip(), start, end)


def _offset(value: object) -> float | None:
    """Seconds from `"31.200s"`, a number, or a Duration `{"seconds": "31", "nanos": 2e8}`."""
    if isinstance(value, dict):
        seconds = parse_seconds(value.get("seconds", 0))
        nanos = parse_seconds(value.get("nanos", 0))
        if seconds is None or nanos is None:
            return None
        return round(seconds + nanos / 1e9, 3)
    return parse_seconds(value)


SPEC = ReaderSpec(
    name="google",
    description="Google Cloud Speech-to-Text JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
