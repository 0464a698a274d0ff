"""Analysis jobs on a Huey queue: the queue only runs the work, the job status the pages show
lives in the store (`uploads` table).

The queue is a SQLite file in the data folder by default (one machine, nothing else to run), or
Redis (`VOICESHARE_QUEUE=redis://...`) when several worker processes on several machines share
it. A queued job is a row in the queue's database, so it survives a restart of the server and
runs when a worker is next up. `serve` runs `workers` threads in its own process;
`python -m voiceshare.web.worker` runs Huey's own consumer for separate workers.

Each job goes through `voiceshare.batch.run_batch` for one file, so an uploaded meeting is read,
analysed (`pipeline.report_for_file`), rendered and saved to the store exactly as `voiceshare
batch` does it, and trends include it.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceshare.errors import ConfigError, VoiceshareError
from voiceshare.store import Store

if TYPE_CHECKING:
    from huey import Huey  # type: ignore[import-untyped]

    from voiceshare.web.settings import Settings

TASK_NAME = "voiceshare.analyse_upload"
REPORT_FORMATS = "json,html"
_log = logging.getLogger(__name__)
# `run_batch` keeps the analysis settings in a module global for its worker processes, so two
# analyses in threads of one process must not overlap. Parallel work comes from processes.
_analysis_lock = threading.Lock()
# How often an idle in-process worker looks at the queue again.
_POLL_S = 0.2
# A job whose worker died this many times is not tried again (it may be what kills them).
MAX_ATTEMPTS = 3
LOST_JOB_ERROR = (
    f"the analysis stopped {MAX_ATTEMPTS} times without finishing (its worker process died, "
    "perhaps out of memory); the file was not analysed."
)


def make_huey(settings: Settings) -> Huey:
    """The queue: SQLite in the data folder, or Redis at `settings.queue_url`."""
    from huey import RedisHuey, SqliteHuey

    if settings.queue_url:
        if importlib.util.find_spec("redis") is None:
            raise ConfigError(
                "a Redis queue (VOICESHARE_QUEUE) needs the redis client: run `pip install redis`."
            )
        return RedisHuey("voiceshare", url=settings.queue_url, results=False)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("voiceshare", filename=str(settings.queue_file), results=False)


def results_dir(settings: Settings, upload_id: str) -> Path:
    return settings.results_dir / upload_id


def analyse_upload(settings: Settings, store: Store, upload_id: str) -> None:
    """Analyse one upload and record the outcome in the store; never raises for bad input (a
    failed job records one sentence). A job that is not queued any more (done, failed,
    deleted, or taken by another worker: a message delivered twice) is left alone."""
    from voiceshare.batch import run_batch
    from voiceshare.pipeline import Options

    upload = store.claim_upload(upload_id)
    if upload is None:
        return
    # Every write below is fenced by this attempt: should the job be queued again and taken
    # by another worker while this one still runs (a worker that stalled past its lease),
    # only the newer attempt's writes count.
    attempt = upload.attempts
    path = settings.data_dir / upload.stored_path
    outdir = results_dir(settings, upload_id)
    attendees = tuple(a.strip() for a in upload.attendees.split(",") if a.strip())
    shown = upload.original_name or "the upload"
    # The file is stored under a generated name; the meeting is titled (unless the uploader
    # gave a title) and dated from the name it was uploaded under, as the CLI does.
    options = Options(attendees=attendees, title=upload.title, source_name=upload.original_name)
    error: str | None = None
    title = stem = None
    shown_progress = [0.05]

    def follow(stage: str, fraction: float) -> None:
        # Diarizing takes most of a recording's time, transcribing the rest when asked for.
        overall = 0.05 + (0.85 if stage == "diarizing" else 0.1) * min(1.0, fraction)
        if stage != "diarizing":
            overall += 0.85
        if overall - shown_progress[0] >= 0.02:  # a store write per 2%, not per block
            shown_progress[0] = overall
            store.update_upload(upload_id, progress=round(overall, 3), attempt=attempt)

    try:
        # Beating from the moment the job is taken: waiting for another thread's analysis
        # to finish is not dying.
        with _heartbeat(store, upload_id, attempt, settings.job_lease_s / 4), _analysis_lock:
            result = run_batch(
                [path],
                outdir,
                formats=REPORT_FORMATS,
                options=options,
                store=store,
                team=upload.team,
                force=True,
                stage_progress=follow,
            )
        outcome = result.outcomes[0]
        if outcome.status == "failed":
            error = outcome.error or "the analysis failed for an unknown reason."
        title, stem = outcome.title, outcome.stem
    except VoiceshareError as exc:
        error = str(exc)
    except Exception as exc:  # a bug must still end the job with a sentence
        _log.exception("analysing upload %s failed", upload_id)
        error = f"internal error ({type(exc).__name__}); the server log has the details."
    if error is not None:
        # The server's own paths are nobody else's business: name the file as uploaded.
        error = error.replace(str(path), shown).replace(str(outdir), "the results folder")
        failed = store.update_upload(
            upload_id, status="failed", progress=1.0, error=error, attempt=attempt
        )
        if not failed and store.upload(upload_id) is None:  # deleted while it ran
            shutil.rmtree(outdir, ignore_errors=True)
        return

    def finish(fenced: bool) -> bool:
        return store.update_upload(
            upload_id, status="done", progress=1.0, meeting_title=title, report_stem=stem,
            attempt=attempt if fenced else None,
        )  # fmt: skip

    if finish(fenced=True):
        return
    current = store.upload(upload_id)
    if current is None:  # deleted while it ran: leave nothing behind
        store.forget_meeting(upload.content_hash)
        shutil.rmtree(outdir, ignore_errors=True)
    elif current.attempts == attempt and current.error == LOST_JOB_ERROR:
        # This last attempt was given up for lost while it ran on: its result still counts
        # (the meeting is already in the store).
        finish(fenced=False)
    else:  # another worker has taken the job over; its outcome counts
        _log.warning("job %s was taken over by another worker; this outcome is dropped", upload_id)


@contextmanager
def _heartbeat(store: Store, upload_id: str, attempt: int, every_s: float) -> Iterator[None]:
    """Touch the running job every `every_s` seconds while the block runs (a thread of its
    own, since the analysis may hold the interpreter in long C calls between progress
    reports), so other workers can tell a long job from one whose worker died."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                if not store.touch_upload(upload_id, attempt):
                    return  # deleted, or no longer this worker's
            except VoiceshareError:
                _log.warning("cannot record that job %s is alive", upload_id)

    thread = threading.Thread(target=beat, name=f"voiceshare-heartbeat-{upload_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def recover_lost_jobs(settings: Settings, store: Store, enqueue: Callable[[str], None]) -> int:
    """Queue again every running job whose worker stopped beating for the lease (killed, out
    of memory, the machine restarted); one that has lost its worker `MAX_ATTEMPTS` times is
    failed with a sentence instead. Returns how many were queued again. Every server and
    worker must use the same lease, on clocks kept in step (NTP)."""
    cutoff = datetime.now(UTC) - timedelta(seconds=settings.job_lease_s)
    requeued = store.requeue_stale_uploads(cutoff, MAX_ATTEMPTS, LOST_JOB_ERROR, enqueue)
    for upload_id in requeued:
        _log.warning("job %s lost its worker; queued again", upload_id)
    return len(requeued)


class Jobs:
    """The queue with its one task, and the in-process workers that run it."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.huey = make_huey(settings)
        self._task: Any = self.huey.task(name=TASK_NAME)(self._run)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _run(self, upload_id: str) -> None:
        analyse_upload(self.settings, self.store, upload_id)

    def enqueue(self, upload_id: str) -> None:
        """Queue the analysis of an upload already recorded in the store."""
        self._task(upload_id)

    def pending(self) -> int:
        """Jobs waiting in the queue (not counting those running)."""
        return int(self.huey.pending_count())

    # -- in-process workers ---------------------------------------------------------------

    def recover(self) -> int:
        """Queue again the jobs whose worker died (see `recover_lost_jobs`)."""
        return recover_lost_jobs(self.settings, self.store, self.enqueue)

    def start_recovery(self) -> None:
        """Look for lost jobs now and every half lease until `stop()`, in a thread: every
        server and worker process does, and the store lets exactly one of them move each."""
        self._stop.clear()
        thread = threading.Thread(
            target=self._recover_loop, name="voiceshare-recovery", daemon=True
        )
        thread.start()
        self._threads.append(thread)

    def _recover_loop(self) -> None:
        while True:
            try:
                self.recover()
            except Exception:
                _log.exception("cannot look for lost jobs")
            if self._stop.wait(self.settings.job_lease_s / 2):
                return

    def start(self, workers: int) -> None:
        """Start `workers` threads that take jobs off the queue until `stop()`."""
        self._stop.clear()
        for number in range(workers):
            thread = threading.Thread(
                target=self._work, name=f"voiceshare-worker-{number + 1}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the workers after the jobs they are running. A job still running after
        `timeout_s` is abandoned with the process; it stops beating, and a server or worker
        queues it again once its lease is over."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()

    def _work(self) -> None:
        # Huey's own loop (huey.consumer.Worker) without its signal handling, which belongs
        # to uvicorn in the server's main thread.
        while not self._stop.is_set():
            try:
                task = self.huey.dequeue()
            except Exception:
                _log.exception("cannot read the job queue")
                self._stop.wait(5.0)
                continue
            if task is None:
                self._stop.wait(_POLL_S)
                continue
            try:
                self.huey.execute(task)
            except Exception:
                _log.exception("job %s failed", task.id)
