"""Loopback ports for the servers tests and benchmarks start: a free one, and waiting until a server opens its own."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

POLL_SECONDS = 0.3


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(host: str, port: int, seconds: float, process: subprocess.Popen) -> None:
    """Return once the process's server accepts connections on host:port; kill the process and raise RuntimeError
    if it exits first or the port stays closed for the given seconds."""
    name = " ".join(Path(str(arg)).name for arg in process.args[:2])  # "chroma run", "scrutiny serve"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode} before opening port {port}")
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(POLL_SECONDS)
    process.kill()
    process.wait(timeout=30)
    raise RuntimeError(f"{name} did not start within {seconds:g} s")
