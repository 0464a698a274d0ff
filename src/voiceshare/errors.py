"""Errors a user can cause: each carries one clear sentence the CLI prints before exiting."""

from __future__ import annotations


class VoiceshareError(Exception):
    """Base class: the message is a complete sentence meant for the user."""


class InputError(VoiceshareError):
    """An input file cannot be read as a meeting (missing, empty, binary, malformed...)."""


class UnknownFormatError(InputError):
    """The file's content matches none of the transcript formats voiceshare reads."""


class ConfigError(VoiceshareError):
    """An option or auxiliary file given by the user is invalid (speaker map, attendees...)."""


class MissingExtraError(VoiceshareError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs optional dependencies that are not installed: "
            f"run `pip install 'voiceshare[{extra}]'`."
        )
        self.extra = extra


class AudioError(InputError):
    """A recording cannot be decoded or holds nothing to analyze (corrupt, silent, no speech)."""
