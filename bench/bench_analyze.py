"""How fast is `analyze` on a long meeting? Prints utterances per second and peak memory.

Also times the interruption analysis against the metrics-only run (target: it adds at most
20%). Builds a 3-hour Teams-style WebVTT transcript (overlapping cues kept) from the real
ICSI/MRDA meetings in ../shared/data (or VOICESHARE_SHARED_DATA), back to back, then times each
stage: reading the file, the speaking-time metrics, rendering JSON and Markdown, and the whole
CLI command. Target for the metrics of the core issue: at least 20,000 utterances/s.

Usage: .venv/bin/python bench/bench_analyze.py [--hours 3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def clock(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def build_long_meeting(target_s: float) -> str:
    """WebVTT text of MRDA meetings played back to back until `target_s` seconds."""
    cues: list[str] = []
    offset = 0.0
    for dadb in sorted((shared_data() / "mrda" / "dadb").glob("*.dadb")):
        end_of_meeting = 0.0
        with dadb.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                start, end, words, speaker = float(row[0]), float(row[1]), row[4], row[7]
                text = " ".join(part.split("+", 2)[2] for part in words.split("|") if part)
                if not text:
                    continue
                absolute = offset + start
                if absolute >= target_s:
                    return "WEBVTT\n\n" + "\n".join(cues)
                cues.append(
                    f"{len(cues) + 1}\n{clock(absolute)} --> {clock(offset + end)}\n"
                    f"<v {dadb.stem}-{speaker[-3:]}>{text}</v>\n"
                )
                end_of_meeting = max(end_of_meeting, end)
        offset += end_of_meeting
    return "WEBVTT\n\n" + "\n".join(cues)


def best_of(repeat: int, function, *args):  # type: ignore[no-untyped-def]
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (shared_data() / "mrda" / "dadb").is_dir():
        print(f"needs the MRDA data at {shared_data() / 'mrda' / 'dadb'}", file=sys.stderr)
        return 2

    sys.path.insert(0, str(REPO / "src"))
    from voiceshare.analysis import analyze
    from voiceshare.metrics.interruptions import analyze_interruptions
    from voiceshare.metrics.speaking import measure_speaking
    from voiceshare.readers import read_meeting
    from voiceshare.report.markdown import render_markdown
    from voiceshare.report.render import render_json

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "three_hours.vtt"
        path.write_text(build_long_meeting(args.hours * 3600), encoding="utf-8")
        size_mb = path.stat().st_size / 2**20

        read_s, meeting = best_of(args.repeat, read_meeting, path)
        n = len(meeting.utterances)
        metrics_s, speaking = best_of(args.repeat, measure_speaking, meeting)
        interruptions_s, found = best_of(
            args.repeat,
            analyze_interruptions,
            speaking.ordered,
            speaking.backchannel_ids,
            meeting.is_timed,
        )
        analyze_s, report = best_of(args.repeat, analyze, meeting)
        json_s, _ = best_of(args.repeat, render_json, report)
        md_s, _ = best_of(args.repeat, render_markdown, report)

        tracemalloc.start()
        analyze(read_meeting(path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        exe = Path(sys.executable).with_name("voiceshare")
        start = time.perf_counter()
        subprocess.run(
            [str(exe), "analyze", str(path), "-o", folder, "--format", "json,md"],
            check=True,
            capture_output=True,
        )
        cli_s = time.perf_counter() - start
        child_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(
        f"meeting: {meeting.duration_s / 3600:.2f} h, {n} utterances, "
        f"{len(meeting.speakers)} speakers, {size_mb:.1f} MB WebVTT"
    )
    print(f"{'stage':<28}{'seconds':>10}{'utterances/s':>16}")
    for stage, seconds in (
        ("read (WebVTT)", read_s),
        ("speaking-time metrics", metrics_s),
        ("interruption analysis", interruptions_s),
        ("analyze (metrics + report)", analyze_s),
        ("render JSON", json_s),
        ("render Markdown", md_s),
        ("CLI end to end", cli_s),
    ):
        print(f"{stage:<28}{seconds:>10.3f}{n / seconds:>16,.0f}")
    print(
        f"peak Python memory (read + analyze): {peak / 2**20:.1f} MB; "
        f"CLI process max RSS: {child_rss_mb:.0f} MB"
    )
    print(
        f"interruptions found: {len(found.interruptions)}; the analysis adds "
        f"{interruptions_s / metrics_s:.0%} to the metrics stage alone and "
        f"{interruptions_s / (cli_s - interruptions_s):.0%} to the end-to-end analyze run "
        "(target: at most 20%)"
    )
    target = 20_000
    verdict = "meets" if n / metrics_s >= target else "MISSES"
    print(f"metrics: {n / metrics_s:,.0f} utterances/s {verdict} the {target:,}/s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
