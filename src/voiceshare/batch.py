"""Batch analysis: many files, in parallel processes, resumable, into report files and the store.

`run_batch` reads and analyses each file exactly as `voiceshare analyze` does
(`pipeline.report_for_file`), writes the same report files, saves each meeting to the store in
its own transaction, and writes an index of all the meetings (`index.html`, `index.csv`).

- Parallel: a process pool of `jobs` workers, or the workers of a Dask cluster (`scheduler`:
  files are shipped to them as bytes). Heavy models (diarization, language analysis) load
  once per worker process and serve every file it gets.
- Resumable: a file whose content (SHA-256) is already stored with the same settings, and whose
  reports are still in the output folder, is skipped. Files are saved one at a time, so an
  interrupted batch loses at most the meetings in flight.
- One bad file never stops the rest: it becomes a failed outcome with one sentence.
- Library code never prints: progress goes to a callback, the CLI draws it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from voiceshare.errors import VoiceshareError
from voiceshare.files import write_atomic
from voiceshare.metrics.speaking import name_key
from voiceshare.pipeline import Options
from voiceshare.store import MeetingRecord, Store, StoredMeeting

Status = Literal["analysed", "unchanged", "failed"]

# Report file stems the batch keeps for itself (the index of the meetings).
INDEX_STEM = "index"
# In a speaker map, `<file name or stem>::<alias>` applies to that file only
# ("SPEAKER_02 in meeting X").
SCOPE_SEPARATOR = "::"
# Files in flight per worker: enough to keep every worker busy, few enough that a worker
# process dying takes only a handful of files with it.
_IN_FLIGHT_PER_JOB = 2
_SUMMARY_KEYS = (
    "schema_version", "generator", "meeting", "speakers", "balance", "analyses", "pseudonymised",
)  # fmt: skip


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one input file, with what the index shows about its meeting."""

    path: Path
    status: Status
    error: str | None = None
    stem: str | None = None
    written: tuple[Path, ...] = ()
    warnings: tuple[str, ...] = ()
    title: str | None = None
    team: str | None = None
    date: dt.date | None = None
    date_origin: str | None = None
    duration_s: float | None = None
    present: int | None = None
    gini: float | None = None
    quiet_voices: int | None = None


@dataclass(frozen=True)
class BatchProgress:
    """Sent to the progress callback after each file: `done` of `total`, and the outcome."""

    done: int
    total: int
    outcome: FileOutcome


ProgressCallback = Callable[[BatchProgress], None]


@dataclass(frozen=True)
class BatchResult:
    """Every file's outcome in input order, the index files, and where the time went."""

    outcomes: tuple[FileOutcome, ...]
    index_files: tuple[Path, ...]
    elapsed_s: float
    # Time spent in the store (looking files up and saving meetings), in the parent process.
    store_s: float

    @property
    def failures(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "failed")

    @property
    def analysed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "analysed")

    @property
    def unchanged(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "unchanged")


@dataclass(frozen=True)
class BatchSettings:
    """What every worker needs, sent to each worker process once."""

    options: Options
    formats: tuple[str, ...]
    # CPU threads each worker's numeric libraries may use, so that parallel workers share the
    # machine instead of each taking every core (None: the library default).
    threads_per_worker: int | None = None


@dataclass(frozen=True)
class Analysed:
    """A worker's result for one file: the rendered reports and what the store keeps."""

    stem: str
    rendered: tuple[tuple[str, str], ...]  # (extension, text)
    summary: dict[str, Any]  # the `_SUMMARY_KEYS` of the report's JSON
    report_json: str
    date: dt.date | None
    date_origin: str | None
    labels: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Failed:
    """A worker's result for a file it could not analyse: one sentence naming the file."""

    message: str


# -- identity ---------------------------------------------------------------------------------


