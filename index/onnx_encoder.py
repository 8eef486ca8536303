"""A sentence-transformers ONNX export run with ONNX Runtime and `tokenizers` alone.

Once the export exists (`index.onnx_export` makes it with sentence-transformers), encoding
needs neither torch nor transformers, so a process start (a one-shot `claimbot ask` too) does
not pay for importing them. This reproduces sentence-transformers' pipeline for a mean-pooled,
normalized model (tokenize with truncation at the model's maximum length, run the
transformer, average the token vectors under the attention mask, L2-normalize); any other
pooling is left to sentence-transformers (`OnnxEncoder.supports`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

_DEFAULT_MAX_LENGTH = 256

TOKENS_PER_BATCH = 1024
"""Padded tokens per ONNX run, at most: a batch is padded to its longest text, and attention
grows with the square of that length, so small batches of similar lengths run soonest."""


class OnnxEncoder:
    """Encodes texts with an exported ONNX model folder, batch by batch, sorted by length,
    each batch at most `batch_size` texts and `TOKENS_PER_BATCH` padded tokens."""

    def __init__(self, folder: Path, file_name: str, session_options: Any = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=_max_length(folder))
        # The exported tokenizer.json may carry fixed-length padding: texts are tokenized
        # unpadded, grouped by length, then padded to their batch's longest here.
        self.tokenizer.no_padding()
        self.pad_id = _pad_id(self.tokenizer)
        self.session = onnxruntime.InferenceSession(
            str(folder / file_name), sess_options=session_options,
            providers=["CPUExecutionProvider"],
        )  # fmt: skip
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    @staticmethod
    def supports(folder: Path) -> bool:
        """True when the folder is a mean-pooled, normalized model with a fast tokenizer."""
        try:
            modules = json.loads((folder / "modules.json").read_text("utf-8"))
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
        except (OSError, ValueError):
            return False
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
        return (
            (folder / "tokenizer.json").is_file()
            and bool(mean)
            and kinds[1:] == ["Pooling", "Normalize"]
        )

    def encode(self, texts: list[str], batch_size: int = 64) -> Vectors:
        encodings = self.tokenizer.encode_batch(texts)
        lengths = [len(e.ids) for e in encodings]
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for chosen in batches(lengths, batch_size, TOKENS_PER_BATCH):
            out[chosen] = self._encode_batch([encodings[i] for i in chosen])
        return out

    def _encode_batch(self, encodings: list[Any]) -> Vectors:
        width = max(1, *(len(e.ids) for e in encodings))  # a tokenizer may add no special tokens
        ids = np.full((len(encodings), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
            types[row, : len(e.ids)] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = types
        tokens = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return vectors


def batches(lengths: list[int], most: int, tokens: int) -> list[list[int]]:
    """Indexes of `lengths`, shortest first, in batches of at most `most` items whose count
    times their longest length stays within `tokens` (a longer item alone if need be)."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    out: list[list[int]] = []
    batch: list[int] = []
    for i in order:
        # Ascending order: item i is the longest of the batch it joins.
        if batch and (len(batch) == most or (len(batch) + 1) * lengths[i] > tokens):
            out.append(batch)
            batch = []
        batch.append(i)
    if batch:
        out.append(batch)
    return out


def session_options() -> Any:
    """ONNX Runtime settings for a process that also does other work: its worker threads spin
    while a call runs and stop when it returns (`session.force_spinning_stop`).

    Without spinning, each operator wakes a sleeping worker anew and a question takes longer;
    left spinning after a call (the default), the workers keep every core busy through idle
    time, starving the event loop and other processes. The thread count is left to ONNX
    Runtime, which then also pins its threads to cores (see docs/decisions/)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "1")
    options.add_session_config_entry("session.force_spinning_stop", "1")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options


def _max_length(folder: Path) -> int:
    for name, key in (("sentence_bert_config.json", "max_seq_length"),
                      ("tokenizer_config.json", "model_max_length")):  # fmt: skip
        try:
            value = json.loads((folder / name).read_text("utf-8")).get(key)
        except (OSError, ValueError):
            continue
        if isinstance(value, int) and 0 < value <= 8192:
            return value
    return _DEFAULT_MAX_LENGTH


def _pad_id(tokenizer: Any) -> int:
    pad = tokenizer.token_to_id("[PAD]")
    return int(pad) if pad is not None else 0
