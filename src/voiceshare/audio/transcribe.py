"""Optional transcription: Whisper through `transformers`, words timed on the recording's clock.

`load_transcriber()` takes a hub name (`openai/whisper-small`) or a local folder holding a Whisper
model. Hub access is offline (`HF_HUB_OFFLINE=1`) and telemetry off unless the user set those
variables themselves, so a hub name only works when the model is already in the local Hugging
Face cache: voiceshare never downloads anything by itself. transformers and torch are imported
inside the factory, never at import time. How accurate the words and their times are depends
entirely on the Whisper model the user supplies.

Word times come from Whisper's cross-attention alignment (dynamic time warping over the
alignment heads listed in the model's generation config), computed by
`model.generate(..., return_token_timestamps=True)`. Long recordings are cut into windows of at
most 30 s (Whisper's input length) at the quietest moment near each window's end, so a cut
rarely falls inside a word; each window is transcribed on its own and its word times shifted by
the window's start.
"""

from __future__ import annotations

import math
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceshare.audio.decode import SAMPLE_RATE
from voiceshare.errors import ConfigError, MissingExtraError
from voiceshare.model import Word

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

DEFAULT_MODEL = "openai/whisper-small"
WINDOW_S = 30.0  # Whisper's fixed input length
# Alignment stretches a word over the silence next to it (the first word of a window always
# starts at 0 s, where the alignment path begins): like openai/whisper, a word longer than twice
# the median word length (at most 0.7 s) is cut to that, keeping the end that touches speech.
MEDIAN_WORD_CAP_S = 0.7
# A window ends at the quietest 100 ms of its last 5 s, so a cut rarely splits a word.
CUT_SEARCH_S = 5.0
CUT_FRAME_S = 0.1
_SILENCE_PEAK = 10 ** (-70 / 20)  # a window quieter than -70 dBFS holds no speech to transcribe

Progress = Callable[[float], None]

# Whisper's own punctuation rules for word grouping (openai/whisper `timing.py`).
_PREPENDED = "\"'“¡¿([{-"
_APPENDED = "\"'.。,，!！?？:：”)]}、"
# Scripts written without spaces (Chinese, Japanese kana, Thai, Lao, Myanmar): every
# unicode-complete piece of them is a word of its own, as Whisper does for those languages.
_UNSPACED_SCRIPT = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
# A byte-level token sequence that still decodes to a broken character after this many tokens
# is emitted anyway (a model can generate an invalid UTF-8 sequence).
_MAX_PIECE_TOKENS = 8


@dataclass(frozen=True, slots=True)
class _Window:
    start: int  # samples
    end: int


