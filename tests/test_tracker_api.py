"""The app's /recommendations endpoint through gradio_client returns the same JSON as `scrutiny recommendations --json`."""

from __future__ import annotations

import json
from typing import Iterator

import pytest

from app_server import running_app
from assistant.services import Services
from test_cli import run


@pytest.fixture(scope="module")
def client(sample_services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from gradio_client import Client

    with running_app(sample_services, tmp_path_factory.mktemp("tracker-api")) as url:
        yield Client(url, verbose=False)


@pytest.mark.parametrize("filters", [("--council", "derby", "--status", "outstanding"), ("--search", "foster")])
def test_api_returns_the_cli_json(client, sample_services: Services, filters: tuple[str, ...]) -> None:  # noqa: ANN001
    done = run("recommendations", *filters, "--json", index=sample_services.settings.index)
    assert done.returncode == 0, done.stderr
    asked = dict(zip(filters[::2], filters[1::2]))
    served = client.predict(council=asked.get("--council", ""), status=asked.get("--status", ""),
                            search=asked.get("--search", ""), kind="", api_name="/recommendations")
    assert served == json.loads(done.stdout) and served


def test_a_bad_status_is_refused_with_the_choices(client) -> None:  # noqa: ANN001
    with pytest.raises(Exception, match="use one of"):
        client.predict(council="", status="finished", search="", kind="", api_name="/recommendations")
