"""Benchmark: the bundled embedding model under ONNX Runtime (float32 and int8 dynamic quantisation) against
PyTorch, on exactly the sentences ingest embeds, alternating rounds in one process; prints speed ratios and how
far the vectors move.

  python benchmarks/bench_onnx.py --rounds 2

The model is exported locally from the bundled weights with torch.onnx (nothing is downloaded).
sentence-transformers' own `backend="onnx"` needs optimum, whose current release pins transformers below 5 and
would downgrade this project's stack, so the export and pooling are done here the way the model defines them."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.bench_ingest import sentence_texts  # noqa: E402
from index.embedder import Embedder  # noqa: E402

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export(model, folder: Path) -> tuple[Path, Path]:  # noqa: ANN001 - a SentenceTransformer
    """float32 and int8 ONNX files of the model's transformer (pooling stays in numpy, as the model defines it)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    example = model.tokenizer(["an example", "a second example sentence"], padding=True, return_tensors="pt")
    float_path, int8_path = folder / "model.onnx", folder / "model-int8.onnx"
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    torch.onnx.export(LastHiddenState(model[0].auto_model.eval()), tuple(example[name] for name in INPUTS),
                      str(float_path), input_names=list(INPUTS), output_names=["last_hidden_state"],
                      dynamic_axes=axes, opset_version=17, dynamo=False)
    quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8)
    return float_path, int8_path


def onnx_encoder(path: Path, tokenizer, max_tokens: int, batch_size: int) -> Callable[[list[str]], np.ndarray]:  # noqa: ANN001
    """Mean-pooled, normalised embeddings from an ONNX file, batched longest-first like sentence-transformers."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def encode(texts: list[str]) -> np.ndarray:
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), 384), np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            batch = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=max_tokens,
                              return_tensors="np")
            hidden = session.run(None, {name: batch[name].astype(np.int64) for name in INPUTS})[0]
            mask = batch["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / mask.sum(axis=1)
            vectors[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return vectors

    return encode


def timed(encode: Callable[[list[str]], np.ndarray], texts: list[str]) -> tuple[float, float, np.ndarray]:
    started, cpu = time.perf_counter(), time.process_time()
    vectors = encode(texts)
    return time.perf_counter() - started, time.process_time() - cpu, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, default=PROJECT / "samples" / "reports")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts = sentence_texts(args.folder)
    embedder = Embedder(backend="torch")
    model = embedder._model  # noqa: SLF001 - the benchmark compares backends of the very model the embedder loads
    with tempfile.TemporaryDirectory() as folder:
        float_path, int8_path = export(model, Path(folder))
        backends = {"pytorch": embedder.embed,
                    "onnx float32": onnx_encoder(float_path, model.tokenizer, model.max_seq_length, embedder.batch_size),
                    "onnx int8": onnx_encoder(int8_path, model.tokenizer, model.max_seq_length, embedder.batch_size)}
        for encode in backends.values():
            encode(texts[:64])  # warm up
        wall: dict[str, list[float]] = {name: [] for name in backends}
        cpu: dict[str, list[float]] = {name: [] for name in backends}
        vectors: dict[str, np.ndarray] = {}
        for _ in range(args.rounds):
            for name, encode in backends.items():
                seconds, cpu_seconds, vectors[name] = timed(encode, texts)
                wall[name].append(seconds)
                cpu[name].append(cpu_seconds)
    base = min(wall["pytorch"])
    print(f"{len(texts)} sentences from {args.folder}, best of {args.rounds} alternating rounds")
    print("backend      | wall s | CPU s | speed vs pytorch | cosine to pytorch: min / mean")
    for name in backends:
        cosine = (vectors[name] * vectors["pytorch"]).sum(axis=1)
        print(f"{name:12} | {min(wall[name]):6.1f} | {min(cpu[name]):5.1f} | {base / min(wall[name]):15.2f}x | "
              f"{cosine.min():.4f} / {cosine.mean():.4f}")


if __name__ == "__main__":
    main()
