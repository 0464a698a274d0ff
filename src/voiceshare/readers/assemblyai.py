"""AssemblyAI transcript JSON (`GET /v2/transcript/{id}`): `id`, `status`, `text`, `words`,
`audio_duration` (seconds) and, with `speaker_labels: true`, `utterances`.

All times in `utterances` and `words` are MILLISECONDS. Each of AssemblyAI's utterances is one
utterance; speaker letters become "Speaker A", "Speaker B" as AssemblyAI shows them. Without
`utterances`, words with speakers are grouped into runs by speaker; without speakers at all,
into sentences by one "Speaker 1", with a warning.
"""

from __future__ import annotations

from typing import Any

from voiceshare.model import Speaker, Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, clean_text, parse_seconds
from voiceshare.readers._source import Source

SINGLE_SPEAKER = "Speaker 1"
_SENTENCE_END = (".", "?", "!")
# Top-level keys of an AssemblyAI transcript; a file with several of them is one.
_KEYS = frozenset(
    {
        "audio_url",
        "audio_duration",
        "status",
        "utterances",
        "words",
        "speaker_labels",
        "language_code",
        "acoustic_model",
        "language_model",
        "punctuate",
        "format_text",
    }
)


def sniff(source: Source) -> float:
    data = source.json
    if not isinstance(data, dict) or "results" in data or "segments" in data:
        return 0.0
    found = _KEYS & data.keys()
    if len(found) < 3 or not ({"utterances", "words", "text"} & data.keys()):
        return 0.0
    return 0.95 if {"audio_url", "audio_duration"} & found else 0.7


def read(source: Source) -> Parsed:
    data = source.json
    if not isinstance(data, dict):
        raise source.fail("is not AssemblyAI JSON")
    status = data.get("status")
    if status == "error":
        raise source.fail(f"is a failed AssemblyAI transcript ({data.get('error') or 'no reason'})")
    if status in ("queued", "processing"):
        raise source.fail(f"is an AssemblyAI transcript that has not finished (status {status})")
    speakers: dict[str, Speaker] = {}
    identified = True
    raw_utterances = data.get("utterances")
    raw_words = _dicts(data.get("words"))
    if isinstance(raw_utterances, list) and raw_utterances:
        utterances = [
            u for raw in _dicts(raw_utterances) if (u := _utterance(raw, speakers)) is not None
        ]
    elif any(w.get("speaker") for w in raw_words):
        utterances = _runs(raw_words, speakers)
    else:
        identified = False
        source.warn(
            "the transcript has no speaker labels (AssemblyAI without speaker_labels); "
            f"everything is attributed to one speaker, {SINGLE_SPEAKER}, one utterance per sentence"
        )
        utterances = _sentences(raw_words, data.get("text"))
    return Parsed(
        utterances=utterances,
        speakers=tuple(speakers.values()),
        stated_duration_s=parse_seconds(data.get("audio_duration")),
        has_speaker_names=False,
        speakers_identified=identified,
        machine_diarized=identified,
    )


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _ms(value: object) -> float | None:
    milliseconds = parse_seconds(value)
    return None if milliseconds is None else round(milliseconds / 1000, 3)


def _speaker(code: object, speakers: dict[str, Speaker]) -> str:
    if code is None or isinstance(code, bool) or not str(code).strip():
        return SINGLE_SPEAKER
    code = str(code).strip()
    return speakers.setdefault(code, Speaker(f"Speaker {code}", label=code)).name


def _words(raws: list[dict[str, Any]]) -> tuple[Word, ...]:
    words = []
    for raw in raws:
        text = raw.get("text")
        if isinstance(text, str) and text.strip():
            words.append(Word(text.strip(), _ms(raw.get("start")), _ms(raw.get("end"))))
    return tuple(words)


def _utterance(raw: dict[str, Any], speakers: dict[str, Speaker]) -> Utterance | None:
    words = _words(_dicts(raw.get("words")))
    text = raw.get("text")
    text = clean_text(text) if isinstance(text, str) else ""
    text = text or " ".join(w.text for w in words)
    if not text:
        return None
    return Utterance(
        id="",
        speaker=_speaker(raw.get("speaker"), speakers),
        text=text,
        start_s=_ms(raw.get("start")),
        end_s=_ms(raw.get("end")),
        words=words,
    )


def _runs(raws: list[dict[str, Any]], speakers: dict[str, Speaker]) -> list[Utterance]:
    utterances = []
    run: list[dict[str, Any]] = []
    for raw in raws:
        if run and raw.get("speaker") not in (run[-1].get("speaker"), None):
            utterances.append(_run_utterance(run, _speaker(run[0].get("speaker"), speakers)))
            run = []
        run.append(raw)
    if run:
        utterances.append(_run_utterance(run, _speaker(run[0].get("speaker"), speakers)))
    return [u for u in utterances if u.text]


def _sentences(raws: list[dict[str, Any]], text: object) -> list[Utterance]:
    if not raws:
        whole = clean_text(text) if isinstance(text, str) else ""
        return [Utterance("", SINGLE_SPEAKER, whole)] if whole else []
    utterances = []
    run: list[dict[str, Any]] = []
    for raw in raws:
        run.append(raw)
        word = raw.get("text")
        if isinstance(word, str) and word.strip().endswith(_SENTENCE_END):
            utterances.append(_run_utterance(run, SINGLE_SPEAKER))
            run = []
    if run:
        utterances.append(_run_utterance(run, SINGLE_SPEAKER))
    return [u for u in utterances if u.text]


def _run_utterance(run: list[dict[str, Any]], speaker: str) -> Utterance:
    words = _words(run)
    return Utterance(
        id="",
        speaker=speaker,
        text=" ".join(w.text for w in words),
        start_s=words[0].start_s if words else None,
        end_s=words[-1].end_s if words else None,
        words=words,
    )


SPEC = ReaderSpec(
    name="assemblyai",
    description="AssemblyAI transcript JSON",
    extensions=("json",),
    sniff=sniff,
    read=read,
)
