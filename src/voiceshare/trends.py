"""Quieter-voice trends across stored meetings: each person's share against their equal share
over time, interruptions received, unanswered questions and dismissals (where those analyses
ran), the team's balance over time, and a watch list of persistently quiet voices.

Definitions, in the words the reports use:
- A person *attended* a meeting when its report lists them (they spoke, or were named as an
  attendee). Only meetings whose shares could be measured count.
- *Share of equal*: their share divided by the equal share 1/N of that meeting (1 = exactly an
  equal share; under 0.5 = a quiet voice in that meeting).
- The *watch list*: people who attended at least `min_meetings` meetings and were a quiet voice
  in at least `quiet_fraction` of them (defaults: 3 meetings, half).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from voiceshare.errors import ConfigError
from voiceshare.store import AttendanceRow, MeetingSummary, Store

SCHEMA_VERSION = "1.0.0"
DEFAULT_MIN_MEETINGS = 3
DEFAULT_QUIET_FRACTION = 0.5
FORMATS = ("html", "json", "csv")


@dataclass(frozen=True)
class Thresholds:
    """Who goes on the watch list: at least `min_meetings` attended, quiet in at least
    `quiet_fraction` of them."""

    min_meetings: int = DEFAULT_MIN_MEETINGS
    quiet_fraction: float = DEFAULT_QUIET_FRACTION

    def __post_init__(self) -> None:
        if self.min_meetings < 1:
            raise ConfigError("the watch list needs at least 1 meeting per person.")
        if not 0.0 < self.quiet_fraction <= 1.0:
            raise ConfigError("the quiet fraction of the watch list must be over 0 and at most 1.")


@dataclass(frozen=True)
class MeetingPoint:
    """The team's balance in one meeting."""

    meeting_id: int
    date: dt.date | None
    title: str
    team: str | None
    present: int
    gini: float | None
    entropy: float | None
    quiet_voices: int


@dataclass(frozen=True)
class PersonPoint:
    """One person in one meeting. None: not measured in that meeting."""

    meeting_id: int
    date: dt.date | None
    title: str
    share: float
    equal_share: float
    share_of_equal: float
    quiet: bool
    interruptions_received_per_10min: float | None
    questions_unanswered: int | None
    dismissals_received: int | None


@dataclass(frozen=True)
class PersonTrend:
    """One person across the meetings they attended, oldest first."""

    name: str
    meetings: int
    quiet_meetings: int
    mean_share: float
    mean_share_of_equal: float
    # Mean share of equal over the earlier and the later half of their meetings (the middle
    # meeting of an odd number counts in neither): is it getting better?
    earlier_share_of_equal: float | None
    recent_share_of_equal: float | None
    interruptions_received_per_10min: float | None
    questions_unanswered: int | None
    dismissals_received: int | None
    points: tuple[PersonPoint, ...]

    @property
    def quiet_fraction(self) -> float:
        return self.quiet_meetings / self.meetings if self.meetings else 0.0


