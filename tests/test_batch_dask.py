"""`voiceshare batch --executor dask --scheduler ADDRESS`: the same batch on a real Dask
cluster (a `LocalCluster` of two worker processes on loopback, started by the test), compared
with the same batch run locally."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the Dask executor needs the cluster extra")

from tests.conftest import SAMPLES
from voiceshare.cli import main
from voiceshare.store import Store


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two worker processes with one thread each, no dashboard, loopback only."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """The sample transcripts, plus a file that is not a transcript."""
    folder = tmp_path / "in"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("README.md"))
    (folder / "2026-03-20_broken.vtt").write_bytes(b"\x00\x01\x02 not a transcript \xff" * 50)
    return folder


def test_a_batch_on_a_dask_cluster_matches_the_local_batch(
    tmp_path: Path, inputs: Path, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every report the cluster writes is the one a local batch writes, the meetings are in
    the store with their dates from the file names, and the broken file is named in one line
    (exit 1) while the rest go on."""
    on_cluster = f"sqlite:///{tmp_path / 'cluster.db'}"
    code = main(
        ["batch", str(inputs), "-o", str(tmp_path / "cluster"), "--store", on_cluster,
         "--executor", "dask", "--scheduler", scheduler]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "2026-03-20_broken.vtt" in err and "1 of 6 files failed" in err
    assert "Traceback" not in err
    code = main(
        ["batch", str(inputs), "-o", str(tmp_path / "local"), "--jobs", "1",
         "--store", f"sqlite:///{tmp_path / 'local.db'}"]
    )  # fmt: skip
    assert code == 1
    capsys.readouterr()
    reports = sorted(p.name for p in (tmp_path / "local").glob("*.json"))
    assert len(reports) == 5
    assert sorted(p.name for p in (tmp_path / "cluster").glob("*.json")) == reports
    for name in reports:
        local = json.loads((tmp_path / "local" / name).read_text())
        remote = json.loads((tmp_path / "cluster" / name).read_text())
        assert remote == local, name
    with Store.open(on_cluster, create=False) as store:
        assert store.meeting_count() == 5
    # Resumable like any batch: a second run skips what the store has.
    code = main(
        ["batch", str(inputs), "-o", str(tmp_path / "cluster"), "--store", on_cluster,
         "--executor", "dask", "--scheduler", scheduler]
    )  # fmt: skip
    assert "0 analysed, 5 already in the store, 1 failed" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_sentence(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["batch", str(inputs), "-o", str(tmp_path / "out"), "--store",
         f"sqlite:///{tmp_path / 's.db'}", "--executor", "dask", "--scheduler",
         "tcp://127.0.0.1:9"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "Traceback" not in err


def test_the_executor_and_scheduler_go_together(
    tmp_path: Path, inputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    assert main(["batch", str(inputs), "-o", out, "--executor", "dask"]) == 2
    assert "--executor dask needs --scheduler" in capsys.readouterr().err
    assert main(["batch", str(inputs), "-o", out, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler is for --executor dask" in capsys.readouterr().err
