"""OpenAI Whisper JSON (`whisper --output_format json`, the API's `verbose_json`) and WhisperX.

Whisper writes `{"text", "segments": [{"id", "start", "end", "text", "words"?}], "language"}`.
WhisperX adds diarization: each segment and word carries a `speaker` code (`SPEAKER_00`), and a
top-level `word_segments` list repeats the words. One utterance per segment; the segment's
`id` is kept when it has one.

Plain Whisper does not diarize: everything is attributed to one speaker, "Speaker 1", and the
meeting carries a warning, because speaking-time figures for such a file mean nothing.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from voiceshare.model import UNIDENTIFIED_SPEAKER, Speaker, Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_seconds, speaker_label
from voiceshare.readers._source import Source

SINGLE_SPEAKER = "Speaker 1"
UNIDENTIFIED = UNIDENTIFIED_SPEAKER

# Diarization codes (pyannote's `SPEAKER_00`, plain numbers); anything else is a name a person
# gave, e.g. after editing the file.
_ANONYMOUS = re.compile(r"(?:speaker|spk)?[ _-]?\d+", re.IGNORECASE)
# Keys only Whisper's own segments have (decoder statistics).
_WHISPER_SEGMENT_KEYS = frozenset(
    {"seek", "tokens", "avg_logprob", "no_speech_prob", "temperature"}
)
# Keys of other JSON transcript formats that also have a list of segments.
_FOREIGN_KEYS = frozenset({"sentences", "results", "utterances", "monologues", "jobName"})


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict) or _FOREIGN_KEYS & data.keys():
        return 0.0
    segments = data.get("segments")
    if not isinstance(segments, list):
        return 0.0
    first = next((s for s in segments if isinstance(s, dict)), None)
    if first is None:
        # An empty transcript still looks like Whisper when it has Whisper's top-level keys.
        return 0.6 if {"text", "language"} <= data.keys() else 0.0
    if not {"start", "end", "text"} <= first.keys():
        return 0.0
    if "word_segments" in data or _WHISPER_SEGMENT_KEYS & first.keys() or "language" in data:
        return 0.95
    return 0.8


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise source.fail("is not Whisper JSON (it has no list of segments)")
    segments = [s for s in data["segments"] if isinstance(s, dict)]
    diarized = any(s.get("speaker") is not None for s in segments)
    loose_words = _top_level_words(data, segments)

    utterances: list[Utterance] = []
    speakers: dict[str, Speaker] = {}
    skipped = unattributed = 0
    named = False  # True when a speaker has a real name, not a diarization code
    for index, segment in enumerate(segments):
        text = segment.get("text")
        if not isinstance(text, str):
            skipped += 1
            continue
        text = clean_text(text)
        words = _words(segment.get("words")) or tuple(loose_words.get(index, ()))
        if not text and not words:
            continue
        if not text:
            text = " ".join(w.text for w in words)
        if diarized:
            raw = segment.get("speaker")
            if raw is None:
                unattributed += 1
                speaker = Speaker(UNIDENTIFIED)
            else:
                name = speaker_label(raw)
                speaker = Speaker(name, label=None if name == str(raw).strip() else str(raw))
                named = named or not _ANONYMOUS.fullmatch(str(raw).strip())
        else:
            speaker = Speaker(SINGLE_SPEAKER)
        speakers.setdefault(speaker.name, speaker)
        seg_id = segment.get("id")
        utterances.append(
            Utterance(
                id="" if seg_id is None or isinstance(seg_id, bool) else str(seg_id),
                speaker=speaker.name,
                text=text,
                start_s=parse_seconds(segment.get("start")),
                end_s=parse_seconds(segment.get("end")),
                words=words,
            )
        )
    if skipped:
        source.warn(f"{skipped} segment(s) had no text and were skipped")
    if not diarized:
        source.warn(
            "the transcript has no speaker labels (Whisper without diarization); "
            f"everything is attributed to one speaker, {SINGLE_SPEAKER}"
        )
    elif unattributed:
        source.warn(f"{unattributed} segment(s) have no speaker and are marked {UNIDENTIFIED!r}")
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        stated_duration_s=parse_seconds(data.get("duration")),
        has_speaker_names=named,
        speakers_identified=diarized,
        machine_diarized=diarized,
    )


def _words(raw: object) -> tuple[Word, ...]:
    if not isinstance(raw, list):
        return ()
    words = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("word", item.get("text"))
        if not isinstance(text, str) or not text.strip():
            continue
        # WhisperX leaves numerals it could not align without times.
        words.append(
            Word(text.strip(), parse_seconds(item.get("start")), parse_seconds(item.get("end")))
        )
    return tuple(words)


def _top_level_words(data: dict[str, Any], segments: list[dict[str, Any]]) -> dict[int, list[Word]]:
    """The API's `verbose_json` with word timestamps lists words at the top level, not per
    segment: give each word to the segment it starts in."""
    if any(isinstance(s.get("words"), list) for s in segments):
        return {}
    words = _words(data.get("words"))
    starts = [parse_seconds(s.get("start")) for s in segments]
    if not words or any(start is None for start in starts):
        return {}
    timed_starts = [float(s) for s in starts if s is not None]
    result: dict[int, list[Word]] = {}
    for word in words:
        if word.start_s is None:
            continue
        index = max(0, bisect.bisect_right(timed_starts, word.start_s) - 1)
        result.setdefault(index, []).append(word)
    return result


SPEC = ReaderSpec(
    name="whisper",
    description="OpenAI Whisper / WhisperX JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
