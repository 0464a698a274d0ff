"""From a file to a report: read, apply who-is-who options, analyze. The CLI and (later) the
batch runner and web service all go through `report_for_file`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from voiceshare.analysis import analyze
from voiceshare.identity import apply_speaker_map, pseudonymise
from voiceshare.model import Meeting
from voiceshare.readers import read_meeting
from voiceshare.report.model import MeetingReport

if TYPE_CHECKING:
    from voiceshare.audio.recording import AudioOptions


@dataclass(frozen=True)
class Options:
    """What the user said about the meetings beyond the files themselves."""

    attendees: tuple[str, ...] = ()
    speaker_map: Mapping[str, str] | None = None
    pseudonymise: bool = False
    pseudonym_key: str | None = None
    input_format: str | None = None
    audio: AudioOptions | None = None  # how recordings are diarized; defaults when None
    # The meeting's title, instead of the one from the file (its stem, or its metadata).
    title: str | None = None
    # The name the file had where it came from, when it is read under another one (an upload
    # stored under a generated name): the source shown, and a date written in it.
    source_name: str | None = None

    @property
    def hides_names(self) -> bool:
        return self.pseudonymise or bool(self.pseudonym_key)


def prepare(meeting: Meeting, options: Options) -> Meeting:
    """Set the title and source name given, add attendees, merge aliases, then pseudonymise (in
    that order, so aliases merge first)."""
    if options.source_name:
        meeting = _renamed_source(meeting, options.source_name)
    if options.title:
        meeting = meeting.with_changes(title=options.title)
    if options.attendees:
        meeting = meeting.with_changes(attendees=meeting.attendees + options.attendees)
    if options.speaker_map:
        meeting = apply_speaker_map(meeting, options.speaker_map)
    if options.hides_names:
        meeting = pseudonymise(meeting, options.pseudonym_key)
    return meeting


def _renamed_source(meeting: Meeting, name: str) -> Meeting:
    """The meeting as if read from a file called `name`: its source, its title when it came
    from the file name, and the date in that name when the file itself had none."""
    from voiceshare.readers import title_from_name
    from voiceshare.readers._dates import date_from_name

    changes: dict[str, object] = {"source": name}
    if meeting.source:
        old = Path(meeting.source).name
        if meeting.format == "audio":  # a recording's title: its stem, `_` read as spaces
            if meeting.title == Path(old).stem.replace("_", " ").strip():
                changes["title"] = Path(name).stem.replace("_", " ").strip() or name
        elif meeting.title == title_from_name(old):
            changes["title"] = title_from_name(name)
    if meeting.date is None and (date := date_from_name(name)) is not None:
        changes["date"] = date
        changes["metadata"] = {**meeting.metadata, "date_origin": "file name"}
    return meeting.with_changes(**changes)


def read_input(
    path: Path, options: Options, progress: Callable[[str, float], None] | None = None
) -> Meeting:
    """A transcript is read; a recording (recognised by its content) is diarized and,
    when asked, transcribed."""
    from voiceshare.audio.decode import looks_like_audio

    if options.input_format is None and looks_like_audio(path):
        from voiceshare.audio.recording import AudioOptions, meeting_from_recording

        return meeting_from_recording(path, options.audio or AudioOptions(), progress)
    return read_meeting(path, options.input_format)


def report_for_file(
    path: Path, options: Options, progress: Callable[[str, float], None] | None = None
) -> tuple[Meeting, MeetingReport]:
    """Read (or diarize) and analyze one file; raises `VoiceshareError` subclasses for bad
    input. `progress(stage, fraction)` follows the slow stages of a recording."""
    meeting = prepare(read_input(path, options, progress), options)
    report = analyze(meeting)
    if options.hides_names:
        report = replace(report, pseudonymised=True)
    return meeting, report


def output_stem(path: Path, meeting: Meeting, options: Options) -> str:
    """The name reports are written under: the input's stem, with names replaced when the
    report is pseudonymised (the pseudonymised meeting's source is its file name)."""
    if options.hides_names and meeting.source:
        return Path(meeting.source).stem or meeting.id
    return path.stem or path.name
