"""How evenly the talking was shared: Gini coefficient and normalised entropy."""

from __future__ import annotations

import math
from collections.abc import Sequence


def gini(values: Sequence[float]) -> float | None:
    """Gini coefficient of non-negative `values`: 0 when all are equal, (n-1)/n when one person
    has everything. None when there is nothing to share (no values, or all zero)."""
    n = len(values)
    total = sum(values)
    if n == 0 or total <= 0:
        return None
    ranked = sorted(values)
    weighted = sum(rank * value for rank, value in enumerate(ranked, start=1))
    return max(0.0, (2.0 * weighted) / (n * total) - (n + 1) / n)


def normalised_entropy(values: Sequence[float]) -> float | None:
    """Shannon entropy of the shares, divided by its maximum log(n): 1 when everyone has an equal
    share, towards 0 when one person has everything. None for fewer than two people."""
    n = len(values)
    total = sum(values)
    if n < 2 or total <= 0:
        return None
    entropy = -sum((v / total) * math.log(v / total) for v in values if v > 0)
    return entropy / math.log(n)
