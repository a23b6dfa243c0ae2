"""Starts the real web app in-process on a free loopback port, with Gradio's and Chromium's files in a test folder."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from assistant.services import Services

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
CHROMIUM = Path("/usr/bin/chromium")


def isolate(folder: Path) -> None:
    """Points every tool that writes to the home folder or /tmp at the test folder."""
    for variable, name in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                           ("GRADIO_TEMP_DIR", "gradio"), ("TMPDIR", "tmp")):
        (folder / name).mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(folder / name)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(services: Services, folder: Path) -> Iterator[str]:
    """The app's URL while it runs; uploads go to the test folder."""
    isolate(folder)
    services.settings.upload_dir = folder / "uploads"
    from assistant.app import serve

    app, url = serve(services, "127.0.0.1", free_port(), block=False)
    try:
        yield url
    finally:
        app.close()
