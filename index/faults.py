"""Recognises, from the errors Chroma raises, an index that cannot be reached or is damaged, and words it for the user."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import chromadb

SQLITE_FILE = "chroma.sqlite3"
SQLITE_HEADER = b"SQLite format 3\x00"
# What SQLite (through Chroma's Rust bindings or Python's sqlite3) says about a file it cannot trust.
DAMAGE_PHRASES = ("database disk image is malformed", "file is not a database", "malformed database schema",
                  "database corrupt")
# What the HTTP client says when nothing answers at the server's address.
UNREACHABLE_PHRASES = ("could not connect to a chroma server", "connection refused", "server disconnected",
                       "connection reset", "remote end closed connection", "all connection attempts failed")


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and the errors it was raised from or during, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_unreachable(error: BaseException) -> bool:
    """True when the error means the Chroma server did not answer (down, restarting, wrong address)."""
    import httpx

    for link in _chain(error):
        if isinstance(link, (httpx.TransportError, ConnectionError)):
            return True
        if any(phrase in str(link).lower() for phrase in UNREACHABLE_PHRASES):
            return True
    return False


def damage_reason(error: BaseException) -> str | None:
    """SQLite's own words when the error means the index file is damaged, else None."""
    for link in _chain(error):
        text = str(link).lower()
        for phrase in DAMAGE_PHRASES:
            if phrase in text:
                return phrase
    return None


def server_address(client: chromadb.ClientAPI) -> str | None:
    """host:port of a Chroma server client; None for an embedded index."""
    settings = client.get_settings()
    if settings.chroma_api_impl != "chromadb.api.fastapi.FastAPI" or not settings.chroma_server_host:
        return None
    return f"{settings.chroma_server_host}:{settings.chroma_server_http_port}"


def unreachable_message(address: str) -> str:
    return (f"Chroma server at {address} unreachable; start it (chroma run --path FOLDER --port PORT) "
            "or check SCRUTINY_CHROMA_HOST and SCRUTINY_CHROMA_PORT, then try again")


def damaged_message(index: Path, reason: str) -> str:
    return (f"the index at {index} is damaged ({reason}); move that folder aside and run `scrutiny ingest` "
            "on your papers again to rebuild it")


def _index_inside(folder: Path) -> str | None:
    """A folder holding no index whose subfolder holds one: the user named the folder around their index, and
    opening it would make a second, empty index beside theirs."""
    inner = sorted(database.parent for database in folder.glob(f"*/{SQLITE_FILE}"))
    if not inner:
        return None
    return f"{folder} holds no index, but {inner[0]} does; give --index {inner[0]} (or a folder of its own for a new index)"


def index_folder_problem(index: Path) -> str | None:
    """Why an embedded index folder cannot be used, checked before Chroma opens it; None when it looks usable.

    A 0-byte or foreign chroma.sqlite3 would otherwise be opened as a new, empty index, and the papers
    ingested into it would seem to have vanished."""
    if index.exists() and not index.is_dir():
        return f"the index {index} is a file, not a folder; give --index a folder (it is created if missing)"
    try:
        index.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create the index folder {index} ({error.strerror}); choose a folder you can write to"
    database = index / SQLITE_FILE
    if not database.exists():
        return _index_inside(index)
    if not database.is_file():
        return damaged_message(index, f"{SQLITE_FILE} is not a file")
    try:
        with database.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"cannot read the index at {index} ({error.strerror}); check its permissions"
    if not header:
        return damaged_message(index, f"{SQLITE_FILE} is empty, 0 bytes")
    if header != SQLITE_HEADER:
        return damaged_message(index, f"{SQLITE_FILE} is not an SQLite database")
    return None
