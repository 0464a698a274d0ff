"""Transcript readers, chosen by content sniffing with the file extension as a hint.

Every module in this package that defines `SPEC` (a `ReaderSpec`) is a reader. A reader turns a
`Source` into `Parsed` utterances in source order, one per cue or segment; it never computes
metrics and never merges or splits the source's segmentation.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from voiceshare.errors import InputError, UnknownFormatError
from voiceshare.model import Meeting
from voiceshare.readers._base import Parsed, ReaderSpec, build_meeting, title_from_name
from voiceshare.readers._source import Source

__all__ = [
    "Parsed",
    "ReaderSpec",
    "Source",
    "available_readers",
    "detect_format",
    "read_meeting",
    "title_from_name",
]

# Below this confidence no reader claims the file.
_MIN_CONFIDENCE = 0.3
# How much a matching extension adds to a sniffer's confidence.
_EXTENSION_HINT = 0.1


@cache
def available_readers() -> tuple[ReaderSpec, ...]:
    """Every reader in this package, in a stable order."""
    specs = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ReaderSpec):
            specs.append(spec)
    return tuple(sorted(specs, key=lambda s: s.name))


def reader_by_name(name: str) -> ReaderSpec:
    for spec in available_readers():
        if spec.name == name:
            return spec
    names = ", ".join(s.name for s in available_readers())
    raise UnknownFormatError(f"there is no format called {name!r}; the formats are: {names}.")


def detect_format(source: Source) -> ReaderSpec:
    """The reader whose sniffer is most confident about `source`.

    Raises `InputError` for empty or undecodable files and `UnknownFormatError` when no reader
    recognises the content.
    """
    if not source.data.strip():
        raise source.fail("is empty")
    binary = source.binary_kind is not None
    scored: list[tuple[float, ReaderSpec]] = []
    for spec in available_readers():
        if spec.binary != binary:
            continue
        score = spec.sniff(source)
        if score > 0 and source.suffix in spec.extensions:
            score += _EXTENSION_HINT
        scored.append((score, spec))
    if binary and not any(score >= _MIN_CONFIDENCE for score, _ in scored):
        raise source.fail(f"is {source.binary_kind}, not a transcript voiceshare can read")
    if not binary:
        _ = source.text  # raises a clear error for undecodable text
    best_score, best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    if best is None or best_score < _MIN_CONFIDENCE:
        raise UnknownFormatError(
            f"{source.path}: is not in any transcript format voiceshare knows "
            "(run `voiceshare formats` to see them)."
        )
    return best


def read_meeting(path: str | Path | Source, format_name: str | None = None) -> Meeting:
    """Read one transcript file into a `Meeting`, detecting its format from its content."""
    source = path if isinstance(path, Source) else Source.from_path(path)
    spec = reader_by_name(format_name) if format_name else detect_format(source)
    try:
        parsed = spec.read(source)
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise source.fail(
            f"looks like {spec.description} but could not be read ({type(exc).__name__}: {exc})"
        ) from exc
    return build_meeting(source, parsed, spec.name)
