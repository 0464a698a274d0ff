"""The spaCy pipeline the language analysis runs on, loaded once per process.

By default `spacy.blank("en")` with a sentencizer (spaCy's trained English pipelines cannot be
downloaded everywhere); a configured pipeline (`VOICESHARE_SPACY_MODEL`: a package name or a
folder) or an installed `en_core_web_*` package is used when present.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.util import find_spec
from typing import Any

from voiceshare.errors import MissingExtraError

# The trained English pipelines voiceshare looks for, best first.
SPACY_MODELS = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
_UNUSED = ["ner", "lemmatizer", "textcat", "textcat_multilabel"]


def configured_pipeline_name() -> str | None:
    """The configured or installed trained pipeline, or None (then `spacy.blank("en")`)."""
    configured = os.environ.get("VOICESHARE_SPACY_MODEL")
    if configured:
        return configured
    return next((name for name in SPACY_MODELS if find_spec(name)), None)


@cache
def load_pipeline() -> Any:
    """The pipeline, with a sentencizer when it has no parser to split sentences."""
    try:
        import spacy
    except ImportError:
        raise MissingExtraError("The language analysis", "nlp") from None
    name = configured_pipeline_name()
    nlp = None
    if name:
        try:
            nlp = spacy.load(name, exclude=_UNUSED)
        except OSError:
            nlp = None
    if nlp is None:
        nlp = spacy.blank("en")
    if "parser" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    return nlp


def has_tagger(nlp: Any) -> bool:
    return any(p in nlp.pipe_names for p in ("tagger", "morphologizer", "attribute_ruler"))
