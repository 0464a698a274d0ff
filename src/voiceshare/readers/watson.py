"""IBM Watson Speech to Text JSON: `results[].alternatives[0].timestamps` (`[word, start, end]`)
and, with `speaker_labels=true`, a top-level `speaker_labels` list (`from`, `to`, `speaker`,
`confidence`, `final`) with one entry per word, matched to the word by its times.

An utterance is a run of consecutive words by the same speaker inside one of Watson's final
results (its own segments of the audio, cut at pauses). Speaker codes (0, 2...) become
"Speaker 1", "Speaker 3"; without speaker labels each result is an utterance of "Speaker 1".

`%HESITATION` is Watson's placeholder for a filled pause ("um", "uh"; it does not say which).
It is not a word anyone said, so it is left out of the text and of the words (word counts and
words per minute stay honest), but it is speech: it stretches its utterance's start or end
time. A run that holds only hesitations is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from voiceshare.model import UNIDENTIFIED_SPEAKER, Speaker, Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_seconds, speaker_label
from voiceshare.readers._source import Source

SINGLE_SPEAKER = "Speaker 1"
HESITATION = "%HESITATION"


@dataclass(frozen=True)
class _Token:
    text: str
    start_s: float | None
    end_s: float | None
    speaker: str | None


def sniff(source: Source) -> float:
    data = source.json
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        return 0.0
    first = next((r for r in data["results"] if isinstance(r, dict)), None)
    alternatives = first.get("alternatives") if first else None
    if not isinstance(alternatives, list) or not alternatives:
        return 0.0
    alternative = alternatives[0]
    if not isinstance(alternative, dict) or "transcript" not in alternative:
        return 0.0
    if "timestamps" in alternative or "speaker_labels" in data or "result_index" in data:
        return 0.95
    return 0.6 if first is not None and "final" in first else 0.0


def read(source: Source) -> Parsed:
    documents = source.json if isinstance(source.json, list) else [source.json]
    results: list[dict[str, Any]] = []
    labels: list[dict[str, Any]] = []
    for document in documents:
        if not isinstance(document, dict) or not isinstance(document.get("results"), list):
            raise source.fail("is not IBM Watson Speech to Text JSON (it has no results)")
        # Interim results (final: false) are superseded by a final one; read only those.
        results += [
            r
            for r in document["results"]
            if isinstance(r, dict) and r.get("final", True) is not False
        ]
        raw_labels = document.get("speaker_labels")
        if isinstance(raw_labels, list):
            labels += [label for label in raw_labels if isinstance(label, dict)]

    speaker_of = _speaker_lookup(labels)
    utterances: list[Utterance] = []
    speakers: dict[str, Speaker] = {}
    unlabelled = 0
    for result in results:
        alternatives = result.get("alternatives")
        if not isinstance(alternatives, list) or not alternatives:
            continue
        alternative = alternatives[0]
        if not isinstance(alternative, dict):
            continue
        tokens = _tokens(alternative.get("timestamps"), speaker_of)
        if not tokens:
            # No word times (timestamps=false): the result's transcript is all there is.
            transcript = alternative.get("transcript")
            text = _without_hesitations(transcript if isinstance(transcript, str) else "")
            if text:
                utterances.append(Utterance("", SINGLE_SPEAKER, text))
            continue
        if labels:
            unlabelled += sum(1 for t in tokens if t.speaker is None and t.text != HESITATION)
        for run in _runs(tokens):
            code = run[0].speaker
            if code is None:
                name = UNIDENTIFIED_SPEAKER if labels else SINGLE_SPEAKER
            else:
                name = speakers.setdefault(code, Speaker(speaker_label(code), label=code)).name
            utterance = _utterance(name, run)
            if utterance is not None:
                utterances.append(utterance)
    if not labels:
        source.warn(
            "the transcript has no speaker labels (Watson without speaker_labels=true); "
            f"everything is attributed to one speaker, {SINGLE_SPEAKER}"
        )
    elif unlabelled:
        source.warn(f"{unlabelled} word(s) have no speaker label; they are attributed to nobody")
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        has_speaker_names=False,
        speakers_identified=bool(labels),
        machine_diarized=bool(labels),
    )


def _speaker_lookup(labels: list[dict[str, Any]]) -> dict[tuple[float, float], str]:
    """Watson gives one speaker label per word, with the word's own `from`/`to` times."""
    lookup = {}
    for label in labels:
        start, end = parse_seconds(label.get("from")), parse_seconds(label.get("to"))
        speaker = label.get("speaker")
        if start is None or end is None or speaker is None or isinstance(speaker, bool):
            continue
        lookup[(round(start, 2), round(end, 2))] = str(speaker)
    return lookup


def _tokens(raw: object, speaker_of: dict[tuple[float, float], str]) -> list[_Token]:
    if not isinstance(raw, list):
        return []
    tokens = []
    for entry in raw:
        if not isinstance(entry, list) or len(entry) < 3 or not isinstance(entry[0], str):
            continue
        start, end = parse_seconds(entry[1]), parse_seconds(entry[2])
        key = (round(start, 2), round(end, 2)) if start is not None and end is not None else None
        speaker = speaker_of.get(key) if key is not None else None
        tokens.append(_Token(entry[0].strip(), start, end, speaker))
    return tokens


def _runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of consecutive tokens by the same speaker; an unlabelled token (a label
    lost to truncation) stays with the run it is in."""
    runs: list[list[_Token]] = []
    for token in tokens:
        if runs and token.speaker in (runs[-1][0].speaker, None):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _utterance(speaker: str, run: list[_Token]) -> Utterance | None:
    words = tuple(Word(t.text, t.start_s, t.end_s) for t in run if t.text and t.text != HESITATION)
    if not words:
        return None
    return Utterance(
        id="",
        speaker=speaker,
        text=" ".join(w.text for w in words),
        start_s=run[0].start_s,
        end_s=run[-1].end_s,
        words=words,
    )


def _without_hesitations(text: str) -> str:
    return clean_text(" ".join(t for t in text.split() if t != HESITATION))


SPEC = ReaderSpec(
    name="watson",
    description="IBM Watson Speech to Text JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
