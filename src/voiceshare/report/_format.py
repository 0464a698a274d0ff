"""Numbers as people read them, shared by every renderer."""

from __future__ import annotations


def clock(seconds: float | None) -> str:
    """`754.2` -> `12:34`, `3725` -> `1:02:05`; `–` when unknown."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def percent(value: float | None, digits: int = 0) -> str:
    """`0.1234` -> `12%`; tiny non-zero values read `<1%` rather than a misleading `0%`."""
    if value is None:
        return "–"
    if 0 < value < 0.01 and digits == 0:
        return "<1%"
    return f"{value * 100:.{digits}f}%"
