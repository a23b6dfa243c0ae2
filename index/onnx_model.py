"""The embedding model's transformer as an ONNX file, exported once per machine from the bundled weights, and run
with ONNX Runtime and the model's own tokenizer and pooling: a process that embeds never imports PyTorch.

Importing sentence-transformers and PyTorch and loading the model took 10-14 s of a 19 s app start at 100,000
passages, and PyTorch several hundred MiB of memory; ONNX Runtime and the tokenizer load in about a second. The
vectors are the same to float rounding (tests/test_embedder.py). sentence-transformers' own ONNX backend needs
optimum, which would downgrade transformers, so the export is done here with torch.onnx (PyTorch is needed only
for that, once)."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from pathlib import Path

import numpy as np

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_OPSET = 17


def exportable(model_dir: Path) -> bool:
    """True for a model this module reproduces exactly: a transformer, mean pooling, then normalisation."""
    try:
        modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((model_dir / "modules.json").read_text())]
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError, KeyError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        value for key, value in pooling.items() if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens")
    return modules == ["Transformer", "Pooling", "Normalize"] and bool(mean_only) and (model_dir / "tokenizer.json").exists()


def onnx_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where this model's export lives: named by the weights it came from, so new weights get a new export."""
    weights = model_dir / "model.safetensors"
    stamp = f"{model_dir.resolve()}:{weights.stat().st_size if weights.exists() else 0}"
    return cache_dir / f"{model_dir.name}-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}.onnx"


def export(model_dir: Path, target: Path) -> None:
    """Writes the transformer's last hidden state as ONNX (pooling stays in numpy); temporary name, then renamed."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201 - traced by torch
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    example = tokenizer(["an example", "a second example sentence"], padding=True, return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.stem}.{os.getpid()}.onnx")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    print(f"Preparing the embedding model for ONNX Runtime (once per machine): {target}", file=sys.stderr)
    # the tracer warns about branches on shapes that do not vary without a key-value cache; nothing to act on
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(model), tuple(example[name] for name in INPUTS), str(temporary),
                          input_names=list(INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=ONNX_OPSET, dynamo=False)
    os.replace(temporary, target)


class OnnxEncoder:
    """Mean-pooled, normalised embeddings from the exported file, batched longest first as sentence-transformers
    batches them, with the same truncation."""

    def __init__(self, model_dir: Path, onnx_file: Path, max_tokens: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # its warnings about unused initialisers say nothing a user can act on
        # idle model threads sleep rather than spin: during an ingest they share two cores with the thread reading
        # the next file, and spinning took that thread's time
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), self.dimension), np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            feed = {"input_ids": np.array([e.ids for e in encodings], np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encodings], np.int64),
                    "token_type_ids": np.array([e.type_ids for e in encodings], np.int64)}
            hidden = self.session.run(None, feed)[0]
            mask = feed["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            vectors[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors


def max_tokens(model_dir: Path, default: int = 256) -> int:
    """The model's own limit, from sentence-transformers' config."""
    try:
        return int(json.loads((model_dir / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return default