class Transcriber:
    """A loaded Whisper model: call it on 16 kHz mono float32 audio to get timed words."""

    def __init__(
        self, model: Any, processor: Any, name: str, device: str, language: str | None
    ) -> None:
        self._model = model
        self._processor = processor
        self.name = name
        self.device = device
        self.language = language
        tokenizer = processor.tokenizer
        self._tokenizer = tokenizer
        # Whisper puts every special token (end of text, language, task, timestamps) after the
        # text vocabulary, starting with end-of-text.
        self._first_special = int(tokenizer.eos_token_id)
        self._special_ids = frozenset(int(i) for i in tokenizer.all_special_ids)
        generation_config = model.generation_config
        self._generate_options: dict[str, Any] = {
            "return_token_timestamps": True,
            # Timestamp mode, as Whisper is mostly trained: the timestamp grammar keeps decoding
            # well-formed and splits the text into segments (a word never spans two).
            "return_timestamps": True,
            # One `generate` call per window, returning the raw token sequence with the decoder
            # prompt, aligned one-to-one with `token_timestamps`.
            "force_unique_generate_call": True,
        }
        if _multilingual(generation_config):
            self._generate_options["task"] = "transcribe"
            if language is not None:
                self._generate_options["language"] = language

    def __call__(
        self, audio: npt.NDArray[np.float32], *, progress: Progress | None = None
    ) -> list[Word]:
        """The words spoken in `audio` (16 kHz mono), in time order, on the recording's clock.

        `progress` receives the fraction of the audio transcribed, from 0.0 to 1.0."""
        import numpy as np

        samples = np.asarray(audio, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"transcription needs mono audio, got shape {samples.shape}")
        duration_s = samples.size / SAMPLE_RATE
        if progress is not None:
            progress(0.0)
        words: list[Word] = []
        for window in _windows(samples):
            chunk = samples[window.start : window.end]
            if chunk.size and float(np.max(np.abs(chunk))) >= _SILENCE_PEAK:
                words.extend(self._transcribe_window(chunk, window.start / SAMPLE_RATE))
            if progress is not None:
                progress(window.end / samples.size)
        if progress is not None and samples.size == 0:
            progress(1.0)
        return _monotonic(words, duration_s)

    def _transcribe_window(self, chunk: npt.NDArray[np.float32], offset_s: float) -> list[Word]:
        import torch

        inputs = self._processor.feature_extractor(
            chunk, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True
        )
        features = inputs["input_features"].to(self.device, dtype=self._model.dtype)
        attention_mask = inputs["attention_mask"].to(self.device)
        with torch.inference_mode(), _quiet():
            output = self._model.generate(
                features, attention_mask=attention_mask, **self._generate_options
            )
        tokens = [int(t) for t in output["sequences"][0].tolist()]
        times = [float(t) for t in output["token_timestamps"][0].tolist()]
        chunk_s = chunk.size / SAMPLE_RATE
        timed = []
        for text, first, last, opens_segment in self._words(tokens):
            # Token i is spoken between times[i - 1] and times[i] (the decoder prompt comes first,
            # so a text token is never at position 0).
            start_s = min(max(times[first - 1] if first > 0 else 0.0, 0.0), chunk_s)
            end_s = min(max(times[min(last, len(times) - 1)], start_s), chunk_s)
            timed.append((text, start_s, end_s, opens_segment))
        return [
            Word(text, offset_s + start_s, offset_s + end_s)
            for text, start_s, end_s in _shorten_stretched(timed)
        ]

    def _is_text(self, token: int) -> bool:
        return token < self._first_special and token not in self._special_ids

    def _pieces(self, tokens: list[int]) -> list[tuple[str, int, int, bool]]:
        """Unicode-complete pieces of text: (text, first position, last position, whether a
        special token such as a timestamp came just before it)."""
        pieces: list[tuple[str, int, int, bool]] = []
        current: list[int] = []
        first = 0
        after_special = True
        for position, token in enumerate(tokens):
            if not self._is_text(token):
                if current:
                    pieces.append((self._decode(current), first, position - 1, after_special))
                    current = []
                after_special = True
                continue
            if not current:
                first = position
            current.append(token)
            text = self._decode(current)
            if "\ufffd" not in text or len(current) >= _MAX_PIECE_TOKENS:
                pieces.append((text, first, position, after_special))
                current = []
                after_special = False
        if current:
            pieces.append((self._decode(current), first, len(tokens) - 1, after_special))
        return pieces

    def _decode(self, tokens: list[int]) -> str:
        return str(self._tokenizer.decode(tokens, clean_up_tokenization_spaces=False))

    def _words(self, tokens: list[int]) -> list[tuple[str, int, int, bool]]:
        """Group text tokens into words (text, first position, last position, whether it opens a
        segment), the way Whisper does: a word starts at a space, punctuation sticks to its
        neighbour, and a special token such as a timestamp always ends a word."""
        words: list[list[Any]] = []  # [text, first, last, opens a segment]
        for text, first, last, after_special in self._pieces(tokens):
            stripped = text.strip()
            if not stripped:
                continue
            previous = words[-1][0].strip() if words else ""
            joins_previous = bool(words) and (
                all(c in _APPENDED for c in stripped)
                or all(c in _PREPENDED for c in previous)
                or not (text[0].isspace() or after_special or _UNSPACED_SCRIPT.search(stripped))
            )
            if joins_previous:
                words[-1][0] += text
                words[-1][2] = last
            else:
                words.append([text, first, last, after_special])
        result = []
        for text, first, last, opens_segment in words:
            cleaned = " ".join(str(text).split())
            if cleaned:
                result.append((cleaned, int(first), int(last), bool(opens_segment)))
        return result


