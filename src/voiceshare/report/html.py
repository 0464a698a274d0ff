"""The HTML report: one self-contained page (inline CSS and SVG, no scripts, no requests).

The page leads with the findings and suggestions, then shows the evidence, each chart with a
table of the same numbers, and ends with the annotated transcript that every count links to.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from voiceshare.report import charts
from voiceshare.report._format import clock, percent
from voiceshare.report.model import MeetingReport
from voiceshare.report.suggestions import suggestions_for


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("voiceshare.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = clock
    env.filters["percent"] = percent
    return env


def render_html(report: MeetingReport) -> str:
    """The report as one HTML document."""
    from markupsafe import Markup

    present = [s.name for s in report.speakers]
    spoke = [s.name for s in report.speakers if s.spoke]
    palette = charts.colours(present)
    anchors = {u.id: f"u{index}" for index, u in enumerate(report.utterances, start=1)}
    equal = report.balance.equal_share

    def svg(markup: str | None) -> Markup | None:
        return Markup(markup) if markup else None

    interruptions_status = report.status("interruptions")
    matrix_people = sorted(
        {n for row in report.interruption_matrix.values() for n in row}
        | set(report.interruption_matrix)
    )
    matrix_max = max(
        (count for row in report.interruption_matrix.values() for count in row.values()),
        default=0,
    )
    context = {
        "r": report,
        "m": report.meeting,
        "b": report.balance,
        "speakers_by_share": sorted(report.speakers, key=lambda s: s.share, reverse=True),
        "palette": palette,
        "anchors": anchors,
        "suggestions": suggestions_for(report.findings),
        "share_svg": svg(charts.share_bars(report.speakers, equal, palette)) if equal else None,
        "timeline_svg": svg(
            charts.timeline(report.utterances, spoke, palette, report.interruptions)
        ),
        "windows_svg": svg(charts.window_bars(report.windows, spoke, palette)),
        "spoke": spoke,
        "interruptions_status": interruptions_status,
        "matrix_people": matrix_people,
        "matrix_max": matrix_max,
        "not_measured": [a for a in report.analyses if a.status != "measured"],
        "texts": {u.id: u.text for u in report.utterances},
        "hedged": [u for u in report.utterances if "hedge" in u.acts],
    }
    return str(_environment().get_template("meeting.html.j2").render(**context))
