"""Renderers by format name. Each takes a `MeetingReport` and returns the file's text."""

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


def render_json(report: MeetingReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _render_markdown(report: MeetingReport) -> str:
    from voiceshare.report.markdown import render_markdown

    return render_markdown(report)


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("json", "json", "JSON with a versioned schema", render_json),
        Renderer("md", "md", "Markdown: findings and tables", _render_markdown),
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
