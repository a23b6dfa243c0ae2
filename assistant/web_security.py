"""What the web app may read and accept: its temp folder, upload checks, and Gradio's path and auth settings."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.readers import reader_for

UPLOAD_TYPES = (".pdf", ".docx", ".html", ".htm", ".md", ".txt")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def prepare_environment(settings: Settings) -> Path:
    """Keeps Gradio's own files inside the upload folder (unless a caller chose a folder) and turns off telemetry.

    Must run before gradio is imported: Gradio reads these variables at import time.
    """
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_OFFLINE"] = "1"
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(settings.upload_dir / ".incoming"))
    temp_dir = Path(os.environ["GRADIO_TEMP_DIR"])
    temp_dir.mkdir(parents=True, exist_ok=True)
    return temp_dir


def launch_options(settings: Settings) -> dict[str, Any]:
    """Gradio serves only files it created itself (uploads in its temp folder); the index and our uploads are blocked."""
    logins = [(user, password) for user, password in settings.auth.items()]
    return {
        "allowed_paths": [],
        "blocked_paths": [str(settings.index.resolve()), str(settings.upload_dir.resolve() / "papers")],
        "max_file_size": f"{settings.max_upload_mb:g}mb",
        "auth": logins or None,
        "auth_message": "Sign in with the user name and password your administrator gave you." if logins else None,
    }


def safe_name(name: str) -> str:
    """The bare file name with path parts and odd characters removed, so an upload cannot write elsewhere."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).strip(" .")
    return cleaned or "upload"


def accept_upload(incoming: Path, original_name: str, settings: Settings) -> Path:
    """Checks type and size on the server, whatever the browser allowed, then keeps a copy for ingestion.

    The copy keeps the original file name, since the index knows documents by file name.

    Raises IngestError with the same wording the command line uses for a bad file.
    """
    name = safe_name(original_name)
    if Path(name).suffix.lower() not in UPLOAD_TYPES:
        reader_for(Path(name))  # raises the CLI's "unsupported file type" message for unknown types
        raise IngestError(f"'{Path(name).suffix}' files are not accepted here; upload one of: {', '.join(UPLOAD_TYPES)}")
    size = incoming.stat().st_size
    limit = settings.max_upload_mb * 2**20
    if size > limit:
        raise IngestError(f"the file is {size / 2**20:.0f} MB, over the {settings.max_upload_mb:g} MB upload limit; "
                          "split it or raise SCRUTINY_MAX_UPLOAD_MB")
    target_dir = settings.upload_dir / "papers"
    target_dir.mkdir(parents=True, exist_ok=True)
    stored = target_dir / name
    shutil.copyfile(incoming, stored)
    return stored
