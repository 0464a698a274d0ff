"""Dialog-act speed and memory for both tiers, then the MRDA evaluation table for both text
variants and tiers.

Speed: the validation meetings laid end to end as one long meeting (about 16,800 utterances,
nine hours of talk), classified once with each tier after loading, as the analysis classifies
them (`voiceshare.language.units.predict_by_units`): utterances per second, loading time apart,
and for the accurate tier how many went through the transformer, and in which precision
(`VOICESHARE_ACCURATE_PRECISION`, see `voiceshare.language.embeddings`). Then the same meeting again
as whole turns (each speaker's consecutive units joined into one utterance, as exports give
them; the analysis splits them into sentences again, or in raw text where the boundary model
finds a unit's end): turns per second. Raw utterances are also timed each read
whole (the raw path without the boundary model), for comparison in the same run. Last, the
whole report on the long meeting (`voiceshare.analysis.analyze`, with the tier it picks by
itself and the sentence embeddings answers and echoes need): utterances per second end to end.
Memory: the peak resident set size of this process after each step (the fast tier is measured
first).
Then `voiceshare eval acts` figures on the validation split with their baselines. Needs
../shared/data/mrda (or VOICESHARE_SHARED_DATA) and the `nlp` extra.

Usage: .venv/bin/python bench/bench_acts.py [--split val] [--skip-eval]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"fast": 5_000, "accurate": 1_000}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shifted(utterance: Any, meeting_id: str, offset_s: float) -> Any:
    """`utterance` moved `offset_s` later with its words, its id prefixed with its meeting's."""
    from voiceshare.model import Utterance, Word

    def later(time_s: float | None) -> float | None:
        return None if time_s is None else time_s + offset_s

    return Utterance(
        f"{meeting_id}:{utterance.id}",
        utterance.speaker,
        utterance.text,
        (utterance.start_s or 0.0) + offset_s,
        (utterance.end_s or 0.0) + offset_s,
        tuple(Word(w.text, later(w.start_s), later(w.end_s)) for w in utterance.words),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="val", choices=["train", "val"])
    parser.add_argument("--skip-eval", action="store_true", help="Only speed and memory.")
    args = parser.parse_args()
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    root = (Path(override) if override else REPO.parent / "shared" / "data") / "mrda"
    if not (root / "dadb").is_dir():
        print(f"needs the MRDA data at {root}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO / "src"))
    from voiceshare.analysis import analyze
    from voiceshare.evaluation.acts import evaluate, format_text, turns_of
    from voiceshare.evaluation.mrda import load_meeting, meeting_ids
    from voiceshare.language.acts import load_act_classifier
    from voiceshare.language.embeddings import use_bfloat16
    from voiceshare.language.units import predict_by_units
    from voiceshare.model import Meeting, Speaker, Utterance

    precision = "bfloat16" if use_bfloat16() else "float32"
    for punctuation in (True, False):
        long_meeting: list[Utterance] = []
        turns: list[Utterance] = []
        offset_s = 0.0
        first: Meeting | None = None
        for meeting_id in meeting_ids(root, args.split):
            meeting, gold = load_meeting(root, meeting_id, punctuation=punctuation)
            first = first or meeting
            turns += [
                shifted(turn, meeting_id, offset_s)
                for turn, _ in turns_of(meeting.utterances, gold)
            ]
            long_meeting += [shifted(u, meeting_id, offset_s) for u in meeting.utterances]
            offset_s += (meeting.end_s or 0.0) + 60.0
        hours = offset_s / 3600
        variant = "punctuated" if punctuation else "raw"
        print(f"{variant}: one meeting of {len(long_meeting):,} utterances ({hours:.1f} h)")
        for tier in ("fast", "accurate"):
            start = time.perf_counter()
            classifier = load_act_classifier(tier)
            loaded_s = time.perf_counter() - start
            embedded_before = classifier.embedded
            start = time.perf_counter()
            predict_by_units(classifier, long_meeting, punctuated=punctuation)
            elapsed = time.perf_counter() - start
            rate = len(long_meeting) / elapsed
            verdict = "meets" if rate >= TARGETS[tier] else "MISSES"
            embedded = classifier.embedded - embedded_before
            extra = (
                f", {embedded:,} through the transformer in {precision}"
                if tier == "accurate"
                else ""
            )
            print(
                f"  {tier:<9} {rate:>8,.0f} utterances/s ({verdict} {TARGETS[tier]:,}; "
                f"{elapsed:.1f} s, load {loaded_s:.1f} s{extra}), peak RSS {peak_rss_mb():,.0f} MB"
            )
            if not punctuation:
                # The same utterances each read whole: the raw path without the boundary model.
                embedded_before = classifier.embedded
                start = time.perf_counter()
                classifier.predict(long_meeting, punctuated=False)
                elapsed = time.perf_counter() - start
                embedded = classifier.embedded - embedded_before
                extra = f", {embedded:,} through the transformer" if tier == "accurate" else ""
                print(
                    f"  {'':<9} {len(long_meeting) / elapsed:>8,.0f} utterances/s each read "
                    f"whole, without the boundary model ({elapsed:.1f} s{extra})"
                )
            embedded_before = classifier.embedded
            start = time.perf_counter()
            predict_by_units(classifier, turns, punctuated=punctuation)
            elapsed = time.perf_counter() - start
            embedded = classifier.embedded - embedded_before
            extra = f", {embedded:,} units through the transformer" if tier == "accurate" else ""
            print(
                f"  {'':<9} {len(turns) / elapsed:>8,.0f} turns/s as {len(turns):,} whole turns "
                f"({elapsed:.1f} s{extra}), peak RSS {peak_rss_mb():,.0f} MB"
            )
        # The whole report as `voiceshare analyze` makes it, with the tier it picks by itself
        # (the accurate one when installed): speaking time, interruptions, dialog acts,
        # answers (with the embeddings they need), dismissals, credit and echoes.
        assert first is not None
        names = dict.fromkeys(u.speaker for u in long_meeting)
        whole = first.with_changes(
            id="validation",
            utterances=tuple(long_meeting),
            speakers=tuple(Speaker(name) for name in names),
        )
        start = time.perf_counter()
        report = analyze(whole)
        elapsed = time.perf_counter() - start
        rate = len(long_meeting) / elapsed
        verdict = "meets" if rate >= TARGETS["accurate"] else "MISSES"
        print(
            f"  {'analyze':<9} {rate:>8,.0f} utterances/s end to end, the whole report "
            f"({verdict} {TARGETS['accurate']:,}; {elapsed:.1f} s, "
            f"{load_act_classifier().tier} tier, {len(report.questions):,} questions, "
            f"{len(report.echoes):,} echoes), peak RSS {peak_rss_mb():,.0f} MB"
        )
    if args.skip_eval:
        return 0
    for punctuation in (True, False):
        for tier in ("fast", "accurate"):
            start = time.perf_counter()
            result = evaluate(root, split=args.split, punctuation=punctuation, tier=tier)
            print()
            print(format_text(result))
            print(f"({time.perf_counter() - start:.0f} s including the baselines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
