"""The pyannote.audio diarizer: who spoke when, overlapping speech kept.

`PyannoteDiarizer(pipeline=...)` loads a pyannote pipeline either from a local folder (the
air-gapped way: `config.yaml` beside the `segmentation/`, `embedding/` and `plda/` checkpoints it
names, see models/README-pyannote.md) or by its Hugging Face name (default
`pyannote/speaker-diarization-community-1`, gated: it needs a token from `HF_TOKEN` or the
`token` argument). A local folder is loaded with the hub switched off, so a config that names
models on the hub fails with a clear sentence instead of downloading them.

pyannote.audio 4 sends usage metrics (OpenTelemetry spans to otel.pyannote.ai) unless
`PYANNOTE_METRICS_ENABLED` is false; voiceshare switches them off before pyannote is imported
and again through `pyannote.audio.telemetry.set_telemetry_metrics(False)` once it is.

pyannote.audio and torch are imported inside the functions that need them (pyannote needs
torchaudio, so it usually lives in its own environment); this module imports without them.

The audio goes to the pipeline in memory (16 kHz mono), so pyannote never decodes files itself.
The result keeps pyannote's regular diarization, where two speakers can overlap, not its
"exclusive" one made for aligning transcripts: overlapped speech is what interruption analysis
reads."""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceshare.audio.decode import SAMPLE_RATE
from voiceshare.audio.turns import (
    Diarization,
    SpeakerTurn,
    check_speaker_counts,
    renumber_speakers,
)
from voiceshare.errors import AudioError, ConfigError, MissingExtraError, VoiceshareError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEFAULT_PIPELINE = "pyannote/speaker-diarization-community-1"
BACKEND = "pyannote"
CONFIG_FILE = "config.yaml"
README = "models/README-pyannote.md"

Progress = Callable[[float], None]

# A Hugging Face repository id: `owner/name`, letters, digits, `-`, `_` and `.`.
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
# Where each step of pyannote's SpeakerDiarization falls on the 0..1 progress scale: embedding
# every (chunk, speaker) pair is the slow part, as the embedding model is the pipeline's largest.
# Steps not listed (custom pipelines) leave the progress where it was.
_STEPS = {
    "segmentation": (0.0, 0.25),
    "speaker_counting": (0.25, 0.25),
    "embeddings": (0.25, 0.95),
    "discrete_diarization": (0.95, 0.95),
}

_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str, str | None, str | None], Any] = {}


@dataclass(frozen=True)
class PipelineSource:
    """Where a pipeline comes from: a local config file, or a name on the Hugging Face hub."""

    target: str
    local: bool


def resolve_pipeline(pipeline: str | Path) -> PipelineSource:
    """Check a local pipeline folder (or config file) without importing pyannote; anything that
    is not on disk but reads as `owner/name` is taken for a Hugging Face hub name.

    Raises `ConfigError` for a missing folder or a folder without config.yaml."""
    text = str(pipeline).strip()
    path = Path(text).expanduser()
    if path.is_dir():
        config = path / CONFIG_FILE
        if not config.is_file():
            raise ConfigError(
                f"{path} is not a pyannote pipeline folder: it has no {CONFIG_FILE} (see {README})."
            )
        return PipelineSource(str(path), local=True)
    if path.is_file():
        if path.suffix.lower() not in {".yaml", ".yml"}:
            raise ConfigError(
                f"{path} is not a pyannote pipeline: pass the folder holding its {CONFIG_FILE}."
            )
        return PipelineSource(str(path), local=True)
    if isinstance(pipeline, str) and _HUB_ID.fullmatch(text):
        return PipelineSource(text, local=False)
    raise ConfigError(f"There is no pyannote pipeline folder at {path} (see {README}).")


