"""Files in and out: which files of a folder are meetings, and writing without half-written
results."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# When a folder is given, these files beside the transcripts are not meetings.
_SKIP_NAMES = ("readme", "license", "licence", "changelog", "metadata")
_SKIP_SUFFIXES = (".md", ".rst", ".py", ".sh", ".yaml", ".yml", ".toml", ".html", ".pdf")


def expand_inputs(inputs: tuple[str, ...]) -> Iterator[Path]:
    """Files named directly, and the files inside named folders (recursively, sorted)."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                lower = child.name.lower()
                if lower.startswith(_SKIP_NAMES) or child.suffix.lower() in _SKIP_SUFFIXES:
                    continue
                yield child
        else:
            yield path


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
