"""Shared fixtures: an offline environment and one real index of the bundled sample reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
os.environ.pop("CHROMA_HOST", None)

from assistant.results import AnswerResult  # noqa: E402 - the environment must be set before the imports
from assistant.services import Services  # noqa: E402
from assistant.settings import load_settings  # noqa: E402

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT / "samples" / "reports"
EXTERNAL_PDFS = PROJECT.parent / "shared" / "external" / "pdfs"
KCC_LIBRARY = EXTERNAL_PDFS.parent / "kcc-library"
# an equality impact assessment form that no gold question uses, read by the table and answer-shape tests
KENT_EQIA = KCC_LIBRARY / "kcc_2025-01-30_cabinet_24-00115-eqia.pdf"


@pytest.fixture(scope="session")
def sample_services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The five sample reports ingested once into a temporary embedded Chroma index."""
    services = Services(load_settings(index=tmp_path_factory.mktemp("index")))
    summary = services.pipeline.ingest([SAMPLE_DIR], progress=False)
    assert not summary.failed, summary.failed
    return services


@pytest.fixture()
def fresh_services(tmp_path: Path, sample_services: Services) -> Services:
    """An empty index of its own that shares the already-loaded embedding model."""
    services = Services(load_settings(index=tmp_path / "index"))
    services.__dict__["embedder"] = sample_services.embedder
    return services


def external_pdfs() -> list[Path]:
    return sorted(EXTERNAL_PDFS.glob("*.pdf")) if EXTERNAL_PDFS.is_dir() else []


# A paper whose answer sentence leans on the one before it: "This would add £1.54 a week" says what rises only with
# the 4.99% increase before it.
COUNCIL_TAX_PAPER = (
    "Council tax 2025-26\n\n3.1 Council tax is the county council's largest source of income. The draft budget "
    "proposes a 4.99% increase in the county council's share of council tax. This would add £1.54 a week to the "
    "bill of a typical Band D household.\n\n3.2 Collection rates across the districts remain above 97%.\n")
COUNCIL_TAX_QUESTION = "How much more a week will a typical Band D household pay?"


def ask_about_paper(services: Services, folder: Path, text: str, question: str) -> AnswerResult:
    """Ingests text as one plain-text paper into services' index and asks it the question."""
    paper = folder / "paper.txt"
    paper.write_text(text, encoding="utf-8")
    summary = services.pipeline.ingest([paper], progress=False)
    assert not summary.failed, summary.failed
    return services.engine.ask(question)