def _windows(samples: npt.NDArray[np.float32]) -> list[_Window]:
    """Windows of at most 30 s covering `samples`, each cut at the quietest 100 ms of its last
    5 s."""
    import numpy as np

    total = int(samples.size)
    window = int(WINDOW_S * SAMPLE_RATE)
    search = int(CUT_SEARCH_S * SAMPLE_RATE)
    frame = int(CUT_FRAME_S * SAMPLE_RATE)
    windows: list[_Window] = []
    start = 0
    while start < total:
        end = start + window
        if end >= total:
            windows.append(_Window(start, total))
            break
        region = samples[end - search : end]
        energy = np.square(region[: region.size // frame * frame].reshape(-1, frame)).sum(axis=1)
        quietest = int(np.argmin(energy))
        cut = end - search + quietest * frame + frame // 2
        windows.append(_Window(start, cut))
        start = cut
    return windows


def _shorten_stretched(
    words: list[tuple[str, float, float, bool]],
) -> list[tuple[str, float, float]]:
    """Cut words longer than twice the window's median word length: a word opening a segment
    (after a pause) keeps its end, any other word keeps its start."""
    import statistics

    durations = [end - start for _, start, end, _ in words if end > start]
    if not durations:
        return [(text, start, end) for text, start, end, _ in words]
    longest = 2 * min(MEDIAN_WORD_CAP_S, statistics.median(durations))
    shortened = []
    for text, start, end, opens_segment in words:
        if end - start > longest:
            if opens_segment:
                start = end - longest
            else:
                end = start + longest
        shortened.append((text, start, end))
    return shortened


def _monotonic(words: list[Word], duration_s: float) -> list[Word]:
    """Times finite, within [0, duration], and never going backwards from word to word (the
    alignment can jitter at window edges); empty words dropped."""
    result: list[Word] = []
    floor = 0.0
    for word in words:
        text = word.text.strip()
        if not text:
            continue
        start = word.start_s if word.start_s is not None and math.isfinite(word.start_s) else floor
        end = word.end_s if word.end_s is not None and math.isfinite(word.end_s) else start
        start = min(max(start, floor), duration_s)
        end = min(max(end, start), duration_s)
        result.append(Word(text, start, end))
        floor = end
    return result


_CACHE: dict[tuple[str, str, str | None], Transcriber] = {}
_LOCK = threading.Lock()


def load_transcriber(
    model: str = DEFAULT_MODEL, *, device: str | None = None, language: str | None = None
) -> Transcriber:
    """The Whisper model `model` (a hub name or a local folder), loaded once per process.

    `device` defaults to the GPU when torch sees one, else the CPU. `language` (`"en"`,
    `"english"`...) skips Whisper's language detection; None detects it in every 30 s window.
    Raises `ConfigError` for a model that is not found offline or cannot give word times, and
    `MissingExtraError` when transformers is not installed."""
    _quiet_environment()
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError:
        raise MissingExtraError("Transcription", "audio") from None
    chosen_device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    key = (model, chosen_device, language)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            return cached
        with _quiet():
            loaded, processor = _load(model, chosen_device)
        code = _language_code(model, loaded.generation_config, language)
        transcriber = Transcriber(loaded, processor, model, chosen_device, code)
        _CACHE[key] = transcriber
        return transcriber


def _quiet_environment() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ["HF_HUB_OFFLINE"])
    # Library code never prints: no download or weight-loading progress bars on the terminal.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@contextmanager
def _quiet() -> Iterator[None]:
    """Library code never prints: transformers logs deprecation notes on every `generate` call
    (its environment switch only works when set before transformers is first imported), and
    DTW over a one-token answer warns about a zero-variance std whose result is still right."""
    from transformers.utils import logging as transformers_logging

    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            yield
    finally:
        transformers_logging.set_verbosity(verbosity)


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "1").strip().lower() in {"1", "true", "yes", "on"}


