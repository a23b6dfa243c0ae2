"""Every module of the project imports: a script nobody runs in the tests (a trainer, a calibration) still loads."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

PACKAGES = ("assistant", "index", "ingest", "evals", "prompts")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names += [info.name for info in pkgutil.walk_packages(module.__path__, f"{package}.")]
    return names


@pytest.mark.parametrize("name", _modules())
def test_module_imports(name: str) -> None:
    importlib.import_module(name)
