"""From a recording to a meeting: diarize (built-in or pyannote), name enrolled voices,
optionally transcribe, and assign words to speakers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voiceshare.audio.turns import Diarization
from voiceshare.errors import ConfigError
from voiceshare.model import Meeting

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

Progress = Callable[[str, float], None]  # (stage, fraction of that stage done)

BACKENDS = ("builtin", "pyannote")
DEFAULT_PYANNOTE_PIPELINE = "pyannote/speaker-diarization-community-1"
DEFAULT_WHISPER_MODEL = "openai/whisper-small"


@dataclass(frozen=True)
class AudioOptions:
    """How to turn recordings into meetings."""

    backend: str = "builtin"
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    transcribe: bool = False
    whisper_model: str = DEFAULT_WHISPER_MODEL
    language: str | None = None
    pyannote_pipeline: str = DEFAULT_PYANNOTE_PIPELINE
    voices: Path | None = None  # enrolled voices file; None means the default location

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(
                f"Unknown diarization backend {self.backend!r}: use one of {', '.join(BACKENDS)}."
            )


def diarize(path: Path, options: AudioOptions, progress: Progress | None = None) -> Diarization:
    """Who spoke when in the recording at `path`, with enrolled voices named."""
    diarization, _ = _diarize(path, options, progress)
    return diarization


def _diarize(
    path: Path, options: AudioOptions, progress: Progress | None
) -> tuple[Diarization, npt.NDArray[np.float32] | None]:
    from voiceshare.audio import voices as voicebook
    from voiceshare.audio.builtin import BuiltinDiarizer, embed_windows

    def stage(name: str) -> Callable[[float], None] | None:
        return None if progress is None else (lambda fraction: progress(name, fraction))

    counts = {
        "num_speakers": options.num_speakers,
        "min_speakers": options.min_speakers,
        "max_speakers": options.max_speakers,
    }
    builtin = BuiltinDiarizer()
    enrolled = voicebook.load(options.voices)
    if options.backend == "builtin":
        diarization, features = builtin.diarize_with_features(
            path, progress=stage("diarizing"), **counts
        )
        audio = None
    else:
        from voiceshare.audio.decode import decode
        from voiceshare.audio.pyannote_backend import PyannoteDiarizer

        audio = decode(path)
        diarizer = PyannoteDiarizer(pipeline=options.pyannote_pipeline)
        diarization = diarizer(audio, progress=stage("diarizing"), **counts)
        if enrolled:
            features = builtin.features(audio)
            embed_windows(features, builtin.settings)
    if enrolled:
        diarization = voicebook.name_speakers(diarization, features, enrolled)
    return diarization, audio


def meeting_from_recording(
    path: Path, options: AudioOptions, progress: Progress | None = None
) -> Meeting:
    """Diarize, optionally transcribe, and build the meeting the analyses read."""
    from voiceshare.audio.assign import meeting_from_diarization
    from voiceshare.readers._dates import date_from_name

    diarization, audio = _diarize(path, options, progress)
    words = None
    if options.transcribe:
        from voiceshare.audio.decode import decode
        from voiceshare.audio.transcribe import load_transcriber

        samples = audio if audio is not None else decode(path)
        transcriber = load_transcriber(options.whisper_model, language=options.language)
        words = transcriber(
            samples,
            progress=None if progress is None else (lambda f: progress("transcribing", f)),
        )
    meeting = meeting_from_diarization(
        diarization,
        words,
        id=path.stem or path.name,
        title=path.stem.replace("_", " ").strip() or path.name,
        source=path.name,
        date=date_from_name(path.name),
    )
    note = f"Speaker turns from the {diarization.backend} diarizer" + (
        f"; words from {options.whisper_model}." if options.transcribe else "."
    )
    return meeting.with_changes(warnings=(*meeting.warnings, note))