def speaker_map_for(path: Path, mapping: Mapping[str, str] | None) -> dict[str, str] | None:
    """The alias map for one file: the map's general entries, plus its `<file>::<alias>`
    entries for this file (by file name or stem, any case), which take precedence."""
    if not mapping:
        return None
    names = {name_key(path.name), name_key(path.stem)}
    general: dict[str, str] = {}
    scoped: dict[str, str] = {}
    for key, person in mapping.items():
        scope, separator, alias = key.rpartition(SCOPE_SEPARATOR)
        if not separator:
            general[key] = person
        elif name_key(scope) in names and alias.strip():
            scoped[name_key(alias)] = person
    return {**general, **scoped} or None


def options_for(path: Path, options: Options) -> Options:
    """`options` with the speaker map narrowed to `path` (see `speaker_map_for`)."""
    return replace(options, speaker_map=speaker_map_for(path, options.speaker_map))


def settings_hash(options: Options, team: str | None) -> str:
    """A fingerprint of everything besides the file that shapes a stored meeting."""
    settings = {
        "attendees": sorted(name_key(a) for a in options.attendees),
        "speaker_map": sorted((options.speaker_map or {}).items()),
        "pseudonymise": options.hides_names,
        # The key itself is a secret: only a digest of it goes into the fingerprint.
        "pseudonym_key": hashlib.sha256((options.pseudonym_key or "").encode()).hexdigest(),
        "input_format": options.input_format,
        "team": team,
    }
    if options.audio is not None:  # recordings: how they were diarized shapes the meeting
        settings["audio"] = repr(options.audio)
    if options.title or options.source_name:
        settings["names"] = [options.title, options.source_name]
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


# -- the worker -------------------------------------------------------------------------------

_settings: BatchSettings | None = None


def init_worker(settings: BatchSettings) -> None:
    """Run once in each worker process before any file: keeps the settings, and is where
    heavy models will be loaded once per process and reused for every meeting."""
    global _settings
    _settings = settings
    if settings.threads_per_worker:
        # Read by PyTorch and BLAS when they are first imported, which happens after this.
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[variable] = str(settings.threads_per_worker)
        if "torch" in sys.modules:  # one job runs in this process, where torch may be loaded
            sys.modules["torch"].set_num_threads(settings.threads_per_worker)


