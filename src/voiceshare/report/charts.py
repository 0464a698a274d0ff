"""Hand-built SVG charts: crisp at any size, printable, no JavaScript, no fonts to fetch.

Every chart has a title and description for screen readers, and the report shows a table
with the same numbers beside it, so nothing depends on seeing colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from voiceshare.metrics import intervals
from voiceshare.report._format import clock, percent
from voiceshare.report.model import (
    InterruptionReport,
    SpeakerReport,
    UtteranceReport,
    WindowReport,
)

# Okabe & Ito's palette, safe for the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
INK = "#1f2328"
MUTED = "#656d76"
GRID = "#d0d7de"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def colours(names: Sequence[str]) -> dict[str, str]:
    """A stable colour per person, in the order given."""
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def _svg(width: float, height: float, title: str, description: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        f'style="font-family:{FONT};max-width:{width:.0f}px">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, **attrs: str | float) -> str:
    extra = " ".join(f'{key.replace("_", "-")}="{value}"' for key, value in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" {extra}>{escape(text)}</text>'


def share_bars(
    speakers: Sequence[SpeakerReport], equal_share: float, palette: dict[str, str]
) -> str:
    """Horizontal bars of each person's share, with the equal share and the quiet-voice line
    (half the equal share) drawn across them."""
    ranked = sorted(speakers, key=lambda s: s.share, reverse=True)
    label_w, bar_w, row_h, top = 170.0, 420.0, 30.0, 34.0
    width = label_w + bar_w + 70
    height = top + row_h * len(ranked) + 16
    scale_max = max([equal_share * 1.5, *(s.share for s in ranked)]) or 1.0

    def x(share: float) -> float:
        return label_w + bar_w * share / scale_max

    body = [
        f'<line x1="{x(equal_share):.1f}" y1="{top - 8}" x2="{x(equal_share):.1f}" '
        f'y2="{height - 10}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>',
        _text(
            x(equal_share),
            top - 14,
            f"equal share {percent(equal_share)}",
            font_size=12,
            fill=INK,
            text_anchor="middle",
        ),
        f'<line x1="{x(equal_share / 2):.1f}" y1="{top - 2}" x2="{x(equal_share / 2):.1f}" '
        f'y2="{height - 10}" stroke="{MUTED}" stroke-width="1" stroke-dasharray="2 3"/>',
    ]
    for index, speaker in enumerate(ranked):
        y = top + index * row_h
        name = speaker.name if len(speaker.name) <= 24 else speaker.name[:23] + "…"
        body.append(_text(label_w - 10, y + 19, name, font_size=13, fill=INK, text_anchor="end"))
        bar = max(0.0, x(speaker.share) - label_w)
        fill = palette.get(speaker.name, PALETTE[0])
        body.append(
            f'<rect x="{label_w:.1f}" y="{y + 6:.1f}" width="{bar:.1f}" height="{row_h - 12:.1f}" '
            f'fill="{fill}" rx="3"/>'
        )
        if speaker.quiet:
            body.append(
                f'<rect x="{label_w:.1f}" y="{y + 6:.1f}" width="{max(bar, 2):.1f}" '
                f'height="{row_h - 12:.1f}" fill="none" stroke="{INK}" stroke-width="1" '
                f'stroke-dasharray="3 2" rx="3"/>'
            )
        suffix = " · quiet" if speaker.quiet else ""
        body.append(
            _text(
                label_w + bar + 6, y + 19, percent(speaker.share) + suffix, font_size=12, fill=INK
            )
        )
    description = "; ".join(f"{s.name} {percent(s.share)}" for s in ranked)
    return _svg(width, height, "Share of the talk per person", description, body)


def _ticks(start: float, end: float) -> list[float]:
    span = max(end - start, 1.0)
    for step in (30, 60, 120, 300, 600, 900, 1800, 3600):
        if span / step <= 8:
            break
    first = (start // step + 1) * step
    return [t for t in (first + i * step for i in range(20)) if t < end]


def timeline(
    utterances: Sequence[UtteranceReport],
    names: Sequence[str],
    palette: dict[str, str],
    interruptions: Sequence[InterruptionReport] = (),
) -> str | None:
    """Who spoke when: one lane per person, speech as blocks (overlap shows as blocks in two
    lanes at once), interruptions as small triangles on the interrupted person's lane."""
    timed = [u for u in utterances if u.start_s is not None and u.end_s is not None]
    if not timed or not names:
        return None
    start = min(u.start_s for u in timed if u.start_s is not None)
    end = max(u.end_s for u in timed if u.end_s is not None)
    label_w, plot_w, lane_h, top = 150.0, 560.0, 26.0, 12.0
    lanes = {name: index for index, name in enumerate(names)}
    height = top + lane_h * len(names) + 30
    width = label_w + plot_w + 20
    span = max(end - start, 1e-6)

    def x(t: float) -> float:
        return label_w + plot_w * (t - start) / span

    body = []
    for tick in _ticks(start, end):
        body.append(
            f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{height - 24}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(x(tick), height - 10, clock(tick), font_size=11, fill=MUTED, text_anchor="middle")
        )
    spans: dict[str, list[intervals.Interval]] = {name: [] for name in names}
    for u in timed:
        if u.speaker in spans and u.start_s is not None and u.end_s is not None:
            spans[u.speaker].append((u.start_s, u.end_s))
    for name, lane in lanes.items():
        y = top + lane * lane_h
        label = name if len(name) <= 20 else name[:19] + "…"
        body.append(_text(label_w - 8, y + 17, label, font_size=12, fill=INK, text_anchor="end"))
        body.append(
            f'<line x1="{label_w}" y1="{y + lane_h - 1:.1f}" x2="{label_w + plot_w}" '
            f'y2="{y + lane_h - 1:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        # Merging a person's touching utterances keeps the file small for long meetings.
        for lo, hi in intervals.union(spans[name]):
            w = max(x(hi) - x(lo), 0.8)
            body.append(
                f'<rect x="{x(lo):.2f}" y="{y + 5:.1f}" width="{w:.2f}" height="{lane_h - 10:.1f}" '
                f'fill="{palette.get(name, PALETTE[0])}"/>'
            )
    for interruption in interruptions:
        lane_index = lanes.get(interruption.interrupted)
        if interruption.time_s is None or lane_index is None:
            continue
        cx, cy = x(interruption.time_s), top + lane_index * lane_h + 3
        points = f"M{cx - 5:.1f},{cy - 2:.1f} L{cx + 5:.1f},{cy - 2:.1f} L{cx:.1f},{cy + 6:.1f} Z"
        body.append(f'<path d="{points}" fill="{INK}" stroke="#ffffff" stroke-width="0.8"/>')
    description = (
        f"Speech per person from {clock(start)} to {clock(end)}; "
        f"{len(interruptions)} interruptions marked."
    )
    return _svg(width, height, "Who spoke when", description, body)


def window_bars(
    windows: Sequence[WindowReport], names: Sequence[str], palette: dict[str, str]
) -> str | None:
    """Stacked bars: each person's share of the talk in each window of the recording."""
    if not windows:
        return None
    label_h, plot_h, bar_w, gap, left = 30.0, 180.0, 46.0, 14.0, 40.0
    width = left + (bar_w + gap) * len(windows) + 10
    height = plot_h + label_h + 16
    body = []
    for fraction in (0.0, 0.5, 1.0):
        y = 8 + plot_h * (1 - fraction)
        body.append(
            f'<line x1="{left - 4}" y1="{y:.1f}" x2="{width - 6:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            _text(left - 8, y + 4, f"{fraction:.0%}", font_size=11, fill=MUTED, text_anchor="end")
        )
    for index, window in enumerate(windows):
        x = left + index * (bar_w + gap)
        y = 8 + plot_h
        for name in names:
            share = window.shares.get(name, 0.0)
            if share <= 0:
                continue
            h = plot_h * share
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.2f}" width="{bar_w}" height="{h:.2f}" '
                f'fill="{palette.get(name, PALETTE[0])}" stroke="#ffffff" stroke-width="0.7">'
                f"<title>{escape(name)}: {percent(share)}</title></rect>"
            )
        body.append(
            _text(
                x + bar_w / 2,
                8 + plot_h + 18,
                clock(window.start_s),
                font_size=11,
                fill=MUTED,
                text_anchor="middle",
            )
        )
    return _svg(
        width,
        height,
        "Share of the talk in each window",
        f"{len(windows)} windows from {clock(windows[0].start_s)}",
        body,
    )
