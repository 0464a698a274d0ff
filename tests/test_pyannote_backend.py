"""The pyannote.audio diarizer, end to end, with no download.

The tests marked `pyannote` need pyannote.audio, which runs in its own environment
(.venv-pyannote; `make test` runs them there). They build a tiny randomly initialised pipeline
laid out like pyannote/speaker-diarization-community-1 (a config.yaml naming `$model/segmentation`,
`$model/embedding` and `$model/plda`) and load it the way a user loads a downloaded pipeline
folder. Its speakers are meaningless, so nothing here measures accuracy: the tests check what
the adapter promises (times on the recording's clock, overlaps kept, progress, RTTM, errors).
The other tests need no pyannote and run in every environment."""

from __future__ import annotations

import itertools
import shutil
import socket
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from voiceshare.audio import pyannote_backend as backend
from voiceshare.audio.pyannote_backend import (
    DEFAULT_PIPELINE,
    PyannoteDiarizer,
    resolve_pipeline,
)
from voiceshare.audio.turns import Diarization
from voiceshare.errors import AudioError, ConfigError, MissingExtraError

SKIP_REASON = "pyannote.audio runs in .venv-pyannote (make test runs these tests there)"
SAMPLE = Path("audio") / "pyannote_sample" / "sample.wav"
SAMPLE_S = 30.0
RAW_OUTPUTS: list[Any] = []


def is_one_sentence(message: str) -> bool:
    return "\n" not in message and message.endswith(".") and len(message) < 400


# --- Without pyannote ---------------------------------------------------------------------------


def test_a_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    """A pipeline path that does not exist says so in one sentence, before pyannote loads."""
    with pytest.raises(ConfigError, match="no pyannote pipeline folder") as raised:
        PyannoteDiarizer(pipeline=str(tmp_path / "pyannote-community-1"))
    assert is_one_sentence(str(raised.value))


def test_a_folder_without_config_is_a_config_error(tmp_path: Path) -> None:
    """A folder with no config.yaml is not taken for a pipeline (nor sent to the hub)."""
    (tmp_path / "segmentation").mkdir()
    with pytest.raises(ConfigError, match=r"no config\.yaml") as raised:
        PyannoteDiarizer(pipeline=str(tmp_path))
    assert is_one_sentence(str(raised.value))


def test_a_config_file_or_a_folder_is_local_and_a_name_is_the_hub(tmp_path: Path) -> None:
    """Local pipelines are recognised on disk; `owner/name` that is not on disk is a hub name."""
    (tmp_path / "config.yaml").write_text("pipeline: {}\n", encoding="utf-8")
    assert resolve_pipeline(str(tmp_path)).local
    assert resolve_pipeline(tmp_path / "config.yaml").local
    hub = resolve_pipeline(DEFAULT_PIPELINE)
    assert not hub.local and hub.target == DEFAULT_PIPELINE


def test_missing_pyannote_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyannote.audio the error names the extra to install."""
    monkeypatch.setitem(sys.modules, "pyannote.audio", None)  # makes the import fail
    with pytest.raises(MissingExtraError, match=r"voiceshare\[pyannote\]") as raised:
        PyannoteDiarizer()
    assert raised.value.extra == "pyannote"
    assert str(raised.value).startswith("The pyannote diarizer needs")


def test_only_the_pipelines_own_warnings_reach_the_result() -> None:
    """pyannote's pipeline warnings become one-line notes; numerical noise from torch is dropped."""
    site = "/venv/lib/python3.11/site-packages"
    caught = [
        warnings.WarningMessage(
            UserWarning(
                "\n  The detected number of speakers (1) for recording is outside\n  the bounds."
            ),
            UserWarning,
            f"{site}/pyannote/audio/pipelines/speaker_diarization.py",
            1,
        ),
        warnings.WarningMessage(
            UserWarning("std(): degrees of freedom is <= 0."),
            UserWarning,
            f"{site}/pyannote/audio/models/blocks/pooling.py",
            1,
        ),
        warnings.WarningMessage(
            RuntimeWarning("Mean of empty slice"), RuntimeWarning, f"{site}/numpy/_methods.py", 1
        ),
    ]
    assert backend._pipeline_warnings(caught) == (
        "The detected number of speakers (1) for recording is outside the bounds.",
    )


# --- With pyannote: a tiny random pipeline --------------------------------------------------------


