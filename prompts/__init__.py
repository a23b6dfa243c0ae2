"""Prompt and answer-phrasing templates, kept as files so they can be reviewed and changed without code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from string import Template

PROMPTS_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def load_template(name: str) -> Template:
    """The template prompts/<name>.txt; placeholders are $name (string.Template)."""
    return Template((PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8").strip())


def render(name: str, **values: object) -> str:
    return load_template(name).safe_substitute({key: str(value) for key, value in values.items()})
