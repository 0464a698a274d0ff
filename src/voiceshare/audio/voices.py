"""Voice enrolment: `voiceshare enroll NAME clip.wav` keeps a voice print (the mean embedding
of the clip's speech) in a small JSON file; later recordings label a speaker whose voice
matches one of them with that name instead of SPEAKER_01.

The file holds names and 256 numbers per person, nothing else, and stays on this machine."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from voiceshare.audio.turns import Diarization
from voiceshare.errors import AudioError, ConfigError
from voiceshare.files import write_atomic

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from voiceshare.audio.builtin import AudioFeatures

# Cosine similarity at which a speaker's voice is taken to be an enrolled person's. Resemblyzer
# embeddings of one person across recordings are mostly above 0.8; of two people mostly below 0.75.
MATCH_THRESHOLD = 0.8
MIN_ENROL_SPEECH_S = 3.0
_FORMAT = "voiceshare-voices/1"


def default_path() -> Path:
    """`VOICESHARE_VOICES`, else voices.json in the user's data folder."""
    override = os.environ.get("VOICESHARE_VOICES")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("voiceshare", appauthor=False)) / "voices.json"


def load(path: Path | None = None) -> dict[str, list[float]]:
    path = path or default_path()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(f"{path}: is not a voiceshare voices file (unreadable JSON).") from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ConfigError(f"{path}: is not a voiceshare voices file.")
    voices = data.get("voices", {})
    if not isinstance(voices, dict) or not all(
        isinstance(v, list) and len(v) == 256 for v in voices.values()
    ):
        raise ConfigError(f"{path}: has malformed voice prints.")
    return {str(name): [float(x) for x in vector] for name, vector in voices.items()}


def save(voices: Mapping[str, list[float]], path: Path | None = None) -> Path:
    path = path or default_path()
    write_atomic(path, json.dumps({"format": _FORMAT, "voices": dict(voices)}, indent=1) + "\n")
    return path


def voice_print(
    features: AudioFeatures, spans: list[tuple[float, float]] | None = None
) -> list[float]:
    """Mean embedding of the windows inside `spans` (all windows when None), L2-normalised."""
    import numpy as np

    assert features.embeddings is not None
    chosen = [
        i
        for i, (start, end) in enumerate(features.windows)
        if spans is None or any(a * 100 <= start and end <= b * 100 + 1 for a, b in spans)
    ]
    if not chosen:
        chosen = list(range(len(features.windows)))
    mean = features.embeddings[chosen].mean(axis=0)
    return [float(x) for x in mean / max(float(np.linalg.norm(mean)), 1e-12)]


def enroll(
    name: str, clip: Path, path: Path | None = None, progress: Callable[[float], None] | None = None
) -> Path:
    """Add or replace `name`'s voice print from a clip of them speaking alone."""
    from voiceshare.audio.builtin import BuiltinDiarizer, embed_windows

    name = " ".join(name.split())
    if not name:
        raise ConfigError("The name to enrol is empty.")
    diarizer = BuiltinDiarizer()
    features = diarizer.features(clip, progress)
    speech_s = sum(end - start for start, end in features.regions)
    if speech_s < MIN_ENROL_SPEECH_S:
        raise AudioError(
            f"{clip}: has {speech_s:.1f} s of speech; enrolment needs at least "
            f"{MIN_ENROL_SPEECH_S:.0f} s of the person speaking alone."
        )
    embed_windows(features, diarizer.settings)
    voices = load(path)
    voices[name] = voice_print(features)
    return save(voices, path)


def name_speakers(
    diarization: Diarization,
    features: AudioFeatures,
    voices: Mapping[str, list[float]],
    threshold: float = MATCH_THRESHOLD,
) -> Diarization:
    """Relabel speakers whose voice matches an enrolled person (each person used once, best
    matches first); the others keep their SPEAKER_nn label."""
    import numpy as np

    if not voices or features.embeddings is None or not features.windows:
        return diarization
    names = list(voices)
    enrolled: npt.NDArray[np.float64] = np.array([voices[n] for n in names], dtype=np.float64)
    candidates: list[tuple[float, str, str]] = []
    for speaker in diarization.speakers:
        spans = [(t.start_s, t.end_s) for t in diarization.turns if t.speaker == speaker]
        print_ = np.array(voice_print(features, spans))
        for name, similarity in zip(names, enrolled @ print_, strict=True):
            if similarity >= threshold:
                candidates.append((float(similarity), speaker, name))
    mapping: dict[str, str] = {}
    for _, speaker, name in sorted(candidates, reverse=True):
        if speaker not in mapping and name not in mapping.values():
            mapping[speaker] = name
    return diarization.relabel(mapping)