@dataclass(frozen=True)
class Trends:
    """Everything the trends report shows."""

    meetings: int
    team: str | None
    since: dt.date | None
    thresholds: Thresholds
    balance: tuple[MeetingPoint, ...]
    people: tuple[PersonTrend, ...]
    watchlist: tuple[PersonTrend, ...]
    pseudonymised: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: `{"meetings": N, "people": [...], "watchlist": [...], ...}`."""

        def person(p: PersonTrend, with_points: bool) -> dict[str, Any]:
            row: dict[str, Any] = {
                "name": p.name,
                "meetings": p.meetings,
                "quiet_meetings": p.quiet_meetings,
                "quiet_fraction": p.quiet_fraction,
                "mean_share": p.mean_share,
                "mean_share_of_equal": p.mean_share_of_equal,
                "earlier_share_of_equal": p.earlier_share_of_equal,
                "recent_share_of_equal": p.recent_share_of_equal,
                "interruptions_received_per_10min": p.interruptions_received_per_10min,
                "questions_unanswered": p.questions_unanswered,
                "dismissals_received": p.dismissals_received,
            }
            if with_points:
                row["points"] = [_point_dict(point) for point in p.points]
            return row

        document: dict[str, Any] = _rounded(
            {
                "schema_version": SCHEMA_VERSION,
                "meetings": self.meetings,
                "team": self.team,
                "since": self.since.isoformat() if self.since else None,
                "thresholds": {
                    "min_meetings": self.thresholds.min_meetings,
                    "quiet_fraction": self.thresholds.quiet_fraction,
                },
                "pseudonymised": self.pseudonymised,
                "people": [person(p, True) for p in self.people],
                "watchlist": [person(p, False) for p in self.watchlist],
                "balance": [
                    {
                        "meeting_id": m.meeting_id,
                        "date": m.date.isoformat() if m.date else None,
                        "title": m.title,
                        "team": m.team,
                        "present": m.present,
                        "gini": m.gini,
                        "entropy": m.entropy,
                        "quiet_voices": m.quiet_voices,
                    }
                    for m in self.balance
                ],
            }
        )
        return document


def _point_dict(point: PersonPoint) -> dict[str, Any]:
    return {
        "meeting_id": point.meeting_id,
        "date": point.date.isoformat() if point.date else None,
        "title": point.title,
        "share": point.share,
        "equal_share": point.equal_share,
        "share_of_equal": point.share_of_equal,
        "quiet": point.quiet,
        "interruptions_received_per_10min": point.interruptions_received_per_10min,
        "questions_unanswered": point.questions_unanswered,
        "dismissals_received": point.dismissals_received,
    }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


# -- computing --------------------------------------------------------------------------------


def load_trends(
    store: Store,
    team: str | None = None,
    since: dt.date | None = None,
    thresholds: Thresholds | None = None,
) -> Trends:
    """The trends of the meetings in `store` (of `team`, on or after `since`)."""
    return compute_trends(
        store.meetings(team, since), store.attendance(team, since), team, since, thresholds
    )


def compute_trends(
    meetings: Sequence[MeetingSummary],
    attendance: Sequence[AttendanceRow],
    team: str | None = None,
    since: dt.date | None = None,
    thresholds: Thresholds | None = None,
) -> Trends:
    """Trends from stored rows; `meetings` oldest first (as `Store.meetings` returns them)."""
    thresholds = thresholds or Thresholds()
    order = {m.id: position for position, m in enumerate(meetings)}
    by_id = {m.id: m for m in meetings}
    quiet_counts: dict[int, int] = {}
    rows_by_person: dict[str, list[tuple[int, PersonPoint]]] = {}
    for row in attendance:
        meeting = by_id.get(row.meeting_id)
        if meeting is None or meeting.basis is None or not meeting.equal_share:
            continue  # shares were not measurable in this meeting
        point = PersonPoint(
            meeting_id=meeting.id,
            date=meeting.date,
            title=meeting.title,
            share=row.share,
            equal_share=meeting.equal_share,
            share_of_equal=row.share / meeting.equal_share,
            quiet=row.quiet,
            interruptions_received_per_10min=(
                row.interruptions_received_per_10min
                if "interruptions" in meeting.measured
                else None
            ),
            questions_unanswered=(
                row.questions_unanswered if "questions" in meeting.measured else None
            ),
            dismissals_received=(
                row.dismissals_received if "dismissals" in meeting.measured else None
            ),
        )
        rows_by_person.setdefault(row.person, []).append((order[meeting.id], point))
        quiet_counts[meeting.id] = quiet_counts.get(meeting.id, 0) + int(row.quiet)

    people = tuple(
        sorted(
            (_person_trend(name, [p for _, p in sorted(rows, key=lambda r: r[0])])
             for name, rows in rows_by_person.items()),
            key=lambda p: (-p.meetings, p.name.casefold()),
        )
    )  # fmt: skip
    watchlist = tuple(
        sorted(
            (p for p in people if on_watchlist(p, thresholds)),
            key=lambda p: (-p.quiet_fraction, p.mean_share_of_equal, p.name.casefold()),
        )
    )
    balance = tuple(
        MeetingPoint(
            m.id, m.date, m.title, m.team, m.present, m.gini, m.entropy, quiet_counts.get(m.id, 0)
        )
        for m in meetings
    )
    return Trends(len(meetings), team, since, thresholds, balance, people, watchlist)


def on_watchlist(person: PersonTrend, thresholds: Thresholds) -> bool:
    """Attended at least `min_meetings` and quiet in at least `quiet_fraction` of them."""
    return (
        person.meetings >= thresholds.min_meetings
        and person.quiet_meetings >= thresholds.quiet_fraction * person.meetings
    )


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _person_trend(name: str, points: list[PersonPoint]) -> PersonTrend:
    ratios = [p.share_of_equal for p in points]
    half = len(points) // 2
    rates = [
        p.interruptions_received_per_10min
        for p in points
        if p.interruptions_received_per_10min is not None
    ]
    questions = [p.questions_unanswered for p in points if p.questions_unanswered is not None]
    dismissals = [p.dismissals_received for p in points if p.dismissals_received is not None]
    return PersonTrend(
        name=name,
        meetings=len(points),
        quiet_meetings=sum(p.quiet for p in points),
        mean_share=sum(p.share for p in points) / len(points),
        mean_share_of_equal=sum(ratios) / len(ratios),
        earlier_share_of_equal=_mean(ratios[:half]) if half else None,
        recent_share_of_equal=_mean(ratios[len(ratios) - half :]) if half else None,
        interruptions_received_per_10min=_mean(rates),
        questions_unanswered=sum(questions) if questions else None,
        dismissals_received=sum(dismissals) if dismissals else None,
        points=tuple(points),
    )


def pseudonymised(trends: Trends, key: str | None = None) -> Trends:
    """The same trends with every person's name replaced (`Participant N` in order of first
    appearance, or a stable `Person XXXXXX` with `key`), and meeting titles hidden."""
    from voiceshare.identity import pseudonym_table
    from voiceshare.metrics.speaking import name_key

    first_seen = sorted(
        trends.people, key=lambda p: (p.points[0].date or dt.date.max, p.points[0].meeting_id)
    )
    table = pseudonym_table([p.name for p in first_seen], key)

    def hide(person: PersonTrend) -> PersonTrend:
        points = tuple(replace(p, title=f"Meeting {p.meeting_id}") for p in person.points)
        return replace(person, name=table[name_key(person.name)], points=points)

    return replace(
        trends,
        people=tuple(hide(p) for p in trends.people),
        watchlist=tuple(hide(p) for p in trends.watchlist),
        balance=tuple(replace(m, title=f"Meeting {m.meeting_id}") for m in trends.balance),
        pseudonymised=True,
    )


# -- rendering --------------------------------------------------------------------------------


def parse_trend_formats(value: str) -> tuple[str, ...]:
    """`"html,json"` -> the formats, in order, without repeats."""
    chosen: list[str] = []
    for raw in value.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in FORMATS:
            raise ConfigError(
                f"unknown trends format {raw.strip()!r}; choose from {', '.join(FORMATS)}."
            )
        if name not in chosen:
            chosen.append(name)
    if not chosen:
        raise ConfigError("no trends format given; choose from " + ", ".join(FORMATS) + ".")
    return tuple(chosen)


def render_json(trends: Trends) -> str:
    return json.dumps(trends.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


PEOPLE_COLUMNS = (
    "person", "date", "meeting_id", "title", "share", "equal_share", "share_of_equal", "quiet",
    "interruptions_received_per_10min", "questions_unanswered", "dismissals_received",
    "on_watchlist",
)  # fmt: skip
WATCHLIST_COLUMNS = (
    "person", "meetings", "quiet_meetings", "quiet_fraction", "mean_share",
    "mean_share_of_equal", "earlier_share_of_equal", "recent_share_of_equal",
)  # fmt: skip
BALANCE_COLUMNS = ("date", "meeting_id", "title", "team", "present", "gini", "entropy",
                   "quiet_voices")  # fmt: skip


def render_csv(trends: Trends) -> dict[str, str]:
    """Three tables by file name: one row per person per meeting, the watch list, and the
    team's balance per meeting."""
    data = trends.to_dict()
    watched = {p["name"] for p in data["watchlist"]}
    people = [
        {"person": p["name"], **point, "on_watchlist": p["name"] in watched}
        for p in data["people"]
        for point in p["points"]
    ]
    watchlist = [{"person": p["name"], **p} for p in data["watchlist"]]
    return {
        "trends.csv": _csv(PEOPLE_COLUMNS, people),
        "trends-watchlist.csv": _csv(WATCHLIST_COLUMNS, watchlist),
        "trends-balance.csv": _csv(BALANCE_COLUMNS, data["balance"]),
    }


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    return buffer.getvalue()


