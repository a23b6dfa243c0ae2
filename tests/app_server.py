"""Starts the real web app in-process on a free loopback port, with Gradio's and Chromium's files in a test folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from assistant.services import Services
from ports import free_port

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
CHROMIUM = Path("/usr/bin/chromium")


_home: list[Path] = []


def isolate() -> Path:
    """Points Chromium, GTK and Gradio at one short test folder per run, removed at exit.

    Short, because Chromium puts a socket under TMPDIR and refuses paths longer than a socket name allows.
    """
    if not _home:
        folder = Path(tempfile.mkdtemp(prefix="scrutiny-app-", dir="/tmp"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        for variable, name in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                               ("GRADIO_TEMP_DIR", "gradio"), ("TMPDIR", "tmp")):
            (folder / name).mkdir(parents=True, exist_ok=True)
            os.environ[variable] = str(folder / name)
        _home.append(folder)
    return _home[0]


@contextmanager
def running_app(services: Services, folder: Path) -> Iterator[str]:
    """The app's URL while it runs; uploads go to the given folder."""
    isolate()
    services.settings.upload_dir = folder / "uploads"
    from assistant.app import serve

    app, url = serve(services, "127.0.0.1", free_port(), block=False)
    try:
        yield url
    finally:
        app.close()
