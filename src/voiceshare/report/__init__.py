"""The per-meeting report: one `MeetingReport` object, many renderers."""

from voiceshare.report.model import SCHEMA_VERSION, MeetingReport

__all__ = ["SCHEMA_VERSION", "MeetingReport"]