def build_tiny_pipeline(folder: Path, *, legacy: bool = False) -> Path:
    """Write a speaker-diarization pipeline folder with tiny random models: a small PyanNet
    (powerset segmentation of 3 speakers, 5 s chunks), a 16-dimensional x-vector embedding and a
    random PLDA, saved as the checkpoints `Model.from_pretrained` and `PLDA.from_pretrained`
    read from a local folder."""
    import lightning
    import numpy as np
    import torch
    import yaml
    from pyannote.audio import __version__
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import XVectorMFCC
    from pyannote.audio.models.segmentation import PyanNet

    def save(model: Any, path: Path) -> None:
        checkpoint = {
            "state_dict": model.state_dict(),
            "hyper_parameters": dict(model.hparams),
            "pytorch-lightning_version": lightning.__version__,
        }
        model.on_save_checkpoint(checkpoint)  # pyannote's versions, architecture, specifications
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(checkpoint, path)

    torch.manual_seed(0)
    segmentation = PyanNet(
        sincnet={"stride": 10},
        lstm={"hidden_size": 16, "num_layers": 1},
        linear={"hidden_size": 16, "num_layers": 1},
    )
    segmentation.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION,
        resolution=Resolution.FRAME,
        duration=5.0,
        min_duration=5.0,
        classes=["speaker#1", "speaker#2", "speaker#3"],
        powerset_max_classes=2,
        permutation_invariant=True,
    )
    segmentation.setup()  # adds the classifier for those specifications
    save(segmentation, folder / "segmentation" / "pytorch_model.bin")

    embedding = XVectorMFCC(dimension=16, mfcc={"n_mfcc": 20, "melkwargs": {"n_mels": 40}})
    embedding.specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=5.0
    )
    embedding.setup()
    save(embedding, folder / "embedding" / "pytorch_model.bin")

    # VBx clustering reads a PLDA: an x-vector transform (centering, LDA to 8 dimensions) and
    # the PLDA model itself, here a random rotation and decreasing between-class variances.
    rng = np.random.default_rng(0)
    rotation, _ = np.linalg.qr(rng.standard_normal((16, 16)))
    (folder / "plda").mkdir()
    np.savez(
        folder / "plda" / "xvec_transform.npz",
        mean1=np.zeros(16),
        mean2=np.zeros(8),
        lda=rotation[:, :8],
    )
    np.savez(folder / "plda" / "plda.npz", mu=np.zeros(8), tr=np.eye(8), psi=np.linspace(2, 0.5, 8))

    config = {
        "dependencies": {"pyannote.audio": __version__},
        "pipeline": {
            "name": "pyannote.audio.pipelines.SpeakerDiarization",
            "params": {
                "legacy": legacy,
                "segmentation": "$model/segmentation",
                "embedding": "$model/embedding",
                "plda": "$model/plda",
                "clustering": "VBxClustering",
                "embedding_exclude_overlap": True,
                "segmentation_step": 0.5,  # pyannote defaults to 0.1: fewer chunks, faster
                "segmentation_batch_size": 16,
                "embedding_batch_size": 16,
            },
        },
        "params": {
            "segmentation": {"min_duration_off": 0.0},
            "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
        },
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pyannote_audio() -> Any:
    return pytest.importorskip("pyannote.audio", reason=SKIP_REASON)


@pytest.fixture(scope="module")
def tiny_pipeline(pyannote_audio: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tiny pipeline's folder; while the module's tests run, every raw pipeline output
    the adapter converts is also kept in RAW_OUTPUTS, so tests can compare with pyannote's own
    result without running the pipeline twice."""
    convert = backend._turns

    def spy(output: Any, duration_s: float) -> Any:
        RAW_OUTPUTS.append(output)
        return convert(output, duration_s)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backend, "_turns", spy)
        yield build_tiny_pipeline(tmp_path_factory.mktemp("pyannote-tiny"))


@pytest.fixture(scope="module")
def recording(shared_data: Path) -> Any:
    from voiceshare.audio.decode import decode

    return decode(shared_data / SAMPLE)


@pytest.fixture(scope="module")
def diarized(tiny_pipeline: Path, recording: Any) -> tuple[Diarization, list[float]]:
    """The sample recording diarized by the tiny pipeline, with every progress fraction."""
    fractions: list[float] = []
    diarizer = PyannoteDiarizer(pipeline=str(tiny_pipeline))
    return diarizer(recording, progress=fractions.append), fractions


@pytest.fixture(scope="module")
def pyannote_output(diarized: tuple[Diarization, list[float]]) -> Any:
    """What the pipeline itself returned for `diarized` (pyannote 4's DiarizeOutput)."""
    return RAW_OUTPUTS[-1]


@pytest.mark.pyannote
def test_turns_lie_within_the_recording_in_order(diarized: tuple[Diarization, list[float]]) -> None:
    """Every turn is inside [0, 30] s, non-empty, and the turns are sorted by time."""
    diarization, _ = diarized
    assert diarization.turns
    assert all(0.0 <= t.start_s < t.end_s <= SAMPLE_S for t in diarization.turns)
    assert list(diarization.turns) == sorted(diarization.turns)
    assert diarization.duration_s == pytest.approx(SAMPLE_S, abs=0.01)


@pytest.mark.pyannote
def test_the_result_says_pyannote_and_overlap(diarized: tuple[Diarization, list[float]]) -> None:
    """The backend is "pyannote", it reports overlap, and speakers are numbered by first speech."""
    diarization, _ = diarized
    assert diarization.backend == "pyannote" and diarization.overlap_detected
    speakers = diarization.speakers
    assert speakers == tuple(f"SPEAKER_{n:02d}" for n in range(len(speakers)))


@pytest.mark.pyannote
def test_progress_rises_to_one(diarized: tuple[Diarization, list[float]]) -> None:
    """Progress starts at 0, never goes back, stays within [0, 1] and ends at exactly 1."""
    _, fractions = diarized
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(a < b for a, b in itertools.pairwise(fractions))
    assert len(fractions) > 3  # segmentation and embedding steps were reported along the way


@pytest.mark.pyannote
def test_overlapping_turns_are_kept(
    diarized: tuple[Diarization, list[float]], pyannote_output: Any
) -> None:
    """The turns are pyannote's regular diarization, overlaps included, not the exclusive one."""

    def spans(annotation: Any) -> list[tuple[float, float]]:
        return sorted(
            (round(s.start, 3), min(round(s.end, 3), SAMPLE_S)) for s, _ in annotation.itertracks()
        )

    regular = spans(pyannote_output.speaker_diarization)
    assert regular != spans(pyannote_output.exclusive_speaker_diarization)  # overlap was heard
    diarization, _ = diarized
    assert sorted((t.start_s, t.end_s) for t in diarization.turns) == regular
    turns = diarization.turns
    assert any(
        a.speaker != b.speaker and a.start_s < b.end_s and b.start_s < a.end_s
        for i, a in enumerate(turns)
        for b in turns[i + 1 :]
    )


@pytest.mark.pyannote
def test_rttm_round_trip(diarized: tuple[Diarization, list[float]], tmp_path: Path) -> None:
    """The turns written as RTTM read back through voiceshare's reader, times to the ms."""
    from voiceshare.readers import read_meeting

    diarization, _ = diarized
    path = tmp_path / "sample.rttm"
    path.write_text(diarization.to_rttm("sample"), encoding="utf-8")
    meeting = read_meeting(path)
    assert meeting.format == "rttm"
    read_back = sorted((u.start_s, u.end_s, u.speaker) for u in meeting.utterances)
    written = sorted((t.start_s, t.end_s, t.speaker) for t in diarization.turns)
    assert len(read_back) == len(written)
    for (start, end, speaker), (start_w, end_w, speaker_w) in zip(read_back, written, strict=True):
        assert start == pytest.approx(start_w, abs=1e-3) and end == pytest.approx(end_w, abs=2e-3)
        assert speaker == speaker_w


@pytest.mark.pyannote
def test_a_plain_annotation_and_a_speaker_count(
    tiny_pipeline: Path, recording: Any, tmp_path: Path
) -> None:
    """A pipeline returning a bare Annotation (`legacy: true`) works; num_speakers reaches it."""
    legacy = build_tiny_pipeline(tmp_path / "legacy", legacy=True)
    first_10_s = recording[: 10 * 16_000]
    diarization = PyannoteDiarizer(pipeline=legacy)(first_10_s, num_speakers=1)
    assert type(RAW_OUTPUTS[-1]).__name__ == "Annotation"
    assert diarization.speakers == ("SPEAKER_00",)
    assert all(0.0 <= t.start_s < t.end_s <= 10.0 for t in diarization.turns)


@pytest.mark.pyannote
def test_impossible_speaker_counts_and_empty_audio(tiny_pipeline: Path, recording: Any) -> None:
    """Bounds that contradict each other and an empty recording are refused with a sentence."""
    diarizer = PyannoteDiarizer(pipeline=str(tiny_pipeline))
    with pytest.raises(ConfigError, match="more than --max-speakers"):
        diarizer(recording, min_speakers=3, max_speakers=2)
    with pytest.raises(AudioError, match="no audio samples"):
        diarizer(recording[:0])


@pytest.mark.pyannote
def test_nothing_is_sent_anywhere(
    tiny_pipeline: Path, recording: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Loading and running a local pipeline looks up no host and opens no connection, even when
    pyannote's usage metrics were switched on (they would go to otel.pyannote.ai)."""
    from pyannote.audio.telemetry.metrics import is_metrics_enabled

    monkeypatch.setenv("PYANNOTE_METRICS_ENABLED", "true")
    lookups: list[object] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        lookups.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    copy = shutil.copytree(tiny_pipeline, tmp_path / "copy")  # a new folder: really loaded
    PyannoteDiarizer(pipeline=copy)(recording[: 5 * 16_000])
    time.sleep(1.0)  # pyannote's span exporter sends in the background every 0.5 s
    assert not is_metrics_enabled()
    assert lookups == []


@pytest.mark.pyannote
def test_a_hub_name_offline_without_token_is_a_config_error(
    pyannote_audio: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Offline, with no token and an empty cache, the default hub pipeline fails with one
    sentence and no connection is attempted."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)  # read when huggingface_hub loaded
    connections: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: connections.append(address))
    with pytest.raises(ConfigError, match="cannot be reached") as raised:
        PyannoteDiarizer(pipeline=DEFAULT_PIPELINE, cache_dir=tmp_path / "hf-cache")
    assert DEFAULT_PIPELINE in str(raised.value) and is_one_sentence(str(raised.value))
    assert connections == []


@pytest.mark.pyannote
def test_a_local_folder_never_downloads(pyannote_audio: Any, tmp_path: Path) -> None:
    """A local config naming a model on the hub fails with a sentence instead of downloading,
    and the hub settings are restored afterwards."""
    import os

    from huggingface_hub import constants

    offline_before = constants.HF_HUB_OFFLINE, os.environ.get("HF_HUB_OFFLINE")
    (tmp_path / "config.yaml").write_text(
        "pipeline:\n"
        "  name: pyannote.audio.pipelines.SpeakerDiarization\n"
        "  params:\n"
        "    segmentation: pyannote/segmentation-3.0\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="names models on the Hugging Face hub") as raised:
        PyannoteDiarizer(pipeline=str(tmp_path), cache_dir=tmp_path / "hf-cache")
    assert is_one_sentence(str(raised.value))
    assert (constants.HF_HUB_OFFLINE, os.environ.get("HF_HUB_OFFLINE")) == offline_before


@pytest.mark.pyannote
def test_an_incomplete_folder_is_a_config_error(tiny_pipeline: Path, tmp_path: Path) -> None:
    """A pipeline folder missing one of the checkpoints its config names says which."""
    folder = tmp_path / "incomplete"
    folder.mkdir()
    (folder / "config.yaml").write_text(
        (tiny_pipeline / "config.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"incomplete: .*pytorch_model\.bin is missing") as raised:
        PyannoteDiarizer(pipeline=folder)
    assert is_one_sentence(str(raised.value))


@pytest.mark.pyannote
@pytest.mark.parametrize(
    ("refusal", "expected"),
    [
        ("GatedRepoError", "is gated on the Hugging Face hub: accept its conditions"),
        ("RepositoryNotFoundError", "set HF_TOKEN to a Hugging Face token"),
    ],
)
def test_hub_refusals_are_config_errors(
    pyannote_audio: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    refusal: str,
    expected: str,
) -> None:
    """A gated pipeline, or one the hub does not show without a token, gives one sentence, and
    the advice pyannote prints on the way is kept off the terminal (the hub is simulated)."""
    from huggingface_hub import errors
    from pyannote.audio.utils import hf_hub

    http = sys.modules[errors.Response.__module__.split(".")[0]]  # the hub's HTTP library
    url = f"https://huggingface.co/{DEFAULT_PIPELINE}/resolve/main/config.yaml"
    response = errors.Response(401, request=http.Request("GET", url))

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise getattr(errors, refusal)(f"401 Client Error for url {url}", response=response)

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hf_hub, "hf_hub_download", refuse)
    with pytest.raises(ConfigError, match=expected) as raised:
        PyannoteDiarizer(pipeline=DEFAULT_PIPELINE)
    assert is_one_sentence(str(raised.value))
    assert capsys.readouterr().out == ""
