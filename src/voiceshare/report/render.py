"""Renderers by format name. Each takes a `MeetingReport` and returns the files to write:
`outputs(report)` gives `(suffix, text)` pairs, written as `<stem>.<suffix>`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from voiceshare.errors import ConfigError
from voiceshare.report.model import MeetingReport


@dataclass(frozen=True)
class Renderer:
    name: str
    extension: str
    description: str
    render: Callable[[MeetingReport], str]
    # For formats that write several files (CSV tables): `(suffix, text)` pairs.
    render_many: Callable[[MeetingReport], list[tuple[str, str]]] | None = None

    def outputs(self, report: MeetingReport) -> list[tuple[str, str]]:
        """The files this format writes for `report`: `(suffix, text)`, e.g. `("json", ...)`."""
        if self.render_many is not None:
            return self.render_many(report)
        return [(self.extension, self.render(report))]


def render_json(report: MeetingReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _render_markdown(report: MeetingReport) -> str:
    from voiceshare.report.markdown import render_markdown

    return render_markdown(report)


def _render_html(report: MeetingReport) -> str:
    from voiceshare.report.html import render_html

    return render_html(report)


def _render_csv_tables(report: MeetingReport) -> list[tuple[str, str]]:
    from voiceshare.report.tables import csv_tables

    return [(f"{name}.csv", text) for name, text in csv_tables(report).items()]


def _no_single_file(report: MeetingReport) -> str:
    raise TypeError("the csv format writes several tables; use Renderer.outputs")


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", "json", "JSON with a versioned schema", render_json),
        Renderer("md", "md", "Markdown: findings and tables", _render_markdown),
        Renderer("html", "html", "one self-contained HTML page", _render_html),
        Renderer(
            "csv",
            "csv",
            "tidy CSV tables: speakers, utterances, interruptions, questions",
            _no_single_file,
            _render_csv_tables,
        ),
    )
}
ALIASES = {"markdown": "md"}


def parse_formats(value: str) -> list[Renderer]:
    """`"json,md"` -> the renderers, in order, without repeats."""
    chosen: list[Renderer] = []
    for raw in value.split(","):
        name = ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if not name:
            continue
        if name not in RENDERERS:
            known = ", ".join(RENDERERS)
            raise ConfigError(f"unknown report format {raw.strip()!r}; choose from {known}.")
        if RENDERERS[name] not in chosen:
            chosen.append(RENDERERS[name])
    if not chosen:
        raise ConfigError("no report format given; choose from " + ", ".join(RENDERERS) + ".")
    return chosen
