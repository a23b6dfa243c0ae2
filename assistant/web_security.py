"""What the web app may read and accept: its temp folder, upload checks, and Gradio's path and auth settings."""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from assistant.login_guard import LoginGuard
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


def gradio_folder() -> Path:
    """Where Gradio keeps uploads waiting to be added and files it serves (set by prepare_environment)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio").resolve()


def launch_options(settings: Settings) -> dict[str, Any]:
    """Gradio serves only files it created itself (uploads in its temp folder); the index and our uploads are blocked.

    Gradio's own folder is also listed as allowed only so that an upload whose name starts with a dot is accepted
    when that folder lies under the working directory (Gradio refuses such "dotfiles" otherwise); it already
    serves that folder's files, so this widens nothing. FastAPI's schema routes are off: they are not behind login.
    """
    guard = LoginGuard(dict(settings.auth), settings.login_attempts, settings.login_pause_seconds)
    return {
        "allowed_paths": [str(gradio_folder())],
        "blocked_paths": [str(settings.index.resolve()), str(settings.upload_dir.resolve() / "papers")],
        "max_file_size": f"{settings.max_upload_mb:g}mb",
        "auth": guard.check if settings.auth else None,  # a coroutine function, so Gradio awaits it
        "auth_message": ("Sign in with the user name and password your administrator gave you. After "
                         f"{settings.login_attempts} wrong passwords, sign-in pauses for "
                         f"{settings.login_pause_seconds:g} s.") if settings.auth else None,
        "app_kwargs": {"openapi_url": None, "docs_url": None, "redoc_url": None},
    }


def safe_name(name: str) -> str:
    """The bare file name with path parts (either slash) and odd characters removed, so an upload cannot write
    elsewhere; leading dots go too, so no upload becomes a hidden file. A name with nothing left becomes "upload"."""
    bare = re.split(r"[\\/]", name)[-1]
    cleaned = _UNSAFE_NAME.sub("_", bare).strip(" .")
    stem, suffix = os.path.splitext(cleaned)
    return cleaned if stem.strip("._ ") else f"upload{suffix or cleaned}"


def forget_upload(incoming: Path) -> None:
    """Deletes Gradio's copy of an upload once it has been handled, so it can no longer be fetched over HTTP."""
    folder = gradio_folder()
    if incoming.resolve().is_relative_to(folder):
        incoming.unlink(missing_ok=True)
        if incoming.parent.resolve() != folder and not any(incoming.parent.iterdir()):
            incoming.parent.rmdir()


def remove_stored_copies(source: str, settings: Settings) -> list[Path]:
    """Deletes the app's own copies of a removed paper: the stored upload and any copy left in Gradio's folder.

    Files outside those two folders (a paper ingested from the user's own folder) are never touched.
    """
    removed = []
    stored = settings.upload_dir / "papers" / source
    candidates = [stored, *gradio_folder().glob(f"*/{glob.escape(source)}")]
    for path in candidates:
        if path.is_file():
            path.unlink()
            removed.append(path)
    return removed


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
