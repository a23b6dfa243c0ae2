"""The app's sign-in check: constant-time password comparison, every failure delayed, and a pause after a few."""

from __future__ import annotations

import asyncio
import hmac
import time
from dataclasses import dataclass, field
from typing import Callable

FAILURE_DELAY_SECONDS = 0.5
UNKNOWN_USER = "\0unknown"  # one shared count for names that are not logins, so guessing names cannot grow memory


@dataclass
class _Failures:
    count: int = 0
    paused_until: float = 0.0


@dataclass
class LoginGuard:
    """Checks sign-in attempts (Gradio awaits `check`); after `attempts` failures for a user name, sign-in for that
    name is refused outright, right password or not, for `pause_seconds`."""

    logins: dict[str, str]
    attempts: int = 5
    pause_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, _Failures] = field(default_factory=dict)

    async def check(self, username: str, password: str) -> bool:
        key = username if username in self.logins else UNKNOWN_USER
        record = self._failures.setdefault(key, _Failures())
        if self.clock() < record.paused_until:
            await asyncio.sleep(FAILURE_DELAY_SECONDS)
            return False
        expected = self.logins.get(username)
        if expected is not None and hmac.compare_digest(password.encode(), expected.encode()):
            self._failures.pop(key, None)
            return True
        record.count += 1
        if record.count >= self.attempts:
            record.count = 0
            record.paused_until = self.clock() + self.pause_seconds
        await asyncio.sleep(FAILURE_DELAY_SECONDS)  # async, so a slow failure holds no worker
        return False

    def paused(self, username: str) -> bool:
        """Whether sign-in for this name is currently refused (for tests and logs)."""
        key = username if username in self.logins else UNKNOWN_USER
        record = self._failures.get(key)
        return record is not None and self.clock() < record.paused_until
