"""The meeting a recording gives: diarized speaker turns, with the transcribed words if any.

Each word goes to the turn(s) it lies in. Where two speakers' turns overlap, a word in the overlap
is kept in both speakers' utterances rather than forced onto one of them: Whisper usually
transcribes one voice of two, and the diarizer cannot say whose it was, so guessing would take
words away from whoever was talked over. Pure Python: a sort and a sweep, so a three-hour meeting
(tens of thousands of words) is assigned in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from voiceshare.audio.turns import Diarization, SpeakerTurn
from voiceshare.model import UNIDENTIFIED_SPEAKER, Meeting, Utterance, Word, speakers_in_order

# A word outside every turn goes to the nearest turn when it is at most this far from it; a word
# further from all turns is speech the diarizer did not attribute to anyone.
NEAREST_TURN_S = 1.0
# Consecutive unattributed words closer than this form one utterance of the unidentified speaker.
UNATTRIBUTED_GAP_S = 1.0


def meeting_from_diarization(
    diarization: Diarization,
    words: Sequence[Word] | None,
    *,
    id: str,
    title: str,
    source: str | None,
    date: dt.date | None = None,
) -> Meeting:
    """A `Meeting` with one utterance per speaker turn, holding the words spoken in it.

    `words` is None when the recording was not transcribed: the utterances then carry times and
    no text. A word goes to the turn that contains its midpoint; when turns of several speakers
    contain it (overlapping speech) it goes to each of them. A word whose midpoint is in no turn
    goes to the turn it overlaps most, else to the nearest turn within `NEAREST_TURN_S`, else to
    `UNIDENTIFIED_SPEAKER`. Words without times cannot be placed and are left out (with a
    warning)."""
    turns = sorted(turn for turn in diarization.turns if turn.end_s > turn.start_s)
    warnings = list(diarization.warnings)
    if not diarization.overlap_detected:
        warnings.append(
            f"the speaker detection ({diarization.backend}) gives one speaker at each moment, so "
            "when people talk at the same time only one of them is counted: overlapping speech "
            "and interruptions that overlap are under-counted"
        )
    if words is None:
        warnings.append("the recording was not transcribed: speaker timings only, no words")
        utterances = [Utterance("", t.speaker, "", t.start_s, t.end_s) for t in turns]
    else:
        timed = sorted(
            (w for w in words if w.start_s is not None and w.text.strip()),
            key=lambda w: (w.start_s, _end(w)),
        )
        untimed = sum(1 for w in words if w.start_s is None and w.text.strip())
        if untimed:
            warnings.append(f"{untimed} transcribed words had no times and were left out")
        if not timed:
            warnings.append("the transcription found no words in the recording")
        utterances = _utterances_with_words(turns, timed)
    if not utterances:
        warnings.append("no speech was found in the recording")
    ordered = sorted(utterances, key=lambda u: (u.start_s, u.end_s, u.speaker))
    numbered = tuple(
        Utterance(str(n), u.speaker, u.text, u.start_s, u.end_s, u.words)
        for n, u in enumerate(ordered, start=1)
    )
    return Meeting(
        id=id,
        title=title,
        speakers=speakers_in_order(numbered),
        utterances=numbered,
        source=source,
        date=date,
        stated_duration_s=diarization.duration_s,
        format="audio",
        warnings=tuple(dict.fromkeys(warnings)),
        metadata={
            "format": "audio",
            "diarization": diarization.backend,
            "overlap": "detected" if diarization.overlap_detected else "not detected",
            "words": "none" if words is None else "transcribed",
        },
    )


def _end(word: Word) -> float:
    """The word's end, or its start when it has no end (a point in time)."""
    assert word.start_s is not None
    return word.end_s if word.end_s is not None and word.end_s >= word.start_s else word.start_s


