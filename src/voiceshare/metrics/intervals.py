"""Time intervals: unions and clipping, the arithmetic behind speaking time."""

from __future__ import annotations

from collections.abc import Iterable

Interval = tuple[float, float]


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals; the result is sorted and disjoint."""
    merged: list[list[float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def total(intervals: Iterable[Interval]) -> float:
    """Total length of `intervals`, assumed disjoint (pass them through `union` first)."""
    return sum(end - start for start, end in intervals)


def clipped_total(intervals: Iterable[Interval], lo: float, hi: float) -> float:
    """Length of the part of disjoint `intervals` that falls inside [lo, hi)."""
    return sum(max(0.0, min(end, hi) - max(start, lo)) for start, end in intervals)
