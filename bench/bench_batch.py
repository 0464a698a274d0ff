"""How well does `voiceshare batch` scale, what does the store cost, how fast is `trends`?

Builds 100 one-hour transcripts (CSV `speaker,start,end,text`) from the real ICSI/MRDA meetings
in ../shared/data (or VOICESHARE_SHARED_DATA) in a temporary folder: the meetings back to back,
cut into hours (a second pass renames the speakers so no file repeats). Then:

1. batch with --jobs 1 and --jobs 2 (each into a new SQLite store): the speedup
   (target: at least 1.7x; it needs 2 free CPUs);
2. the store's share of batch time: time spent looking files up and saving meetings, and the
   wall time of the same batch without a store (target: under 5%);
3. `trends` over 1,000 stored meetings (the 100 saved 10 times over under other hashes and
   dates): loading and rendering HTML, JSON and CSV, and the whole CLI command
   (target: under 2 s).

Usage: .venv/bin/python bench/bench_batch.py [--files 100] [--threads-per-worker 1] [--scaling-only]
       .venv/bin/python bench/bench_batch.py --trends-only   # fill the store once, time trends

With --threads-per-worker N, --jobs 1 and 2 are timed again with N PyTorch/BLAS threads in
every worker: by default one job already uses every CPU through PyTorch, which leaves a second
process little to gain, so this isolates how the process pool itself scales (with
--scaling-only, only that pair is timed). Every batch runs in a fresh process, cold, as a
`voiceshare batch` command would. The machine's own ceiling for two processes (a pure-Python
loop, a one-thread matrix product) is printed before and after the batches: a shared virtual
machine's second CPU is not always a whole one.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOUR_S = 3600.0


def shared_data() -> Path:
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def build_transcripts(folder: Path, count: int) -> list[Path]:
    """`count` one-hour CSV transcripts cut from the MRDA meetings played back to back."""
    from voiceshare.evaluation.mrda import load_meeting

    root = shared_data() / "mrda"
    ids = sorted(p.stem for p in (root / "dadb").glob("*.dadb"))
    meetings = [load_meeting(root, meeting_id)[0] for meeting_id in ids]
    files: list[Path] = []
    rows: list[list[object]] = []
    offset, rounds = 0.0, 0
    while len(files) < count:
        for meeting in meetings:
            for u in meeting.utterances:
                assert u.start_s is not None
                assert u.end_s is not None
                start = offset + u.start_s - len(files) * HOUR_S
                if start >= HOUR_S:
                    files.append(_write_hour(folder, len(files), rows))
                    rows = []
                    if len(files) == count:
                        return files
                    start -= HOUR_S
                speaker = u.speaker if rounds == 0 else f"{u.speaker}-{rounds}"
                rows.append(
                    [speaker, round(start, 3), round(start + (u.end_s - u.start_s), 3), u.text]
                )
            offset += meeting.end_s or 0.0
        rounds += 1
    return files


def _write_hour(folder: Path, number: int, rows: list[list[object]]) -> Path:
    date = dt.date(2001, 1, 1) + dt.timedelta(days=number)
    path = folder / f"{date.isoformat()}_hour{number:03d}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["speaker", "start", "end", "text"])
        writer.writerows(rows)
    return path


def timed_batch(
    files: list[Path], out: Path, jobs: int, store_url: str | None, threads: int | None = None
) -> tuple[float, float]:
    """Wall time of a batch and the time it spent in the store, run in a fresh process.

    Every batch starts cold, like a `voiceshare batch` command: each pays for importing
    PyTorch and loading its models (in this process, or in each worker), so an earlier run's
    warm models never flatter a later one."""
    # A ProcessPoolExecutor's process, unlike a Pool's, may start the batch's own workers.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as fresh:
        elapsed, store_s, parent, children = fresh.submit(
            _batch_in_this_process, files, out, jobs, store_url, threads
        ).result()
    print(
        f"  jobs {jobs}{'' if store_url else ', no store'}"
        f"{f', {threads} thread(s) per worker' if threads else ''}: wall {elapsed:.1f} s, CPU "
        f"{parent:.1f} s in the batch process + {children:.1f} s in workers"
        f"{f'; store {store_s:.2f} s ({100 * store_s / elapsed:.1f}%)' if store_url else ''}"
    )
    return elapsed, store_s


def _batch_in_this_process(
    files: list[Path], out: Path, jobs: int, store_url: str | None, threads: int | None
) -> tuple[float, float, float, float]:
    from voiceshare.batch import run_batch
    from voiceshare.store import Store

    store = Store.open(store_url) if store_url else None
    try:
        cpu_before = os.times()
        started = time.perf_counter()
        result = run_batch(files, out, store=store, jobs=jobs, threads_per_worker=threads)
        elapsed = time.perf_counter() - started
        cpu_after = os.times()
    finally:
        if store is not None:
            store.close()
    assert not result.failures, result.failures[0].error
    parent = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    children = (cpu_after.children_user + cpu_after.children_system) - (
        cpu_before.children_user + cpu_before.children_system
    )
    return elapsed, result.store_s, parent, children


def _python_loop(n: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i % 7
    return time.perf_counter() - started


def _matmul_loop(n: int) -> float:
    import torch

    torch.set_num_threads(1)
    a, w = torch.randn(2048, 384), torch.randn(1536, 384)
    started = time.perf_counter()
    for _ in range(n):
        a @ w.T
    return time.perf_counter() - started


def machine_ceiling() -> None:
    """How well this machine runs two processes at once, on work with nothing shared: a
    pure-Python loop and a single-threaded matrix product the size of the embedding model's
    (8 equal tasks in 1 process, then in 2). A batch cannot scale better than these."""
    context = multiprocessing.get_context("spawn")
    for name, task, size in (
        ("pure-Python loop", _python_loop, 4_000_000),
        ("1-thread matrix product", _matmul_loop, 60),
    ):
        walls = []
        for jobs in (1, 2):
            with context.Pool(jobs) as pool:
                pool.map(task, [1] * jobs)  # start-up and imports outside the timing
                started = time.perf_counter()
                pool.map(task, [size] * 8, chunksize=1)
                walls.append(time.perf_counter() - started)
        print(f"  machine ceiling, {name}: 1 process {walls[0]:.1f} s, 2 processes "
              f"{walls[1]:.1f} s, {walls[0] / walls[1]:.2f}x")  # fmt: skip


def fill_store(source_url: str, target_url: str, copies: int) -> int:
    """Save every meeting of `source_url` `copies` times into `target_url` (other hashes and
    dates), the way the batch saves them."""
    import sqlalchemy as sa

    from voiceshare.store import MeetingRecord, Store
    from voiceshare.store import tables as t

    with Store.open(source_url) as source, source.engine.connect() as connection:
        reports = [
            json.loads(text)
            for text in connection.scalars(sa.select(t.meeting_reports.c.report_json))
        ]
    with Store.open(target_url) as target:
        for copy in range(copies):
            for number, report in enumerate(reports):
                digest = hashlib.sha256(f"{copy}/{number}".encode()).hexdigest()
                target.save(
                    MeetingRecord(
                        content_hash=digest,
                        report=report,
                        report_json=json.dumps(report),
                        settings_hash="bench",
                        team="bench",
                        date=dt.date(2001, 1, 1) + dt.timedelta(days=copy * len(reports) + number),
                        date_origin="file name",
                    )
                )
        return target.meeting_count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--copies", type=int, default=10, help="trends store: meetings x copies")
    parser.add_argument(
        "--threads-per-worker",
        type=int,
        help="also time --jobs 1 and 2 with this many PyTorch/BLAS threads in every worker: "
        "process scaling alone (by default one job already uses every CPU through PyTorch)",
    )
    parser.add_argument("--scaling-only", action="store_true", help="skip store and trends")
    parser.add_argument(
        "--trends-only",
        action="store_true",
        help="one batch (--jobs 2) to fill the store, then time only `trends`",
    )
    args = parser.parse_args()
    if not (shared_data() / "mrda" / "dadb").is_dir():
        sys.exit(f"MRDA data not found under {shared_data()} (set VOICESHARE_SHARED_DATA)")

    with tempfile.TemporaryDirectory(prefix="voiceshare-bench-") as tmp:
        tmp_path = Path(tmp)
        inputs = tmp_path / "inputs"
        inputs.mkdir()
        started = time.perf_counter()
        files = build_transcripts(inputs, args.files)
        size_mb = sum(p.stat().st_size for p in files) / 2**20
        print(f"{len(files)} one-hour transcripts ({size_mb:.0f} MB) built in "
              f"{time.perf_counter() - started:.1f} s; {os.cpu_count()} CPUs")  # fmt: skip

        if args.trends_only:
            timed_batch(files, tmp_path / "out1", 2, f"sqlite:///{tmp_path}/1.db")
            time_trends(tmp_path, args.copies)
            return
        machine_ceiling()
        threads_only = bool(args.threads_per_worker and args.scaling_only)
        if not threads_only:
            one, one_store = timed_batch(files, tmp_path / "out1", 1, f"sqlite:///{tmp_path}/1.db")
            two, two_store = timed_batch(files, tmp_path / "out2", 2, f"sqlite:///{tmp_path}/2.db")
            print(f"batch --jobs 1: {one:.1f} s ({len(files) / one:.1f} files/s)")
            print(f"batch --jobs 2: {two:.1f} s ({len(files) / two:.1f} files/s)")
            print(f"speedup --jobs 2 over --jobs 1: {one / two:.2f}x (target >= 1.7x)")
        if args.threads_per_worker:
            n = args.threads_per_worker
            one_t, _ = timed_batch(files, tmp_path / "t1", 1, f"sqlite:///{tmp_path}/t1.db", n)
            two_t, _ = timed_batch(files, tmp_path / "t2", 2, f"sqlite:///{tmp_path}/t2.db", n)
            print(f"with {n} thread(s) per worker: --jobs 1 {one_t:.1f} s, --jobs 2 {two_t:.1f} s, "
                  f"speedup {one_t / two_t:.2f}x (target >= 1.7x)")  # fmt: skip
        machine_ceiling()
        if args.scaling_only:
            return
        bare, _ = timed_batch(files, tmp_path / "out3", 1, None)
        print(f"store time: {one_store:.2f} s of {one:.1f} s with --jobs 1 "
              f"({100 * one_store / one:.1f}%), {two_store:.2f} s of {two:.1f} s with --jobs 2 "
              f"({100 * two_store / two:.1f}%) (target < 5%)")  # fmt: skip
        print(f"same batch without a store (--jobs 1): {bare:.1f} s; with: {one:.1f} s "
              f"({100 * (one - bare) / bare:+.1f}%)")  # fmt: skip

        resumed, _ = timed_batch(files, tmp_path / "out1", 1, f"sqlite:///{tmp_path}/1.db")
        print(f"re-run over the stored batch (everything skipped): {resumed:.2f} s")
        time_trends(tmp_path, args.copies)


def time_trends(tmp_path: Path, copies: int) -> None:
    """`trends` over the batch's meetings (in `tmp_path`/1.db) saved `copies` times over."""
    big = f"sqlite:///{tmp_path}/big.db"
    started = time.perf_counter()
    count = fill_store(f"sqlite:///{tmp_path}/1.db", big, copies)
    print(f"{count} meetings stored for trends in {time.perf_counter() - started:.1f} s")

    from voiceshare.store import Store
    from voiceshare.trends import load_trends, write_trends

    started = time.perf_counter()
    with Store.open(big, create=False) as store:
        trends = load_trends(store)
    loaded = time.perf_counter() - started
    write_trends(trends, tmp_path / "trends", ("html", "json", "csv"))
    rendered = time.perf_counter() - started
    print(f"trends over {trends.meetings} meetings ({len(trends.people)} people, "
          f"{len(trends.watchlist)} on the watch list): loaded in {loaded:.2f} s, "
          f"with HTML+JSON+CSV written {rendered:.2f} s (target < 2 s)")  # fmt: skip
    exe = Path(sys.executable).with_name("voiceshare")
    started = time.perf_counter()
    subprocess.run(
        [str(exe), "trends", "--store", big, "-o", str(tmp_path / "trends-cli")],
        check=True, capture_output=True,
    )  # fmt: skip
    print(f"`voiceshare trends` command, start to finish: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