def _utterances_with_words(turns: list[SpeakerTurn], words: list[Word]) -> list[Utterance]:
    per_turn: list[list[Word]] = [[] for _ in turns]
    unattributed: list[Word] = []
    for word, targets in zip(words, _assign(turns, words), strict=True):
        for index in targets:
            per_turn[index].append(word)
        if not targets:
            unattributed.append(word)
    # Turns where Whisper recognised nothing are kept as text-less utterances: the diarizer heard
    # speech there (a short "mm-hm", a voice under someone else's, words Whisper skipped), and the
    # speaking-time and interruption metrics count times, not text. Dropping them would take
    # speaking time away from exactly the quiet and talked-over people the report is about; an
    # empty text adds nothing to the language analyses.
    utterances = [
        Utterance("", turn.speaker, _join(found), turn.start_s, turn.end_s, tuple(found))
        for turn, found in zip(turns, per_turn, strict=True)
    ]
    utterances.extend(_unattributed_utterances(unattributed))
    return utterances


def _join(words: Sequence[Word]) -> str:
    return " ".join(w.text.strip() for w in words)


def _unattributed_utterances(words: list[Word]) -> list[Utterance]:
    groups: list[list[Word]] = []
    for word in words:
        assert word.start_s is not None
        if groups and word.start_s - _end(groups[-1][-1]) <= UNATTRIBUTED_GAP_S:
            groups[-1].append(word)
        else:
            groups.append([word])
    return [
        Utterance(
            "",
            UNIDENTIFIED_SPEAKER,
            _join(group),
            group[0].start_s,
            max(_end(w) for w in group),
            tuple(group),
        )
        for group in groups
    ]


def _assign(turns: list[SpeakerTurn], words: list[Word]) -> list[tuple[int, ...]]:
    """For each word, the indices (into `turns`, sorted by start) of the turns it belongs to;
    empty when it belongs to none. A sweep over word midpoints keeps the turns open at each
    midpoint in a heap keyed by end, so the whole assignment is O((turns + words) log turns)."""
    spans = []
    for word in words:
        assert word.start_s is not None
        spans.append((word.start_s, _end(word)))
    starts = [turn.start_s for turn in turns]
    by_end = sorted(range(len(turns)), key=lambda j: turns[j].end_s)
    ends = [turns[j].end_s for j in by_end]
    result: list[tuple[int, ...]] = [()] * len(words)
    open_turns: list[tuple[float, int]] = []  # (end, index), turns started before the midpoint
    next_turn = 0
    for i in sorted(range(len(words)), key=lambda i: spans[i][0] + spans[i][1]):
        start, end = spans[i]
        middle = (start + end) / 2
        while next_turn < len(turns) and turns[next_turn].start_s <= middle:
            heapq.heappush(open_turns, (turns[next_turn].end_s, next_turn))
            next_turn += 1
        while open_turns and open_turns[0][0] <= middle:
            heapq.heappop(open_turns)
        if open_turns:
            result[i] = _holders(turns, [j for _, j in open_turns], start, end)
            continue
        # No turn holds the midpoint: the turns overlapping or near the word start or end within
        # NEAREST_TURN_S of it (a turn spanning the whole word would hold its midpoint).
        low, high = start - NEAREST_TURN_S, end + NEAREST_TURN_S
        near = set(range(bisect_left(starts, low), bisect_right(starts, high)))
        near.update(by_end[k] for k in range(bisect_left(ends, low), bisect_right(ends, high)))
        best = min(
            near,
            key=lambda j: (
                -_overlap(turns[j], start, end),
                _gap(turns[j], start, end),
                turns[j].start_s,
                j,
            ),
            default=None,
        )
        if best is not None and _gap(turns[best], start, end) <= NEAREST_TURN_S:
            result[i] = (best,)
    return result


def _holders(
    turns: list[SpeakerTurn], open_turns: list[int], start: float, end: float
) -> tuple[int, ...]:
    """One turn per speaker among the turns holding the word's midpoint: that speaker's turn
    overlapping the word most (a speaker's own turns may overlap after relabelling)."""
    chosen: dict[str, int] = {}
    for j in sorted(open_turns):
        speaker = turns[j].speaker
        if speaker not in chosen or _overlap(turns[j], start, end) > _overlap(
            turns[chosen[speaker]], start, end
        ):
            chosen[speaker] = j
    return tuple(sorted(chosen.values()))


def _overlap(turn: SpeakerTurn, start: float, end: float) -> float:
    return max(0.0, min(turn.end_s, end) - max(turn.start_s, start))


def _gap(turn: SpeakerTurn, start: float, end: float) -> float:
    return max(0.0, turn.start_s - end, start - turn.end_s)
