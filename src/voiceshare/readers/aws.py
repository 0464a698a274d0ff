"""Amazon Transcribe batch JSON: `jobName`, `results.transcripts`, `results.items`.

Items are words (`type: pronunciation`, with `start_time`/`end_time` as strings) and punctuation
(no times; it belongs to the word before). Which segmentation is used, best first:

1. `results.audio_segments` (since 2023): `id`, `transcript`, times, `speaker_label`, item ids.
2. `results.speaker_labels.segments` (diarization): a speaker's stretch, its words found among the
   items by their start times.
3. The items themselves: a run of consecutive words by the same `speaker_label` (or the same
   `channel_label` with channel identification).
4. Items with no speaker at all: one utterance per sentence, all by "Speaker 1", with a warning
   (one utterance for the whole recording would be useless).

Speaker codes `spk_0` become "Speaker 1"; channels `ch_0` become "Channel 1". `jobName` is the
title.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from voiceshare.model import UNIDENTIFIED_SPEAKER, Speaker, Utterance, Word
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


@dataclass
class _Token:
    """One pronunciation item with the punctuation that follows it."""

    item_id: int
    content: str
    start_s: float | None
    end_s: float | None
    speaker: str | None
    punctuation: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.content + "".join(self.punctuation)


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict):
        return 0.0
    results = data.get("results")
    if not isinstance(results, dict):
        return 0.0
    if "transcripts" in results and ("items" in results or "jobName" in data):
        return 1.0
    items = results.get("items")
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict) and first.get("type") in ("pronunciation", "punctuation"):
        return 0.9
    return 0.0


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise source.fail("is not Amazon Transcribe JSON (it has no results)")
    status = data.get("status")
    if isinstance(status, str) and status.upper() in ("FAILED", "IN_PROGRESS", "QUEUED"):
        raise source.fail(f"is an Amazon Transcribe job that did not complete (status {status})")
    results = data["results"]
    tokens = _tokens(results)
    speakers: dict[str, Speaker] = {}

    segments = results.get("audio_segments")
    labels = results.get("speaker_labels")
    label_segments = labels.get("segments") if isinstance(labels, dict) else None
    diarized = any(t.speaker for t in tokens) or any(
        isinstance(s, dict) and (s.get("speaker_label") or s.get("channel_label"))
        for s in _list(segments)
    )
    if isinstance(segments, list) and segments and diarized:
        utterances = _from_audio_segments(segments, tokens, speakers)
    elif isinstance(label_segments, list) and label_segments:
        utterances = _from_label_segments(label_segments, tokens, speakers)
    elif diarized:
        utterances = _from_runs(tokens, speakers)
    elif isinstance(segments, list) and segments:
        utterances = [
            replace(u, speaker=SINGLE_SPEAKER)
            for u in _from_audio_segments(segments, tokens, speakers)
        ]
        _warn_no_speakers(source, "")
    else:
        utterances = _from_sentences(source, tokens, results)
    title = data.get("jobName")
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        has_speaker_names=False,
        speakers_identified=diarized,
        # Speaker labels come from the voices; channel labels from separate recordings.
        machine_diarized=isinstance(labels, dict)
        or any(isinstance(s, dict) and s.get("speaker_label") for s in _list(segments)),
    )


def _tokens(results: dict[str, Any]) -> list[_Token]:
    items = results.get("items")
    if not isinstance(items, list) or not items:
        # With channel identification, older outputs keep the items per channel only.
        items = _channel_items(results)
    # Older diarized outputs put the speaker on the segment's items, not on results.items.
    speaker_at = _speakers_by_start(results)
    tokens: list[_Token] = []
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        alternatives = item.get("alternatives")
        first = alternatives[0] if isinstance(alternatives, list) and alternatives else None
        content = first.get("content") if isinstance(first, dict) else None
        if not isinstance(content, str) or not content.strip():
            continue
        if item.get("type") == "punctuation":
            if tokens:
                tokens[-1].punctuation.append(content.strip())
            continue
        start = item.get("start_time")
        speaker = (
            item.get("speaker_label") or speaker_at.get(str(start)) or item.get("channel_label")
        )
        item_id = item.get("id")
        tokens.append(
            _Token(
                item_id=item_id if isinstance(item_id, int) else position,
                content=content.strip(),
                start_s=parse_seconds(start),
                end_s=parse_seconds(item.get("end_time")),
                speaker=speaker if isinstance(speaker, str) else None,
            )
        )
    return tokens


def _channel_items(results: dict[str, Any]) -> list[Any]:
    labels = results.get("channel_labels")
    channels = labels.get("channels") if isinstance(labels, dict) else None
    if not isinstance(channels, list):
        return []
    items: list[Any] = []
    for channel in channels:
        if isinstance(channel, dict) and isinstance(channel.get("items"), list):
            label = channel.get("channel_label")
            items += [
                {"channel_label": label, **i} for i in channel["items"] if isinstance(i, dict)
            ]
    # Each channel's items are in time order; interleave them by start time.
    return sorted(items, key=lambda i: parse_seconds(i.get("start_time")) or 0.0)


def _speakers_by_start(results: dict[str, Any]) -> dict[str, str]:
    labels = results.get("speaker_labels")
    segments = labels.get("segments") if isinstance(labels, dict) else None
    lookup: dict[str, str] = {}
    for segment in segments if isinstance(segments, list) else []:
        if not isinstance(segment, dict) or not isinstance(segment.get("items"), list):
            continue
        for item in segment["items"]:
            if isinstance(item, dict) and isinstance(item.get("speaker_label"), str):
                lookup[str(item.get("start_time"))] = item["speaker_label"]
    return lookup


def _speaker(code: object, speakers: dict[str, Speaker]) -> str:
    if not isinstance(code, str) or not code.strip():
        # Diarized output where this stretch lost its label: nobody's share.
        return UNIDENTIFIED_SPEAKER
    code = code.strip()
    if code not in speakers:
        if code.startswith("ch_") and code[3:].isdigit():
            name = f"Channel {int(code[3:]) + 1}"
        else:
            name = speaker_label(code)
        speakers[code] = Speaker(name, label=code)
    return speakers[code].name


def _from_audio_segments(
    segments: list[Any], tokens: list[_Token], speakers: dict[str, Speaker]
) -> list[Utterance]:
    by_id = {t.item_id: t for t in tokens}
    utterances = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        ids = _list(segment.get("items"))
        seg_tokens = [by_id[i] for i in ids if isinstance(i, int) and i in by_id]
        transcript = segment.get("transcript")
        text = clean_text(transcript) if isinstance(transcript, str) else ""
        text = text or " ".join(t.text for t in seg_tokens)
        if not text:
            continue
        code = segment.get("speaker_label") or segment.get("channel_label")
        if code is None and seg_tokens:
            code = seg_tokens[0].speaker
        seg_id = segment.get("id")
        utterances.append(
            Utterance(
                id=str(seg_id) if isinstance(seg_id, int | str) else "",
                speaker=_speaker(code, speakers),
                text=text,
                start_s=parse_seconds(segment.get("start_time")),
                end_s=parse_seconds(segment.get("end_time")),
                words=_words(seg_tokens),
            )
        )
    return utterances


def _from_label_segments(
    segments: list[Any], tokens: list[_Token], speakers: dict[str, Speaker]
) -> list[Utterance]:
    by_start: dict[float, _Token] = {}
    for token in tokens:
        if token.start_s is not None:
            by_start.setdefault(token.start_s, token)
    utterances = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        items = _list(segment.get("items"))
        seg_tokens = [
            by_start[start]
            for item in items
            if isinstance(item, dict)
            and (start := parse_seconds(item.get("start_time"))) is not None
            and start in by_start
        ]
        if not seg_tokens:
            continue
        utterances.append(
            Utterance(
                id="",
                speaker=_speaker(segment.get("speaker_label"), speakers),
                text=" ".join(t.text for t in seg_tokens),
                start_s=parse_seconds(segment.get("start_time")),
                end_s=parse_seconds(segment.get("end_time")),
                words=_words(seg_tokens),
            )
        )
    return utterances


def _from_runs(tokens: list[_Token], speakers: dict[str, Speaker]) -> list[Utterance]:
    utterances = []
    run: list[_Token] = []
    for token in tokens:
        # A word that lost its label stays with the speaker before it.
        if run and token.speaker not in (run[-1].speaker, None):
            utterances.append(utterance_from_words(_speaker(run[0].speaker, speakers), _words(run)))
            run = []
        run.append(token)
    if run:
        utterances.append(utterance_from_words(_speaker(run[0].speaker, speakers), _words(run)))
    return utterances


def _from_sentences(
    source: Source, tokens: list[_Token], results: dict[str, Any]
) -> list[Utterance]:
    _warn_no_speakers(source, ", one utterance per sentence")
    if not tokens:
        transcripts = results.get("transcripts")
        texts = []
        for entry in transcripts if isinstance(transcripts, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("transcript"), str):
                texts.append(clean_text(entry["transcript"]))
        return [Utterance("", SINGLE_SPEAKER, text) for text in texts if text]
    utterances = []
    run: list[_Token] = []
    for token in tokens:
        run.append(token)
        if token.text.endswith(_SENTENCE_END):
            utterances.append(utterance_from_words(SINGLE_SPEAKER, _words(run)))
            run = []
    if run:
        utterances.append(utterance_from_words(SINGLE_SPEAKER, _words(run)))
    return utterances


def _warn_no_speakers(source: Source, detail: str) -> None:
    source.warn(
        "the transcript has no speaker labels (Amazon Transcribe without diarization); "
        f"everything is attributed to one speaker, {SINGLE_SPEAKER}{detail}"
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _words(tokens: list[_Token]) -> tuple[Word, ...]:
    return tuple(Word(t.text, t.start_s, t.end_s) for t in tokens)


SPEC = ReaderSpec(
    name="aws",
    description="Amazon Transcribe JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