def _load(model: str, device: str) -> tuple[Any, Any]:
    from transformers import AutoProcessor, WhisperForConditionalGeneration
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    local = Path(model).expanduser()
    looks_local = local.exists() or model.startswith((".", "/", "~"))
    if looks_local and not (local / "config.json").is_file():
        raise ConfigError(
            f"The Whisper model {model!r} is not a local folder holding a model (no config.json) "
            "and could not be loaded from the Hugging Face hub: pass a folder saved with "
            "`save_pretrained` or a hub name already in the local Hugging Face cache."
        )
    target = str(local) if looks_local else model
    # The environment variable is read when huggingface_hub is first imported, which may have
    # happened before this call: `local_files_only` makes "never download" hold regardless.
    offline = _offline()
    processor: Any
    loaded: Any
    try:
        processor = AutoProcessor.from_pretrained(  # type: ignore[no-untyped-call]
            target, local_files_only=offline
        )
        loaded = WhisperForConditionalGeneration.from_pretrained(target, local_files_only=offline)
    except ImportError:
        raise MissingExtraError("Transcription", "audio") from None
    except Exception as exc:  # transformers raises many kinds for a missing or broken model
        if looks_local:
            raise ConfigError(
                f"The Whisper model folder {model!r} could not be loaded "
                f"({type(exc).__name__}: {_first_line(exc)})."
            ) from None
        raise ConfigError(
            f"The Whisper model {model!r} is not a local folder and could not be loaded from the "
            "Hugging Face hub (voiceshare works offline, so only models already in the local "
            "Hugging Face cache load): download it once with `hf download "
            f"{model}` or pass a local folder."
        ) from None
    if not hasattr(processor, "feature_extractor") or not hasattr(processor, "tokenizer"):
        raise ConfigError(
            f"The model {model!r} has no Whisper processor (feature extractor and tokenizer)."
        )
    if not getattr(loaded.generation_config, "alignment_heads", None):
        raise ConfigError(
            f"The Whisper model {model!r} lists no `alignment_heads` in its generation config, so "
            "it cannot time words: use an openai/whisper-* model or add the heads of the model it "
            "was fine-tuned from to its generation_config.json."
        )
    return loaded.to(device).eval(), processor


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].rstrip(".") if lines else "no reason given"


def _multilingual(generation_config: Any) -> bool:
    """Whether the model takes a language token (older fine-tunes only list the languages)."""
    stated = getattr(generation_config, "is_multilingual", None)
    if stated is not None:
        return bool(stated)
    return len(getattr(generation_config, "lang_to_id", None) or {}) > 1


def _language_code(model: str, generation_config: Any, language: str | None) -> str | None:
    """Whisper's code for `language` (`en` for "en", "English" or "<|en|>"), checked against the
    languages the model knows."""
    if language is None:
        return None
    from transformers.models.whisper.tokenization_whisper import TO_LANGUAGE_CODE

    code = language.strip().lower().removeprefix("<|").removesuffix("|>")
    code = TO_LANGUAGE_CODE.get(code, code)
    if not _multilingual(generation_config):
        if code == "en":
            return None  # an English-only model (`*.en`) takes no language token
        raise ConfigError(
            f"The Whisper model {model!r} is English-only and cannot transcribe {language!r}."
        )
    known = getattr(generation_config, "lang_to_id", None) or {}
    if f"<|{code}|>" not in known:
        raise ConfigError(f"The Whisper model {model!r} does not know the language {language!r}.")
    return code