# Small-multiple chart geometry (SVG user units).
_W, _H, _PAD = 260.0, 90.0, 6.0


def _chart(
    positions: Sequence[int], values: Sequence[float], total: int, top: float
) -> list[tuple[float, float]]:
    """SVG coordinates of `values` at meeting `positions` on a shared x axis of `total`."""
    span = max(total - 1, 1)
    top = top or 1.0
    return [
        (
            round(_PAD + (_W - 2 * _PAD) * (x / span if total > 1 else 0.5), 1),
            round(_H - _PAD - (_H - 2 * _PAD) * min(v / top, 1.0), 1),
        )
        for x, v in zip(positions, values, strict=True)
    ]


def _svg_points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def render_html(trends: Trends) -> str:
    """One self-contained HTML page: inline CSS and SVG, no scripts, no network requests."""
    import jinja2

    position = {m.meeting_id: i for i, m in enumerate(trends.balance)}
    total = len(trends.balance)
    watched = {p.name for p in trends.watchlist}
    charts = []
    for person in trends.people:
        xs = [position[p.meeting_id] for p in person.points]
        shares = [p.share for p in person.points]
        equals = [p.equal_share for p in person.points]
        top = max([*shares, *equals, 0.01]) * 1.1
        share_xy = _chart(xs, shares, total, top)
        rates = [
            (x, p.interruptions_received_per_10min)
            for x, p in zip(xs, person.points, strict=True)
            if p.interruptions_received_per_10min is not None
        ]
        rate_top = max([r for _, r in rates] + [1.0]) * 1.1
        charts.append(
            {
                "person": person,
                "watched": person.name in watched,
                "share_line": _svg_points(share_xy),
                "equal_line": _svg_points(_chart(xs, equals, total, top)),
                "half_line": _svg_points(_chart(xs, [e / 2 for e in equals], total, top)),
                "dots": [
                    {"x": x, "y": y, "quiet": p.quiet, "point": p}
                    for (x, y), p in zip(share_xy, person.points, strict=True)
                ],
                "top_percent": top * 100,
                "rate_line": _svg_points(
                    _chart([x for x, _ in rates], [r for _, r in rates], total, rate_top)
                ),
                "rate_top": rate_top,
            }
        )
    ginis = [(i, m.gini) for i, m in enumerate(trends.balance) if m.gini is not None]
    gini_line = _svg_points(_chart([i for i, _ in ginis], [g for _, g in ginis], total, 1.0))
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("voiceshare", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    template = environment.get_template("trends.html.j2")
    return template.render(
        trends=trends,
        charts=charts,
        gini_line=gini_line,
        width=_W,
        height=_H,
        pad=_PAD,
        first=trends.balance[0] if trends.balance else None,
        last=trends.balance[-1] if trends.balance else None,
    )


def write_trends(trends: Trends, outdir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the chosen formats into `outdir` (each file atomically); returns the paths."""
    from voiceshare.files import write_atomic

    files: dict[str, str] = {}
    for name in formats:
        if name == "html":
            files["trends.html"] = render_html(trends)
        elif name == "json":
            files["trends.json"] = render_json(trends)
        elif name == "csv":
            files.update(render_csv(trends))
    written = []
    for file_name, text in files.items():
        write_atomic(outdir / file_name, text)
        written.append(outdir / file_name)
    return written
