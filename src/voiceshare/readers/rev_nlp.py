"""Rev `.nlp` token files (earnings21 references, Rev and Amazon outputs converted by Rev's tools).

One token a line, pipe-separated, under a header naming the columns:
`token|speaker|ts|endTs|punctuation|case|tags[|wer_tags]`. References have no times; ASR outputs
have `ts`/`endTs` in seconds. Speakers are integers, so they become "Speaker N".
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceshare.model import Utterance, Word
from voiceshare.readers._base import Parsed, ReaderSpec, speaker_label
from voiceshare.readers._source import Source

_REQUIRED = ("token", "speaker")


@dataclass
class _Run:
    """Consecutive tokens by one speaker: one utterance."""

    speaker: str
    words: list[Word]


def sniff(source: Source) -> float:
    header = _header(source.head)
    if header[:2] == ["token", "speaker"]:
        return 1.0
    if set(_REQUIRED) <= set(header) and {"ts", "endts"} <= set(header):
        return 0.9
    return 0.0


def _header(text: str) -> list[str]:
    first = text.lstrip().split("\n", 1)[0]
    if "|" not in first:
        return []
    return [cell.strip().lower() for cell in first.split("|")]


def read(source: Source) -> Parsed:
    lines = source.text.strip().split("\n")
    header = _header(lines[0])
    if not set(_REQUIRED) <= set(header):
        raise source.fail(
            "is not a Rev .nlp file: its first line must name the columns `token|speaker|...`"
        )
    column = {name: index for index, name in enumerate(header)}
    token_at, speaker_at = column["token"], column["speaker"]
    start_at, end_at = column.get("ts"), column.get("endts")
    punct_at = column.get("punctuation")

    runs: list[_Run] = []
    timed = False
    last_number = len(lines)
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("|")
        if len(cells) < len(header):
            if number == last_number:
                source.warn(f"the last line ({number}) is cut off and was dropped")
                break
            raise source.fail(
                f"line {number} has {len(cells)} columns where the header names {len(header)}"
            )
        token = cells[token_at].strip()
        raw_speaker = cells[speaker_at].strip()
        punctuation = _cell(cells, punct_at)
        if not token:
            # An empty token still closes the sentence it ends (earnings21 has a few).
            if punctuation and runs:
                last = runs[-1].words[-1]
                runs[-1].words[-1] = Word(last.text + punctuation, last.start_s, last.end_s)
            continue
        start_s = _time(source, cells, start_at, number)
        end_s = _time(source, cells, end_at, number)
        timed = timed or start_s is not None
        word = Word(token + punctuation, start_s, end_s)
        speaker = speaker_label(raw_speaker) if raw_speaker else "Unidentified speaker"
        if runs and runs[-1].speaker == speaker:
            runs[-1].words.append(word)
        else:
            runs.append(_Run(speaker, [word]))

    utterances = [_utterance(run, timed) for run in runs]
    # Word times come from a speech recogniser (references have none), and so do its speakers.
    return Parsed(utterances=utterances, has_speaker_names=False, machine_diarized=timed)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _time(source: Source, cells: list[str], index: int | None, number: int) -> float | None:
    value = _cell(cells, index)
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        # One mistyped time should not cost the whole transcript: drop it and say so once.
        if not any(w.startswith("a token time is not a number") for w in source.warnings):
            source.warn(
                f"a token time is not a number ({value!r} on line {number}); such times are ignored"
            )
        return None


def _utterance(run: _Run, timed: bool) -> Utterance:
    starts = [w.start_s for w in run.words if w.start_s is not None]
    ends = [w.end_s for w in run.words if w.end_s is not None]
    return Utterance(
        id="",
        speaker=run.speaker,
        text=" ".join(w.text for w in run.words),
        start_s=starts[0] if starts else None,
        end_s=ends[-1] if ends else None,
        words=tuple(run.words) if timed else (),
    )


SPEC = ReaderSpec(
    name="rev-nlp",
    description="Rev .nlp token file (token|speaker|ts|endTs|punctuation|...)",
    extensions=("nlp",),
    sniff=sniff,
    read=read,
)
