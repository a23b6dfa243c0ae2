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


def test_question_and_history_limits(client, sample_services: Services) -> None:  # noqa: ANN001
    from gradio_client.exceptions import AppError

    limit = sample_services.settings.max_question_chars
    with pytest.raises(AppError, match=f"shorten it to at most {limit:,} characters"):
        client.predict(question="Why? " * limit, api_name="/ask")
    with pytest.raises(AppError, match="earlier question in the history is over"):
        client.predict(question="and why?", history=["x" * (limit + 1)], api_name="/ask")
    long_history = ["What did Derby recommend?"] * 500 + [QUESTION]  # only the latest turns are carried
    result = client.predict(question="What about foster carers?", history=long_history, api_name="/ask")
    assert any(c["council"] == "Leeds City Council" for c in result["citations"])


def test_schema_routes_are_off(client) -> None:  # noqa: ANN001
    import httpx

    for route in ("openapi.json", "docs", "redoc"):
        assert httpx.get(f"{client.src.rstrip('/')}/{route}").status_code == 404, route


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
        assert httpx.get(f"{url}openapi.json").status_code in (401, 404)
        assert httpx.post(f"{url}gradio_api/call/ask", json={"data": [QUESTION, []]}).status_code == 401
        client = Client(url, auth=("clerk", "a-long-password"), verbose=False)
        assert "/ask" in client.view_api(return_format="dict", print_info=False)["named_endpoints"]


def test_failed_logins_pause_sign_in(fresh_services: Services, tmp_path: Path) -> None:
    import time

    import httpx

    settings = fresh_services.settings
    settings.auth, settings.login_attempts, settings.login_pause_seconds = {"clerk": "a-long-password"}, 3, 4.0
    with running_app(fresh_services, tmp_path / "app") as url:
        def sign_in(password: str) -> int:
            return httpx.post(f"{url}login", data={"username": "clerk", "password": password}).status_code

        started = time.monotonic()
        assert [sign_in(f"guess-{n}") for n in range(3)] == [400, 400, 400]
        assert time.monotonic() - started >= 1.0  # every failure is answered slowly
        assert sign_in("a-long-password") == 400  # paused: even the right password is refused
        time.sleep(settings.login_pause_seconds + 0.2)
        assert sign_in("a-long-password") == 200


def test_uploads_are_not_served_once_added_and_removal_deletes_copies(fresh_services: Services,
                                                                       tmp_path: Path) -> None:
    import httpx

    from assistant.app_common import AppContext
    from assistant.app_library import ingest_uploads
    from assistant.web_security import remove_stored_copies

    paper = tmp_path / "parks.txt"
    paper.write_text("Parks Scrutiny Committee\n1.1 The committee agreed to plant 30 elms in Riverside Park.\n")
    with running_app(fresh_services, tmp_path / "app") as url:
        def upload() -> str:
            with paper.open("rb") as handle:
                response = httpx.post(f"{url}gradio_api/upload", files={"files": (paper.name, handle)})
            return response.json()[0]

        incoming = upload()
        assert httpx.get(f"{url}gradio_api/file={incoming}").status_code == 200
        rows = ingest_uploads(AppContext(fresh_services), [incoming], lambda *args, **kwargs: None)
        assert rows[0][:2] == ["parks.txt", "added"]
        assert httpx.get(f"{url}gradio_api/file={incoming}").status_code in (403, 404)
        stored = fresh_services.settings.upload_dir / "papers" / "parks.txt"
        assert httpx.get(f"{url}gradio_api/file={stored}").status_code in (403, 404)

        left_behind = upload()  # uploaded again but never added: removal must delete this copy too
        assert fresh_services.store.remove("parks.txt")
        removed = remove_stored_copies("parks.txt", fresh_services.settings)
        assert set(removed) == {stored, Path(left_behind)}
        assert not stored.exists() and httpx.get(f"{url}gradio_api/file={left_behind}").status_code in (403, 404)
        assert paper.exists()  # the user's own file is never touched


def test_upload_names_of_any_shape(tmp_path: Path) -> None:
    from assistant.web_security import safe_name

    assert safe_name(".hidden.txt") == "hidden.txt"
    assert safe_name("....x.txt") == "x.txt"  # Gradio's rename of ..\\..\\x.txt
    assert safe_name("..\\..\\x.txt") == "x.txt"
    assert safe_name("...") == "upload"
    assert safe_name("<img src=x>.pdf") == "_img src_x_.pdf"
