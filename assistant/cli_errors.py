"""Turns what goes wrong under the command line into one plain line: a bad index, an unreachable server, a busy port."""

from __future__ import annotations

import errno
import socket

from pydantic import ValidationError

from assistant.settings import Settings
from index.faults import damage_reason, damaged_message, is_unreachable, unreachable_message

MAX_SHOWN_CHARS = 300


class CommandError(Exception):
    """A mistake in how the command was run; its message is the whole story, shown as one line."""


def _server(settings: Settings | None) -> str:
    if settings is None or not settings.chroma_host:
        return "(unknown address)"
    return f"{settings.chroma_host}:{settings.chroma_port}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_SHOWN_CHARS else line[:MAX_SHOWN_CHARS] + "..."


def _settings_problem(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"])
    return f"setting {name} (SCRUTINY_{name.upper()}): {first['msg']}"


def explain(error: BaseException, settings: Settings | None) -> str | None:
    """The one line for a failure the user can fix, or None for a fault in the program itself."""
    if isinstance(error, CommandError):
        return str(error)
    if isinstance(error, ValidationError):
        return _settings_problem(error)
    if settings is not None and settings.chroma_host and is_unreachable(error):
        return unreachable_message(_server(settings))
    reason = damage_reason(error)
    if reason is not None:
        return damaged_message(settings.index if settings else "(unknown)", reason)
    if "unable to open database file" in str(error):
        return f"cannot open the index at {settings.index if settings else '(unknown)'}; check the folder and its permissions"
    if isinstance(error, UnicodeError):
        return f"text that is not valid UTF-8 ({error.__class__.__name__}); save or type it as UTF-8"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or _one_line(str(error))}"
    if isinstance(error, ValueError):
        return _one_line(str(error))
    return None


def check_port_free(host: str, port: int) -> None:
    """Fails at once, before the model loads, when the address cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does; TIME_WAIT is not "in use"
        try:
            probe.bind((host, port))
        except socket.gaierror as error:
            raise CommandError(f"unknown host {host!r} ({error.strerror}); check --host") from None
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(f"port {port} on {host} is already in use; stop the program using it "
                                   "or choose another --port") from None
            if error.errno in (errno.EACCES, errno.EPERM):
                raise CommandError(f"not allowed to listen on port {port}; ports below 1024 need administrator "
                                   "rights, choose another --port (e.g. 7860)") from None
            raise CommandError(f"cannot listen on {host}:{port} ({error.strerror or error}); check --host") from None
