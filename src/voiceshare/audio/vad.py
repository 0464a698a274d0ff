"""Speech regions from silero-vad (whose model ships inside its PyPI package), fed block by
block so a long recording is never held in memory."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from voiceshare.audio.decode import SAMPLE_RATE
from voiceshare.errors import MissingExtraError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CHUNK = 512  # silero's frame at 16 kHz: 32 ms
CHUNK_S = CHUNK / SAMPLE_RATE


@lru_cache(maxsize=1)
def _load_model() -> Any:
    try:
        from silero_vad import load_silero_vad
    except ImportError:
        raise MissingExtraError(
            "The built-in diarizer's voice activity detection", "audio"
        ) from None
    return load_silero_vad()


class SpeechProbabilities:
    """Per-32 ms speech probabilities of a signal fed in blocks of any size."""

    def __init__(self) -> None:
        import numpy as np

        self._model = _load_model()
        self._model.reset_states()
        self._rest: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._probs: list[float] = []

    def feed(self, block: npt.NDArray[np.float32]) -> None:
        import numpy as np
        import torch

        data = np.concatenate([self._rest, block]) if self._rest.size else block
        usable = data.size - data.size % CHUNK
        tensor = torch.from_numpy(np.ascontiguousarray(data[:usable]))
        with torch.inference_mode():
            for start in range(0, usable, CHUNK):
                self._probs.append(float(self._model(tensor[start : start + CHUNK], SAMPLE_RATE)))
        self._rest = data[usable:].copy()

    def finish(self) -> npt.NDArray[np.float32]:
        import numpy as np

        if self._rest.size:
            padded = np.zeros(CHUNK, dtype=np.float32)
            padded[: self._rest.size] = self._rest
            self._rest = np.zeros(0, dtype=np.float32)
            self.feed(padded)
        self._model.reset_states()
        return np.asarray(self._probs, dtype=np.float32)


def speech_regions(
    probabilities: Sequence[float] | npt.NDArray[np.float32],
    duration_s: float,
    threshold: float = 0.5,
    min_speech_s: float = 0.25,
    min_silence_s: float = 0.1,
    pad_s: float = 0.03,
) -> list[tuple[float, float]]:
    """Speech regions (start_s, end_s) by hysteresis: speech starts above `threshold`, ends
    after `min_silence_s` below `threshold - 0.15`; regions shorter than `min_speech_s` are
    dropped; each is padded by `pad_s` on both sides (without overlapping its neighbours)."""
    off = threshold - 0.15
    regions: list[tuple[float, float]] = []
    start: int | None = None
    below_since: int | None = None
    for index, probability in enumerate(probabilities):
        if start is None:
            if probability >= threshold:
                start, below_since = index, None
            continue
        if probability >= off:
            below_since = None
            continue
        if below_since is None:
            below_since = index
        if (index - below_since + 1) * CHUNK_S >= min_silence_s:
            regions.append((start * CHUNK_S, below_since * CHUNK_S))
            start, below_since = None, None
    if start is not None:
        regions.append((start * CHUNK_S, len(probabilities) * CHUNK_S))
    kept = [(s, min(e, duration_s)) for s, e in regions if e - s >= min_speech_s]
    padded: list[tuple[float, float]] = []
    for number, (s, e) in enumerate(kept):
        low = max(0.0, s - pad_s, padded[-1][1] if padded else 0.0)
        high = min(duration_s, e + pad_s)
        if number + 1 < len(kept):
            high = min(high, (e + kept[number + 1][0]) / 2)
        padded.append((low, high))
    return padded
