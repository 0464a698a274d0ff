"""Deepgram pre-recorded JSON: `metadata` and `results.channels[].alternatives[]` with `words`
(`word`, `punctuated_word`, `start`, `end`, `speaker` with `diarize=true`), optionally
`results.utterances[]` (`utterances=true`) and `paragraphs` (`paragraphs=true`).

Which segmentation is used, best first: Deepgram's `utterances` (their `id` is kept), its
`paragraphs`, runs of consecutive words by the same speaker, and, without diarization, one
utterance per sentence. Speaker numbers 0, 1... become "Speaker 1", "Speaker 2"; audio
transcribed per channel (`multichannel=true`) gives "Channel 1", "Channel 2" (with the speaker
appended when it is also diarized). `metadata.duration` is the stated duration.
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
_SENTENCE_END = (".", "?", "!")


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict):
        return 0.0
    results = data.get("results")
    if not isinstance(results, dict) or not isinstance(results.get("channels"), list):
        return 0.0
    if isinstance(data.get("metadata"), dict):
        return 1.0
    return 0.9


def read(source: Source) -> Parsed:
    data = source.json
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict) or not isinstance(results.get("channels"), list):
        raise source.fail("is not Deepgram JSON (it has no results.channels)")
    channels = [_alternative(c) for c in results["channels"]]
    multichannel = len(channels) > 1
    diarized = any(
        w.get("speaker") is not None for alternative in channels for w in _raw_words(alternative)
    )
    namer = _Namer(multichannel)

    utterances: list[Utterance] = []
    raw_utterances = results.get("utterances")
    if isinstance(raw_utterances, list) and raw_utterances:
        diarized = diarized or any(
            isinstance(u, dict) and u.get("speaker") is not None for u in raw_utterances
        )
        for raw in raw_utterances:
            if isinstance(raw, dict):
                utterance = _from_utterance(raw, namer)
                if utterance is not None:
                    utterances.append(utterance)
    else:
        for channel, alternative in enumerate(channels):
            utterances += _from_channel(alternative, channel, namer, diarized)
    if not diarized:
        source.warn(
            "the transcript has no speaker labels (Deepgram without diarize=true); "
            + (
                "each audio channel is one speaker"
                if multichannel
                else f"everything is attributed to one speaker, {SINGLE_SPEAKER}"
            )
        )
    metadata = data.get("metadata")
    duration = metadata.get("duration") if isinstance(metadata, dict) else None
    return Parsed(
        utterances=utterances,
        speakers=tuple(namer.speakers.values()),
        stated_duration_s=parse_seconds(duration),
        has_speaker_names=False,
        speakers_identified=diarized or multichannel,
        machine_diarized=diarized and not multichannel,
    )


class _Namer:
    """Display names for (channel, speaker) pairs, remembered in order of first appearance."""

    def __init__(self, multichannel: bool) -> None:
        self.multichannel = multichannel
        self.speakers: dict[str, Speaker] = {}

    def __call__(self, channel: object, speaker: object) -> str:
        has_speaker = speaker is not None and not isinstance(speaker, bool)
        if self.multichannel:
            number = int(channel) + 1 if isinstance(channel, int) else 1
            name = f"Channel {number}"
            if has_speaker:
                name += f" {speaker_label(speaker)}"
            code = f"{channel}:{speaker}" if has_speaker else str(channel)
        elif has_speaker:
            name, code = speaker_label(speaker), str(speaker)
        else:
            return SINGLE_SPEAKER
        self.speakers.setdefault(name, Speaker(name, label=code))
        return name


def _alternative(channel: object) -> dict[str, Any]:
    alternatives = channel.get("alternatives") if isinstance(channel, dict) else None
    if isinstance(alternatives, list) and alternatives and isinstance(alternatives[0], dict):
        return alternatives[0]
    return {}


def _raw_words(container: dict[str, Any]) -> list[dict[str, Any]]:
    words = container.get("words")
    return [w for w in words if isinstance(w, dict)] if isinstance(words, list) else []


def _word(raw: dict[str, Any]) -> Word | None:
    text = raw.get("punctuated_word") or raw.get("word")
    if not isinstance(text, str) or not text.strip():
        return None
    return Word(text.strip(), parse_seconds(raw.get("start")), parse_seconds(raw.get("end")))


def _words(raws: list[dict[str, Any]]) -> tuple[Word, ...]:
    return tuple(w for raw in raws if (w := _word(raw)) is not None)


def _from_utterance(raw: dict[str, Any], namer: _Namer) -> Utterance | None:
    words = _words(_raw_words(raw))
    transcript = raw.get("transcript")
    text = clean_text(transcript) if isinstance(transcript, str) else ""
    text = text or " ".join(w.text for w in words)
    if not text:
        return None
    utterance_id = raw.get("id")
    return Utterance(
        id=utterance_id if isinstance(utterance_id, str) else "",
        speaker=namer(raw.get("channel", 0), raw.get("speaker")),
        text=text,
        start_s=parse_seconds(raw.get("start")),
        end_s=parse_seconds(raw.get("end")),
        words=words,
    )


def _from_channel(
    alternative: dict[str, Any], channel: int, namer: _Namer, diarized: bool
) -> list[Utterance]:
    raws = _raw_words(alternative)
    paragraphs = alternative.get("paragraphs")
    listed = paragraphs.get("paragraphs") if isinstance(paragraphs, dict) else None
    if isinstance(listed, list) and listed:
        return _from_paragraphs([p for p in listed if isinstance(p, dict)], raws, channel, namer)
    if raws:
        return _from_word_runs(raws, channel, namer, diarized)
    transcript = alternative.get("transcript")
    text = clean_text(transcript) if isinstance(transcript, str) else ""
    return [Utterance("", namer(channel, None), text)] if text else []


def _from_paragraphs(
    paragraphs: list[dict[str, Any]], raws: list[dict[str, Any]], channel: int, namer: _Namer
) -> list[Utterance]:
    # Each word goes to the paragraph it starts in.
    starts = [parse_seconds(p.get("start")) or 0.0 for p in paragraphs]
    by_paragraph: dict[int, list[dict[str, Any]]] = {}
    for raw in raws:
        start = parse_seconds(raw.get("start"))
        if start is not None:
            index = max(0, bisect.bisect_right(starts, start) - 1)
            by_paragraph.setdefault(index, []).append(raw)
    utterances = []
    for index, paragraph in enumerate(paragraphs):
        sentences = paragraph.get("sentences")
        texts = [
            s["text"]
            for s in (sentences if isinstance(sentences, list) else [])
            if isinstance(s, dict) and isinstance(s.get("text"), str)
        ]
        words = _words(by_paragraph.get(index, []))
        text = clean_text(" ".join(texts)) or " ".join(w.text for w in words)
        if not text:
            continue
        utterances.append(
            Utterance(
                id="",
                speaker=namer(channel, paragraph.get("speaker")),
                text=text,
                start_s=parse_seconds(paragraph.get("start")),
                end_s=parse_seconds(paragraph.get("end")),
                words=words,
            )
        )
    return utterances


def _from_word_runs(
    raws: list[dict[str, Any]], channel: int, namer: _Namer, diarized: bool
) -> list[Utterance]:
    utterances = []
    run: list[Word] = []
    run_speaker: object = None
    for raw in raws:
        word = _word(raw)
        if word is None:
            continue
        speaker = raw.get("speaker", run_speaker)
        if run and diarized and speaker != run_speaker:
            utterances.append(utterance_from_words(namer(channel, run_speaker), run))
            run = []
        run.append(word)
        run_speaker = speaker
        # Without diarization there are no turns to follow: one utterance per sentence.
        if not diarized and word.text.endswith(_SENTENCE_END):
            utterances.append(utterance_from_words(namer(channel, None), run))
            run = []
    if run:
        utterances.append(
            utterance_from_words(namer(channel, run_speaker if diarized else None), run)
        )
    return utterances


SPEC = ReaderSpec(
    name="deepgram",
    description="Deepgram pre-recorded JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
