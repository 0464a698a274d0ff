"""Speaker embeddings from resemblyzer's pretrained voice encoder (a 3-layer LSTM over 40-band
mel spectrograms, 256-d output), whose weights ship inside the `resemblyzer` package.

We load the weights file directly and compute the spectrogram ourselves: importing resemblyzer
pulls librosa, numba and webrtcvad (and its first call spends tens of seconds compiling), none of
which embedding needs. The spectrogram matches librosa's `melspectrogram(sr=16000, n_fft=400,
hop_length=160, n_mels=40)` that the encoder was trained on (checked in the tests)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceshare.audio.decode import SAMPLE_RATE
from voiceshare.errors import ConfigError, MissingExtraError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms: one mel frame per 10 ms
N_MELS = 40
WINDOW_FRAMES = 160  # the encoder was trained on 1.6 s partial utterances
EMBEDDING_SIZE = 256
FRAMES_PER_S = SAMPLE_RATE // HOP


def _hz_to_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    import numpy as np

    mel = hz / (200.0 / 3)
    log_part = hz >= 1000.0
    mel[log_part] = 15.0 + np.log(hz[log_part] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    import numpy as np

    hz = mel * (200.0 / 3)
    log_part = mel >= 15.0
    hz[log_part] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel[log_part] - 15.0))
    return hz


@lru_cache(maxsize=1)
def mel_filterbank() -> npt.NDArray[np.float32]:
    """Triangular, area-normalised (Slaney) filters, shape (N_MELS, N_FFT // 2 + 1)."""
    import numpy as np

    fft_hz = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    edges_mel = np.linspace(
        _hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([SAMPLE_RATE / 2.0]))[0], N_MELS + 2
    )
    edges_hz = _mel_to_hz(edges_mel)
    widths = np.diff(edges_hz)
    ramps = edges_hz[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (edges_hz[2:] - edges_hz[:-2]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _hann() -> npt.NDArray[np.float32]:
    import numpy as np

    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


class MelStream:
    """Mel power spectrogram of a signal fed in blocks, frame for frame identical to computing
    it on the whole signal at once (centred frames, zero padding at both ends)."""

    def __init__(self) -> None:
        import numpy as np

        self._pending: npt.NDArray[np.float32] = np.zeros(N_FFT // 2, dtype=np.float32)
        self._samples = 0
        self._frames_done = 0
        self._blocks: list[npt.NDArray[np.float32]] = []

    def feed(self, block: npt.NDArray[np.float32]) -> None:
        import numpy as np

        self._samples += block.size
        self._pending = np.concatenate([self._pending, block.astype(np.float32, copy=False)])
        self._emit(final=False)

    def finish(self) -> npt.NDArray[np.float32]:
        """All frames, shape (1 + samples // HOP, N_MELS)."""
        import numpy as np

        self._pending = np.concatenate([self._pending, np.zeros(N_FFT // 2, dtype=np.float32)])
        self._emit(final=True)
        if not self._blocks:
            return np.zeros((0, N_MELS), dtype=np.float32)
        return np.concatenate(self._blocks)

    def _emit(self, final: bool) -> None:
        import numpy as np

        available = (self._pending.size - N_FFT) // HOP + 1 if self._pending.size >= N_FFT else 0
        if final:
            available = min(available, 1 + self._samples // HOP - self._frames_done)
        if available <= 0:
            return
        frames = np.lib.stride_tricks.sliding_window_view(self._pending, N_FFT)[::HOP][:available]
        spectrum = np.fft.rfft(frames * _hann(), axis=1)
        power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
        self._blocks.append(power @ mel_filterbank().T)
        self._frames_done += available
        self._pending = self._pending[available * HOP :]


def mel_spectrogram(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Mel power spectrogram of a whole signal, shape (frames, N_MELS)."""
    stream = MelStream()
    stream.feed(audio)
    return stream.finish()


def _weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError("The built-in diarizer's voice encoder", "audio")
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise ConfigError(f"The resemblyzer package has no voice encoder weights at {path}.")
    return path


class VoiceEncoder:
    """Embeds mel windows into L2-normalised 256-d speaker vectors. Load with `load_encoder`."""

    def __init__(self, module: Any, torch: Any) -> None:
        self._module = module
        self._torch = torch

    def embed(self, windows: list[npt.NDArray[np.float32]], batch_size: int = 64) -> Any:
        """One embedding per mel window (windows may differ in length); shape (n, 256)."""
        import numpy as np

        torch = self._torch
        out = np.zeros((len(windows), EMBEDDING_SIZE), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda i: -windows[i].shape[0])
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chosen = order[start : start + batch_size]
                lengths = [windows[i].shape[0] for i in chosen]
                batch = np.zeros((len(chosen), lengths[0], N_MELS), dtype=np.float32)
                for row, i in enumerate(chosen):
                    batch[row, : lengths[row]] = windows[i]
                out[chosen] = self._module(torch.from_numpy(batch), lengths).numpy()
        return out


@lru_cache(maxsize=1)
def load_encoder() -> VoiceEncoder:
    """The pretrained voice encoder, loaded once per process from resemblyzer's package."""
    try:
        import torch
        from torch import nn
    except ImportError:
        raise MissingExtraError("The built-in diarizer", "audio") from None
    path = _weights_path()

    class _Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(N_MELS, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, EMBEDDING_SIZE)

        def forward(self, mels: Any, lengths: list[int]) -> Any:
            if min(lengths) == max(lengths):
                _, (hidden, _) = self.lstm(mels)
            else:
                packed = nn.utils.rnn.pack_padded_sequence(
                    mels, torch.tensor(lengths), batch_first=True, enforce_sorted=True
                )
                _, (hidden, _) = self.lstm(packed)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.linalg.vector_norm(raw, dim=1, keepdim=True).clamp_min(1e-12)

    module = _Encoder()
    state = torch.load(path, map_location="cpu", weights_only=True)["model_state"]
    module.load_state_dict(
        {key: value for key, value in state.items() if key.split(".")[0] in ("lstm", "linear")}
    )
    module.eval()
    return VoiceEncoder(module, torch)
