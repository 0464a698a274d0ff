"""Shared fixtures: where the real annotated data lives, and small helpers for writing inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_transcripts"


def shared_data_dir() -> Path:
    """`../shared/data` beside the repository, or `VOICESHARE_SHARED_DATA`."""
    override = os.environ.get("VOICESHARE_SHARED_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real meeting data; tests that need it skip with this reason when it is absent."""
    path = shared_data_dir()
    if not (path / "README.md").exists():
        pytest.skip(f"real meeting data not found at {path} (set VOICESHARE_SHARED_DATA)")
    return path


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a small input file: `write("a.vtt", "WEBVTT ...")` returns its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
