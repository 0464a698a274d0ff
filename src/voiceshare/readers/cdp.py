"""Council Data Project (CDP) transcript JSON: `generator`, `session_datetime`, `sentences`.

Each sentence (`index`, `start_time`, `end_time`, `text`, `speaker_index`, `speaker_name`,
`words`) becomes one utterance, with the sentence `index` as its id and the CDP words (lower-case,
punctuation stripped) as its words.

Speakers: a `speaker_name` is a real name and is kept. CDP's caption converter ("CDP WebVTT
Conversion") numbers *speaker turns* in `speaker_index` (it starts a new number at every `>>`
in the captions), so there the index says nothing about who spoke: such sentences, and those
with no index at all (the Whisper converter), go to one "Unidentified speaker", as the WebVTT
reader does for the same captions. Only an index that comes back to an earlier value (a real
diarization) is read as a speaker code, `Speaker 1`, `Speaker 2`...
"""

from __future__ import annotations

import itertools
from typing import Any

from voiceshare.model import UNIDENTIFIED_SPEAKER, Speaker, Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_seconds, speaker_label
from voiceshare.readers._source import Source

UNIDENTIFIED = UNIDENTIFIED_SPEAKER


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), list):
        return 0.0
    generator = data.get("generator")
    if isinstance(generator, str) and "CDP" in generator:
        return 1.0
    first = next((s for s in data["sentences"] if isinstance(s, dict)), None)
    if first is not None and {"start_time", "end_time", "text"} <= first.keys():
        return 0.9 if "speaker_index" in first or "session_datetime" in data else 0.6
    return 0.0


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict) or not isinstance(data.get("sentences"), list):
        raise source.fail("is not a Council Data Project transcript (it has no sentences)")
    sentences = [s for s in data["sentences"] if isinstance(s, dict)]
    generator = data.get("generator")
    indexes_are_turns = _indexes_are_turns(
        sentences, generator if isinstance(generator, str) else ""
    )

    utterances: list[Utterance] = []
    speakers: dict[str, Speaker] = {}
    skipped = 0
    named = False
    for position, sentence in enumerate(sentences):
        text = sentence.get("text")
        if not isinstance(text, str):
            skipped += 1
            continue
        text = clean_text(text)
        if not text:
            continue
        speaker = _speaker(sentence, indexes_are_turns)
        named = named or (speaker.name != UNIDENTIFIED and speaker.label is None)
        speakers.setdefault(speaker.name, speaker)
        index = sentence.get("index", position)
        utterances.append(
            Utterance(
                id=str(index) if isinstance(index, int | str) else "",
                speaker=speaker.name,
                text=text,
                start_s=parse_seconds(sentence.get("start_time")),
                end_s=parse_seconds(sentence.get("end_time")),
                words=_words(sentence.get("words")),
            )
        )
    if skipped:
        source.warn(f"{skipped} sentence(s) had no text and were skipped")
    if UNIDENTIFIED in speakers:
        if indexes_are_turns:
            why = "it numbers speaker turns, not people"
        elif len(speakers) > 1:
            why = "some sentences have no speaker"
        else:
            why = "it has no speaker information"
        source.warn(
            f"the CDP transcript does not identify speakers ({why}); "
            f"those sentences are attributed to {UNIDENTIFIED!r}"
        )
    session = data.get("session_datetime")
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        date=session if isinstance(session, str) and session.strip() else None,
        has_speaker_names=named,
        speakers_identified=bool(set(speakers) - {UNIDENTIFIED}),
    )


def _indexes_are_turns(sentences: list[dict[str, Any]], generator: str) -> bool:
    """True when `speaker_index` counts speaker turns rather than naming speakers.

    CDP's WebVTT converter enumerates turns, so its indexes never decrease; a diarized
    transcript comes back to earlier speakers.
    """
    if "webvtt" in generator.lower():
        return True
    indexes = [s["speaker_index"] for s in sentences if isinstance(s.get("speaker_index"), int)]
    return all(a <= b for a, b in itertools.pairwise(indexes)) and len(set(indexes)) > 1


def _speaker(sentence: dict[str, Any], indexes_are_turns: bool) -> Speaker:
    name = sentence.get("speaker_name")
    if isinstance(name, str) and name.strip():
        return Speaker(clean_text(name))
    index = sentence.get("speaker_index")
    if index is None or isinstance(index, bool) or indexes_are_turns:
        return Speaker(UNIDENTIFIED)
    return Speaker(speaker_label(index), label=str(index))


def _words(raw: object) -> tuple[Word, ...]:
    if not isinstance(raw, list):
        return ()
    words = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        # The caption converter leaves empty words where a caption held only punctuation.
        if not isinstance(text, str) or not text.strip():
            continue
        words.append(
            Word(
                text.strip(),
                parse_seconds(item.get("start_time")),
                parse_seconds(item.get("end_time")),
            )
        )
    return tuple(words)


SPEC = ReaderSpec(
    name="cdp",
    description="Council Data Project transcript JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
