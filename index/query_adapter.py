"""The fitted query adapter: a linear map of a question's vector toward the sentences that answer such questions,
used to rank passages only (answer wording and refusals keep the model's own similarities)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ADAPTER_FILE = Path(__file__).resolve().parent / "data" / "query_adapter.npz"


@dataclass(frozen=True)
class QueryAdapter:
    """A square matrix fitted by `make train` (evals/train_adapter.py) for one embedding model's vectors."""

    matrix: np.ndarray
    embedding_model: str

    def apply(self, vector: np.ndarray) -> np.ndarray:
        """The adapted question vector, normalised so a dot product stays a cosine."""
        adapted = self.matrix @ np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(adapted))
        return (adapted / norm).astype(np.float32) if norm else np.asarray(vector, dtype=np.float32)

    def save(self, path: Path) -> None:
        np.savez(path, matrix=self.matrix.astype(np.float32), embedding_model=np.array(self.embedding_model))


@lru_cache(maxsize=4)
def load_query_adapter(embedding_model: str, path: Path = ADAPTER_FILE) -> QueryAdapter:
    """The shipped adapter for this embedding model; a missing file, or one fitted for another model, says what to do."""
    try:
        with np.load(path, allow_pickle=False) as data:
            adapter = QueryAdapter(data["matrix"].astype(np.float32), str(data["embedding_model"]))
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(f"cannot read the query adapter {path} ({error}); rebuild it with `make train`") from None
    if adapter.embedding_model != embedding_model:
        raise ValueError(f"the query adapter {path} was fitted for the embedding model '{adapter.embedding_model}', "
                         f"not '{embedding_model}': set query_adapter = none, or rebuild it with `make train`")
    return adapter
