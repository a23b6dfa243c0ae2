"""A logistic regression over named, standardised features, as the fitted models ship it in their data files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    """Weights fitted by `make train`; applying them needs numpy only."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: dict, expected: tuple[str, ...], path: Path) -> "LogisticModel":
        if tuple(data["features"]) != expected:
            raise ValueError(f"{path} was fitted on other features than this code computes; rebuild it with `make train`")
        return cls(tuple(data["features"]), np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   float(data["intercept"]))


def read_model_file(path: Path, what: str) -> dict:
    """A fitted model file's JSON; a missing or unreadable one says how to rebuild it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read the {what} {path} ({error}); rebuild it with `make train`") from None
