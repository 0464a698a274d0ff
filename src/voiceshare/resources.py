"""Where voiceshare finds the models it ships (trained thresholds and classifier weights)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from voiceshare.errors import VoiceshareError


def models_dir() -> Path:
    """`VOICESHARE_MODELS`, else the repository's `models/` (a source checkout or an editable
    install), else `<prefix>/share/voiceshare/models` (a wheel install)."""
    override = os.environ.get("VOICESHARE_MODELS")
    if override:
        return Path(override)
    checkout = Path(__file__).resolve().parents[2] / "models"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "voiceshare" / "models"


def model_file(name: str) -> Path:
    """The path of a shipped model file; a clear error when it is missing."""
    path = models_dir() / name
    if not path.is_file():
        raise VoiceshareError(
            f"the model file {name} is missing from {path.parent}; reinstall voiceshare or set "
            "VOICESHARE_MODELS to the folder that holds it."
        )
    return path
