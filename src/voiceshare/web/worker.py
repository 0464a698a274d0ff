"""Separate analysis workers: `python -m voiceshare.web.worker --workers 4`.

Runs Huey's consumer on the service's queue (the SQLite file in the data folder, or the Redis
queue in `VOICESHARE_QUEUE`), with the same `--store` and `--data-dir` as `voiceshare serve
--workers 0`. With Redis, workers on other machines need the data folder shared (e.g. NFS).
Stop it with Ctrl-C (finishes the jobs in hand) or SIGTERM. Each worker process also queues
again the jobs whose worker died (no heartbeat for `VOICESHARE_JOB_LEASE_S`, default 120 s;
use the same lease, and synchronised clocks, everywhere).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from voiceshare.errors import VoiceshareError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voiceshare.web.worker", description=__doc__)
    parser.add_argument("--store", metavar="URL", help="the store (default: VOICESHARE_STORE)")
    parser.add_argument("--data-dir", type=Path, help="the service's data folder")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("huey").setLevel(logging.INFO)  # which job runs when
    try:
        from voiceshare.store import Store
        from voiceshare.web.jobs import Jobs
        from voiceshare.web.settings import load_settings

        settings = load_settings(store_url=args.store, data_dir=args.data_dir, serving=False)
        store = Store.open(settings.store_url)
        jobs = Jobs(settings, store)
    except VoiceshareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    def start_worker() -> None:
        # A forked worker process must not share the parent's database connections.
        store.engine.dispose(close=False)
        # Each worker also queues again the jobs whose worker died (after the fork: a
        # thread started before it would not survive into the worker).
        jobs.start_recovery()

    jobs.huey.on_startup()(start_worker)

    consumer = jobs.huey.create_consumer(
        workers=max(1, args.workers), worker_type="process", periodic=False
    )
    consumer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
