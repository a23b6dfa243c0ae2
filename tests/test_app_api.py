"""The app's /ask endpoint through gradio_client returns the `scrutiny ask --json` contract; uploads are checked."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from app_server import running_app
from assistant.services import Services
from assistant.settings import load_settings
from ingest.errors import IngestError

QUESTION = "What did Leeds decide about external placements?"


@pytest.fixture(scope="module")
def client(sample_services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    from gradio_client import Client

    with running_app(sample_services, tmp_path_factory.mktemp("api")) as url:
        yield Client(url, verbose=False)


def test_ask_returns_the_cli_json_contract(client, sample_services: Services) -> None:  # noqa: ANN001
    result = client.predict(question=QUESTION, api_name="/ask")
    expected = sample_services.engine.ask(QUESTION, []).to_json()
    assert result.keys() == expected.keys()
    assert result["answer"] == expected["answer"]
    assert not result["abstained"]
    assert result["citations"] and result["citations"][0].keys() == expected["citations"][0].keys()
    assert result["citations"][0]["council"] == "Leeds City Council"


def test_ask_uses_history_for_follow_ups(client, sample_services: Services) -> None:  # noqa: ANN001
    history = [QUESTION]
    result = client.predict(question="What about foster carers?", history=history, api_name="/ask")
    assert result == {**sample_services.engine.ask("What about foster carers?", history).to_json(),
                      "timings_ms": result["timings_ms"]}
    assert any(c["council"] == "Leeds City Council" for c in result["citations"])


def test_empty_question_is_refused_with_advice(client) -> None:  # noqa: ANN001
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Give a question"):
        client.predict(question="  ", api_name="/ask")


def test_only_ask_and_recommendations_are_exposed(client) -> None:  # noqa: ANN001
    assert list(client.view_api(return_format="dict", print_info=False)["named_endpoints"]) == ["/ask", "/recommendations"]


def test_index_files_are_not_served(client, sample_services: Services) -> None:  # noqa: ANN001
    import httpx

    secret = next(sample_services.settings.index.rglob("*.sqlite3"))
    for path in (secret, Path("/etc/passwd")):
        response = httpx.get(f"{client.src.rstrip('/')}/gradio_api/file={path}")
        assert response.status_code in (403, 404), path


def test_upload_checks_type_and_size_on_the_server(tmp_path: Path) -> None:
    from assistant.web_security import accept_upload

    settings = load_settings(index=tmp_path / "index", upload_dir=tmp_path / "uploads", max_upload_mb=0.001)
    script = tmp_path / "run.exe"
    script.write_bytes(b"MZ")
    with pytest.raises(IngestError, match="unsupported file type '.exe'"):
        accept_upload(script, script.name, settings)
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000)
    with pytest.raises(IngestError, match="upload limit"):
        accept_upload(big, big.name, settings)
    small = tmp_path / "small.txt"
    small.write_text("A short paper.")
    stored = accept_upload(small, "../../escape/small.txt", settings)
    assert stored == tmp_path / "uploads" / "papers" / "small.txt"


def test_login_is_required_when_users_are_set(fresh_services: Services, tmp_path: Path) -> None:
    import httpx
    from gradio_client import Client

    fresh_services.settings.auth = {"clerk": "a-long-password"}
    with running_app(fresh_services, tmp_path / "app") as url:
        assert httpx.get(f"{url}config").status_code == 401
        client = Client(url, auth=("clerk", "a-long-password"), verbose=False)
        assert "/ask" in client.view_api(return_format="dict", print_info=False)["named_endpoints"]