class PyannoteDiarizer:
    """`PyannoteDiarizer(pipeline=...)(audio)`: who spoke when, with overlapping speech.

    `pipeline` is a local folder holding a pipeline's config.yaml and checkpoints, or a name on
    the Hugging Face hub; `token` defaults to `HF_TOKEN`. The pipeline runs on the GPU when torch
    sees one, else on the CPU, unless `device` says otherwise. Loading raises `ConfigError` with
    one sentence for a pipeline that cannot be found or fetched, and `MissingExtraError` when
    pyannote.audio is not installed."""

    name = BACKEND

    def __init__(
        self,
        pipeline: str | Path = DEFAULT_PIPELINE,
        *,
        token: str | None = None,
        device: str | None = None,
        cache_dir: str | Path | None = None,
    ) -> None:
        source = resolve_pipeline(pipeline)
        torch = _import_pyannote()
        self.pipeline_name = str(pipeline)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        token = token or os.environ.get("HF_TOKEN") or None
        key = (
            source.target,
            self.device,
            token,
            None if cache_dir is None else str(cache_dir),
        )
        with _LOCK:
            loaded = _CACHE.get(key)
            if loaded is None:
                loaded = _load(source, self.pipeline_name, token, cache_dir)
                loaded.to(torch.device(self.device))
                _CACHE[key] = loaded
        self._pipeline = loaded

    def __call__(
        self,
        audio: npt.NDArray[np.float32],
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Progress | None = None,
    ) -> Diarization:
        """Diarize 16 kHz mono float32 samples; `progress` gets fractions from 0 to 1.

        Raises `ConfigError` for impossible speaker counts and `AudioError` for an empty
        recording or one in which pyannote finds no speech."""
        import numpy as np
        import torch

        check_speaker_counts(num_speakers, min_speakers, max_speakers)
        if audio.ndim != 1:
            raise ValueError(f"expected mono samples (one dimension), got shape {audio.shape}")
        if audio.size == 0:
            raise AudioError("The recording holds no audio samples.")
        duration_s = audio.size / SAMPLE_RATE
        # torch.from_numpy shares memory (an hour is 230 MB) but needs a writable array.
        samples = np.require(audio, dtype=np.float32, requirements=["C", "W"])
        file = {
            "waveform": torch.from_numpy(samples)[None],
            "sample_rate": SAMPLE_RATE,
            "uri": "recording",  # pyannote's warnings name the file by it
        }
        counts = {
            key: value
            for key, value in (
                ("num_speakers", num_speakers),
                ("min_speakers", min_speakers),
                ("max_speakers", max_speakers),
            )
            if value is not None
        }
        tracker = _ProgressHook(progress)
        tracker.report(0.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            output = self._pipeline(file, hook=tracker, **counts)
        turns = renumber_speakers(_turns(output, duration_s))
        if not turns:
            raise AudioError("pyannote found no speech in the recording.")
        tracker.report(1.0)
        return Diarization.from_turns(
            turns,
            duration_s,
            BACKEND,
            overlap_detected=True,
            warnings=_pipeline_warnings(caught),
        )


class _ProgressHook:
    """pyannote's `hook(step, artifact, file=..., completed=..., total=...)` as one fraction
    from 0 to 1 that never goes back."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = -1.0

    def __call__(
        self,
        step_name: str,
        step_artifact: Any = None,
        file: Any = None,
        total: int | None = None,
        completed: int | None = None,
    ) -> None:
        span = _STEPS.get(step_name)
        if span is None:
            return
        low, high = span
        if completed is None or not total:
            self.report(high)  # the step's result is out
        else:
            self.report(low + (high - low) * min(1.0, int(completed) / int(total)))

    def report(self, fraction: float) -> None:
        if self.progress is not None and fraction > self.done:
            self.done = fraction
            self.progress(fraction)


def _import_pyannote() -> Any:
    """Import pyannote.audio with its usage metrics off; returns torch."""
    # pyannote reads this variable each time it would send metrics, and only sets its default
    # (on) when the variable is missing at import.
    os.environ["PYANNOTE_METRICS_ENABLED"] = "false"
    try:
        torch = importlib.import_module("torch")
        importlib.import_module("pyannote.audio")
        telemetry: Any = importlib.import_module("pyannote.audio.telemetry")
    except ModuleNotFoundError:
        raise MissingExtraError("The pyannote diarizer", "pyannote") from None
    except (ImportError, OSError) as error:
        raise VoiceshareError(
            f"pyannote.audio is installed but does not load ({_first_line(error)}): it needs a "
            f"torchaudio built for the same torch, so give it its own environment (see {README})."
        ) from None
    telemetry.set_telemetry_metrics(False)
    return torch


def _load(
    source: PipelineSource, name: str, token: str | None, cache_dir: str | Path | None
) -> Any:
    """The pipeline, instantiated with the parameters in its config."""
    from huggingface_hub import errors as hub

    pyannote_audio: Any = importlib.import_module("pyannote.audio")
    offline = _hub_offline() if source.local else contextlib.nullcontext()
    try:
        with _quiet(), offline:
            loaded = pyannote_audio.Pipeline.from_pretrained(
                source.target, token=token, cache_dir=cache_dir
            )
    except hub.LocalEntryNotFoundError:
        if source.local:
            raise ConfigError(
                f"The pyannote pipeline in {name} names models on the Hugging Face hub, which "
                f"voiceshare does not download for a local folder: put them in the folder and "
                f"refer to them as $model/<subfolder> in its {CONFIG_FILE} (see {README})."
            ) from None
        raise ConfigError(
            f"{name!r} is not a local folder, and the Hugging Face hub cannot be reached "
            f"(offline or no network) with no cached copy of it: download the pipeline on a "
            f"connected machine and pass its folder (see {README})."
        ) from None
    except hub.GatedRepoError:
        raise ConfigError(
            f"The pyannote pipeline {name!r} is gated on the Hugging Face hub: accept its "
            f"conditions at https://hf.co/{name} and set HF_TOKEN to a token of that account."
        ) from None
    except hub.RepositoryNotFoundError:
        hint = "check the name" if token else "set HF_TOKEN to a Hugging Face token"
        raise ConfigError(
            f"{name!r} is neither a local folder nor a pipeline the Hugging Face hub lets this "
            f"machine see: {hint}, or pass a local pipeline folder (see {README})."
        ) from None
    except hub.HfHubHTTPError as error:
        raise ConfigError(
            f"The Hugging Face hub refused the pyannote pipeline {name!r} "
            f"({_first_line(error)}): pass a local pipeline folder instead (see {README})."
        ) from None
    except FileNotFoundError as error:
        missing = getattr(error, "filename", None) or _first_line(error)
        raise ConfigError(
            f"The pyannote pipeline in {name} is incomplete: {missing} is missing (see {README})."
        ) from None
    except (ValueError, KeyError, TypeError, ImportError, RuntimeError) as error:
        where = f"in {name}" if source.local else repr(name)
        raise ConfigError(
            f"The pyannote pipeline {where} could not be built from its {CONFIG_FILE} "
            f"({type(error).__name__}: {_first_line(error)})."
        ) from None
    if loaded is None:
        raise ConfigError(f"The pyannote pipeline {name!r} could not be loaded (see {README}).")
    return loaded


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Library code never prints: while a pipeline loads, pyannote prints advice about gated
    models to stdout before raising (the ConfigError says the same in one sentence), and
    huggingface_hub logs each retry when the hub cannot be reached."""
    hub_logger = logging.getLogger("huggingface_hub")
    level = hub_logger.level
    hub_logger.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        hub_logger.setLevel(level)


@contextlib.contextmanager
def _hub_offline() -> Iterator[None]:
    """No network while a local pipeline loads (huggingface_hub reads the variables when it is
    first imported, so its constants are switched too), restored afterwards."""
    from huggingface_hub import constants

    names = ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")
    saved_env = {name: os.environ.get(name) for name in names}
    saved = {name: getattr(constants, name) for name in names}
    for name in names:
        os.environ[name] = "1"
        setattr(constants, name, True)
    try:
        yield
    finally:
        for name in names:
            setattr(constants, name, saved[name])
            value = saved_env[name]
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _turns(output: Any, duration_s: float) -> list[SpeakerTurn]:
    """Speaker turns from pyannote 4's DiarizeOutput (its regular, overlapping diarization) or
    from a plain Annotation (pyannote 3 pipelines, `legacy: true`, custom pipelines)."""
    annotation = getattr(output, "speaker_diarization", output)
    if not hasattr(annotation, "itertracks"):
        raise VoiceshareError(
            f"The pyannote pipeline returned {type(output).__name__}, not a diarization."
        )
    turns = []
    for segment, _track, label in annotation.itertracks(yield_label=True):
        start_s = min(max(round(float(segment.start), 3), 0.0), duration_s)
        end_s = min(max(round(float(segment.end), 3), 0.0), duration_s)
        turns.append(SpeakerTurn(start_s, end_s, str(label)))
    return turns


def _pipeline_warnings(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """What pyannote's pipeline itself warned about (a speaker count outside the bounds
    asked for...), one line each; numerical warnings from torch and numpy are dropped."""
    notes = []
    for warning in caught:
        where = Path(warning.filename).as_posix()
        if "/pyannote/audio/pipelines/" in where:
            note = " ".join(str(warning.message).split())
            if note and note not in notes:
                notes.append(note)
    return tuple(notes)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(error).__name__
