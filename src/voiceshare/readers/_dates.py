"""The meeting date: from the source's metadata, else a date in the file name."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

_NAME_PATTERNS = (
    # Zoom cloud recordings: GMT20240124-202901_Recording...
    re.compile(r"GMT(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})_(?P<m>\d{2})_(?P<d>\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"),
)

_CHAT_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}


def parse_date(value: str) -> dt.date | None:
    """A date from ISO text (`2024-01-24`, `2024-01-24T10:00:00-07:00`) or CHAT (`08-JAN-2020`)."""
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})", value)
    if match and match.group(2).upper() in _CHAT_MONTHS:
        try:
            return dt.date(int(match.group(3)), _CHAT_MONTHS[match.group(2).upper()], int(match[1]))
        except ValueError:
            return None
    return None


def date_from_name(name: str) -> dt.date | None:
    for pattern in _NAME_PATTERNS:
        for match in pattern.finditer(name):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def meeting_date(stated: str | None, path: Path) -> tuple[dt.date | None, str | None]:
    """The date and where it came from ('metadata' or 'file name'); (None, None) if unknown."""
    if stated:
        date = parse_date(stated)
        if date is not None:
            return date, "metadata"
    date = date_from_name(path.name)
    if date is not None:
        return date, "file name"
    return None, None