def analyse_file(
    path: Path,
    stage_progress: Callable[[str, float], None] | None = None,
    source_name: str | None = None,
    settings: BatchSettings | None = None,
) -> Analysed | Failed:
    """Read, analyse and render one file (in a worker process). Never raises for bad input.
    `source_name`: the file's real name when `path` is a copy (see `Options.source_name`).
    `settings`: instead of the process's own (`init_worker`), e.g. in a Dask worker's
    threads, which may serve several batches at once."""
    from voiceshare.pipeline import output_stem, report_for_file
    from voiceshare.report.render import RENDERERS

    settings = settings or _settings
    if settings is None:
        raise RuntimeError("init_worker() was not run in this process")
    options = options_for(path, settings.options)
    if source_name is not None:
        options = replace(options, source_name=source_name)
    try:
        meeting, report = report_for_file(path, options, stage_progress)
        rendered = tuple(
            (RENDERERS[name].extension, RENDERERS[name].render(report)) for name in settings.formats
        )
        document = report.to_dict()
        report_json = json.dumps(
            document, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
    except VoiceshareError as exc:
        message = str(exc)
        return Failed(message if str(path) in message else f"{path}: {message}")
    except Exception as exc:  # a bug on one file must not stop the others
        if os.environ.get("VOICESHARE_DEBUG"):
            raise
        return Failed(
            f"{path}: internal error ({type(exc).__name__}: {exc}); please report it "
            "(VOICESHARE_DEBUG=1 shows the traceback)."
        )
    date, origin = meeting.date, meeting.metadata.get("date_origin")
    if date is None:
        date, origin = _modified_date(path), "file modified"
    labels = {s.name: s.label for s in meeting.speakers if s.label and s.label != s.name}
    aliases: dict[str, tuple[str, ...]] = {}
    # An alias file names real people: a pseudonymised store must not learn them.
    if options.speaker_map and not options.hides_names:
        for speaker in meeting.speakers:
            declared = tuple(
                alias
                for alias, person in options.speaker_map.items()
                if person == speaker.name and alias != name_key(speaker.name)
            )
            if declared:
                aliases[speaker.name] = declared
    return Analysed(
        stem=output_stem(path, meeting, options),
        rendered=rendered,
        summary={key: document[key] for key in _SUMMARY_KEYS},
        report_json=report_json,
        date=date,
        date_origin=origin,
        labels={} if options.hides_names else labels,
        aliases=aliases,
        warnings=meeting.warnings,
    )


def _modified_date(path: Path) -> dt.date | None:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except (OSError, OverflowError, ValueError):
        return None


# -- the batch --------------------------------------------------------------------------------


@dataclass
class _Item:
    index: int
    path: Path
    content_hash: str
    settings_hash: str


@dataclass
class _Run:
    """The parent's bookkeeping while a batch runs."""

    outdir: Path
    extensions: tuple[str, ...]
    store: Store | None
    team: str | None
    progress: ProgressCallback | None
    total: int
    outcomes: dict[int, FileOutcome] = field(default_factory=dict)
    used_stems: set[str] = field(default_factory=lambda: {INDEX_STEM})
    store_s: float = 0.0

    def record(self, index: int, outcome: FileOutcome) -> None:
        self.outcomes[index] = outcome
        if self.progress is not None:
            self.progress(BatchProgress(len(self.outcomes), self.total, outcome))


def run_batch(
    inputs: Iterable[Path],
    outdir: Path,
    *,
    formats: str = "json,md",
    options: Options | None = None,
    store: Store | None = None,
    team: str | None = None,
    jobs: int = 1,
    force: bool = False,
    progress: ProgressCallback | None = None,
    threads_per_worker: int | None = None,
    stage_progress: Callable[[str, float], None] | None = None,
    scheduler: str | None = None,
) -> BatchResult:
    """Analyse every file of `inputs` into `outdir` and `store` (see the module docstring).

    `jobs` worker processes analyse in parallel (1: in this process), each with
    `threads_per_worker` CPU threads for PyTorch and BLAS (default: the CPUs shared out among
    the workers; with one job, the libraries' own default). With `scheduler` (a Dask
    scheduler's address), the cluster's workers analyse instead and `jobs` is ignored (see
    `_run_dask`). With `force`, files already stored
    are analysed again. `stage_progress(stage, fraction)` follows the slow stages of a
    recording (diarizing, transcribing) when the files are analysed in this process (one job).
    Raises `ConfigError` for an unknown format and `StoreError` when the store fails; a bad
    file is a failed outcome, never an exception.
    """
    from voiceshare.readers import Source
    from voiceshare.report.render import parse_formats

    started = time.perf_counter()
    renderers = parse_formats(formats)
    options = options or Options()
    files = list(inputs)
    run = _Run(
        outdir=outdir,
        extensions=tuple(r.extension for r in renderers),
        store=store,
        team=team,
        progress=progress,
        total=len(files),
    )

    items: list[_Item] = []
    for index, path in enumerate(files):
        try:
            digest = hashlib.sha256(Source.from_path(path).data).hexdigest()
        except VoiceshareError as exc:
            run.record(index, FileOutcome(path, "failed", error=str(exc)))
            continue
        items.append(_Item(index, path, digest, settings_hash(options_for(path, options), team)))

    stored: dict[str, StoredMeeting] = {}
    if store is not None and not force:
        lookup_started = time.perf_counter()
        stored = store.stored(item.content_hash for item in items)
        run.store_s += time.perf_counter() - lookup_started
    todo: list[_Item] = []
    for item in items:
        previous = stored.get(item.content_hash)
        if previous is not None and _still_there(previous, item, run):
            assert previous.report_stem is not None
            run.used_stems.add(previous.report_stem)
            run.record(item.index, _unchanged(item.path, previous, run))
        else:
            todo.append(item)

    threads = threads_per_worker
    if threads is None and jobs > 1:
        threads = max(1, (os.cpu_count() or 1) // jobs)
    settings = BatchSettings(options, tuple(r.name for r in renderers), threads)
    if scheduler is not None:
        _run_dask(run, todo, replace(settings, threads_per_worker=None), scheduler)
    elif jobs <= 1 or len(todo) <= 1:
        init_worker(settings)
        for item in todo:
            _finish(run, item, analyse_file(item.path, stage_progress))
    else:
        _run_pool(run, todo, settings, jobs)

    outcomes = tuple(run.outcomes[i] for i in range(len(files)))
    index_files = write_index(outdir, outcomes)
    return BatchResult(outcomes, index_files, time.perf_counter() - started, run.store_s)


def _still_there(previous: StoredMeeting, item: _Item, run: _Run) -> bool:
    """Stored with the same settings, and its reports are still in the output folder."""
    if previous.settings_hash != item.settings_hash or not previous.report_stem:
        return False
    stem = previous.report_stem
    if stem in run.used_stems:
        return False
    return all((run.outdir / f"{stem}.{ext}").is_file() for ext in run.extensions)


def _unchanged(path: Path, previous: StoredMeeting, run: _Run) -> FileOutcome:
    stem = previous.report_stem
    return FileOutcome(
        path,
        "unchanged",
        stem=stem,
        written=tuple(run.outdir / f"{stem}.{ext}" for ext in run.extensions),
        title=previous.title,
        team=previous.team,
        date=previous.date,
        date_origin=previous.date_origin,
        duration_s=previous.duration_s,
        present=previous.present,
        gini=previous.gini,
        quiet_voices=previous.quiet_voices,
    )


def _run_pool(run: _Run, todo: list[_Item], settings: BatchSettings, jobs: int) -> None:
    """Analyse `todo` in `jobs` worker processes, saving each result as it arrives."""
    # `spawn` starts clean workers: no copied locks or threads, and the same on every OS.
    context = multiprocessing.get_context("spawn")

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=init_worker, initargs=(settings,)
        )

    pending = deque(todo)
    in_flight: dict[Future[Analysed | Failed], _Item] = {}
    pool = new_pool()
    try:
        while pending or in_flight:
            while pending and len(in_flight) < jobs * _IN_FLIGHT_PER_JOB:
                item = pending.popleft()
                in_flight[pool.submit(analyse_file, item.path)] = item
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                item = in_flight.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    result = _worker_died(item.path)
                _finish(run, item, result)
            if broken:
                # Every file the dead pool held is lost with it; the rest go to a new pool.
                for item in in_flight.values():
                    _finish(run, item, _worker_died(item.path))
                in_flight.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_died(path: Path) -> Failed:
    return Failed(
        f"{path}: the worker process analysing it stopped unexpectedly (out of memory?); "
        "run the batch again to retry it."
    )


# -- on a Dask cluster -------------------------------------------------------------------------

# Seconds to wait for the scheduler to answer before saying it cannot be reached.
_DASK_CONNECT_S = 20


def analyse_shipped(
    settings: BatchSettings, original: str, data: bytes, modified: float
) -> Analysed | Failed:
    """Run on a Dask worker: analyse a file sent as bytes (the worker needs no access to the
    user's files), written under its own name (which gives the format hint, the title and a
    date) and modification time into a temporary folder that is removed afterwards. A
    failure names the file by its `original` path."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="voiceshare-") as folder:
        path = Path(folder) / Path(original).name
        path.write_bytes(data)
        os.utime(path, (modified, modified))
        result = analyse_file(path, source_name=original, settings=settings)
    if isinstance(result, Failed):
        return Failed(result.message.replace(str(path), original))
    return replace(result, warnings=tuple(w.replace(str(path), original) for w in result.warnings))


def _run_dask(run: _Run, todo: list[_Item], settings: BatchSettings, scheduler: str) -> None:
    """Analyse `todo` on the Dask cluster at `scheduler`, saving each result as it arrives.

    Each file's bytes are scattered straight to a worker (not through the scheduler) and
    analysed there by `analyse_shipped`; at most two files per worker thread are in flight, so
    a large archive is never all in memory. Models load once per worker process (on its first
    file) and stay. A file the cluster cannot run, or whose worker dies (its bytes die with
    it), fails with one sentence; the rest go on, and running the batch again retries the
    failures. When no worker can take files any more, the batch stops with one sentence
    (`ConfigError`); what was analysed is saved, so running it again goes on from there."""
    from voiceshare.errors import ConfigError, MissingExtraError

    try:
        from distributed import Client, as_completed
    except ImportError:
        raise MissingExtraError("Running a batch on a Dask cluster", "cluster") from None
    try:
        client = Client(scheduler, timeout=_DASK_CONNECT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc or type(exc).__name__})."
        ) from None
    with client:
        threads = sum(client.nthreads().values()) or 1
        pending = deque(todo)
        held: dict[Any, _Item] = {}
        running = as_completed(loop=client.loop)
        direct = [True]  # send bytes straight to the workers while they can be reached

        def submit() -> None:
            item = pending.popleft()
            try:
                data = item.path.read_bytes()
                modified = item.path.stat().st_mtime
            except OSError as exc:
                message = f"{item.path}: cannot be read ({exc.strerror or exc})."
                _finish(run, item, Failed(message))
                return
            try:
                try:
                    shipped = client.scatter(data, direct=direct[0], hash=False)
                except (OSError, TimeoutError):
                    if not direct[0]:
                        raise
                    # The workers cannot be reached from here: through the scheduler, then.
                    direct[0] = False
                    shipped = client.scatter(data, direct=False, hash=False)
                future = client.submit(
                    analyse_shipped, settings, str(item.path), shipped, modified, pure=False
                )
            except Exception as exc:  # no worker can take files, or the scheduler went away
                raise ConfigError(
                    f"lost the Dask cluster at {scheduler} while sending {item.path} "
                    f"({type(exc).__name__}: {exc or 'no reason given'}); the meetings "
                    "analysed so far are saved: run the batch again to go on."
                ) from None
            held[future] = item
            running.add(future)

        while pending and len(held) < 2 * threads:
            submit()
        for future in running:
            item = held.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker died too often, or cannot run voiceshare
                result = Failed(
                    f"{item.path}: the Dask cluster could not analyse it "
                    f"({type(exc).__name__}: {exc})."
                )
            future.release()
            _finish(run, item, result)
            while pending and len(held) < 2 * threads:
                submit()


def _finish(run: _Run, item: _Item, result: Analysed | Failed) -> None:
    """Write a result's reports, then save it to the store (in that order, so a meeting in
    the store always has its reports: resuming skips only files whose reports exist)."""
    if isinstance(result, Failed):
        run.record(item.index, FileOutcome(item.path, "failed", error=result.message))
        return
    stem = _unique(result.stem, run.used_stems)
    written: list[Path] = []
    try:
        for extension, text in result.rendered:
            target = run.outdir / f"{stem}.{extension}"
            write_atomic(target, text)
            written.append(target)
    except OSError as exc:
        run.record(
            item.index,
            FileOutcome(
                item.path,
                "failed",
                error=f"{item.path}: its report cannot be written ({exc.strerror or exc}).",
            ),
        )
        return
    if run.store is not None:
        save_started = time.perf_counter()
        run.store.save(
            MeetingRecord(
                content_hash=item.content_hash,
                report=result.summary,
                report_json=result.report_json,
                settings_hash=item.settings_hash,
                team=run.team,
                date=result.date,
                date_origin=result.date_origin,
                report_stem=stem,
                labels=result.labels,
                aliases=result.aliases,
            )
        )
        run.store_s += time.perf_counter() - save_started
    meeting, balance = result.summary["meeting"], result.summary["balance"]
    run.record(
        item.index,
        FileOutcome(
            item.path,
            "analysed",
            stem=stem,
            written=tuple(written),
            warnings=result.warnings,
            title=meeting["title"],
            team=run.team,
            date=result.date,
            date_origin=result.date_origin,
            duration_s=meeting["duration_s"],
            present=balance["present"],
            gini=balance["gini"],
            quiet_voices=len(balance["quiet_voices"]),
        ),
    )


def _unique(stem: str, used: set[str]) -> str:
    candidate, number = stem, 2
    while candidate in used:
        candidate, number = f"{stem}-{number}", number + 1
    used.add(candidate)
    return candidate


# -- the index --------------------------------------------------------------------------------

INDEX_COLUMNS = (
    "status", "source", "title", "team", "date", "date_origin", "duration_s", "present",
    "gini", "quiet_voices", "reports", "error",
)  # fmt: skip


def write_index(outdir: Path, outcomes: Sequence[FileOutcome]) -> tuple[Path, ...]:
    """`index.csv` and `index.html` in `outdir`: every meeting of the batch, and every
    file that failed, in input order."""
    rows = [_index_row(outdir, outcome) for outcome in outcomes]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    csv_path = outdir / f"{INDEX_STEM}.csv"
    html_path = outdir / f"{INDEX_STEM}.html"
    write_atomic(csv_path, buffer.getvalue())
    write_atomic(html_path, _index_html(outdir, outcomes))
    return csv_path, html_path


def _index_row(outdir: Path, outcome: FileOutcome) -> dict[str, str]:
    def number(value: float | None, digits: int) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    return {
        "status": outcome.status,
        "source": str(outcome.path),
        "title": outcome.title or "",
        "team": outcome.team or "",
        "date": outcome.date.isoformat() if outcome.date else "",
        "date_origin": outcome.date_origin or "",
        "duration_s": number(outcome.duration_s, 1),
        "present": "" if outcome.present is None else str(outcome.present),
        "gini": number(outcome.gini, 3),
        "quiet_voices": "" if outcome.quiet_voices is None else str(outcome.quiet_voices),
        "reports": ";".join(_relative(outdir, p) for p in outcome.written),
        "error": outcome.error or "",
    }


def _relative(outdir: Path, path: Path) -> str:
    try:
        return path.relative_to(outdir).as_posix()
    except ValueError:
        return path.as_posix()


_INDEX_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;
color:#1d1d1f}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f4f4f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.failed{color:#a00}.muted{color:#666;font-size:.9em}
"""


