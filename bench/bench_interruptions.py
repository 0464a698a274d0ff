"""Interruption detection on the MRDA validation split, both text variants, with baselines.

Prints precision, recall and F1 with punctuation and cut-off marks (like human or modern ASR
transcripts) and without (raw ASR), next to the two simple baselines run on the same meetings,
and the time the evaluation took. Needs ../shared/data/mrda (or VOICESHARE_SHARED_DATA).

Usage: .venv/bin/python bench/bench_interruptions.py [--split val]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="val", choices=["train", "val"])
    args = parser.parse_args()
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    root = (Path(override) if override else REPO.parent / "shared" / "data") / "mrda"
    if not (root / "dadb").is_dir():
        print(f"needs the MRDA data at {root}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO / "src"))
    from voiceshare.evaluation.interruptions import evaluate, format_text

    targets = {True: 0.65, False: 0.45}
    for punctuation in (True, False):
        start = time.perf_counter()
        result = evaluate(root, split=args.split, punctuation=punctuation)
        elapsed = time.perf_counter() - start
        print(format_text(result))
        verdict = "meets" if result.voiceshare.f1 >= targets[punctuation] else "MISSES"
        print(
            f"F1 {result.voiceshare.f1:.3f} {verdict} the target {targets[punctuation]:.2f}; "
            f"{result.units / elapsed:,.0f} units/s including loading ({elapsed:.1f} s)\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
