"""Benchmark: the bundled embedding model under ONNX Runtime (float32 and int8 dynamic quantisation) against
PyTorch, on exactly the sentences ingest embeds, alternating rounds in one process; prints speed ratios and how
far the vectors move.

  python benchmarks/bench_onnx.py --rounds 2

The float32 model is the app's own export and encoder (index/onnx_model.py: torch.onnx from the bundled weights,
nothing downloaded); the int8 one is its dynamic quantisation."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Callable

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from benchmarks.bench_ingest import sentence_texts  # noqa: E402
from index.embedder import Embedder, resolve_model_path  # noqa: E402
from index.onnx_model import OnnxEncoder, export, max_tokens  # noqa: E402


def export_both(model_dir: Path, folder: Path) -> tuple[Path, Path]:
    """The app's float32 export (index/onnx_model.py) and its int8 dynamic quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    float_path, int8_path = folder / "model.onnx", folder / "model-int8.onnx"
    export(model_dir, float_path)
    quantize_dynamic(str(float_path), str(int8_path), weight_type=QuantType.QInt8)
    return float_path, int8_path


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
    model_dir = resolve_model_path(embedder.model_name)
    with tempfile.TemporaryDirectory() as folder:
        float_path, int8_path = export_both(model_dir, Path(folder))
        encoders = {name: OnnxEncoder(model_dir, path, max_tokens(model_dir))
                    for name, path in (("onnx float32", float_path), ("onnx int8", int8_path))}
        backends: dict[str, Callable[[list[str]], np.ndarray]] = {
            "pytorch": embedder.embed,
            **{name: partial(encoder.encode, batch_size=embedder.batch_size) for name, encoder in encoders.items()}}
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