def _index_html(outdir: Path, outcomes: Sequence[FileOutcome]) -> str:
    e = html.escape
    meetings = [o for o in outcomes if o.status != "failed"]
    failed = [o for o in outcomes if o.status == "failed"]
    lines = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Meetings ({len(meetings)})</title><style>{_INDEX_CSS}</style></head><body>",
        f"<h1>Meetings ({len(meetings)})</h1>",
        '<p class="muted">Gini: 0 when everyone spoke equally, near 1 when one person did. '
        "Quiet voices: people under half the equal share of speaking time.</p>",
        "<table><thead><tr><th>Date</th><th>Meeting</th><th>Team</th><th>Minutes</th>"
        "<th>People</th><th>Gini</th><th>Quiet voices</th><th>Reports</th></tr></thead><tbody>",
    ]
    for outcome in meetings:
        links = " ".join(
            f'<a href="{e(_relative(outdir, p))}">{e(p.suffix.lstrip("."))}</a>'
            for p in outcome.written
        )
        date = outcome.date.isoformat() if outcome.date else ""
        origin = outcome.date_origin or ""
        origin = f' <span class="muted">({e(origin)})</span>' if date and origin else ""
        minutes = "" if outcome.duration_s is None else f"{outcome.duration_s / 60:.0f}"
        gini = "" if outcome.gini is None else f"{outcome.gini:.2f}"
        lines.append(
            f"<tr><td>{e(date)}{origin}</td>"
            f"<td>{e(outcome.title or '')}<br><span class='muted'>{e(str(outcome.path))}</span>"
            f"</td><td>{e(outcome.team or '')}</td><td class='n'>{minutes}</td>"
            f"<td class='n'>{outcome.present if outcome.present is not None else ''}</td>"
            f"<td class='n'>{gini}</td><td class='n'>{outcome.quiet_voices or 0}</td>"
            f"<td>{links}</td></tr>"
        )
    lines.append("</tbody></table>")
    if failed:
        lines.append(f"<h2 class='failed'>Could not be analysed ({len(failed)})</h2><ul>")
        lines.extend(f"<li>{e(o.error or str(o.path))}</li>" for o in failed)
        lines.append("</ul>")
    lines.append("</body></html>\n")
    return "\n".join(lines)
