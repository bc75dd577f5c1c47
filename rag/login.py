"""The chat UI's login: credentials from the environment or a file (never the command line, where
every user of the machine can read them in the process list), compared in constant time, and a
growing wait after each failed login so that passwords cannot be tried at speed.

    >>> guard = LoginGuard({"analis": "rahasia"}, clock=lambda: 0.0, sleep=lambda s: None)
    >>> guard("analis", "salah"), guard("analis", "rahasia")   # the second comes during the wait
    (False, False)
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0  # seconds refused after the first failure; doubled after each further one
MAX_WAIT = 60.0


class AuthError(ValueError):
    """Credentials that cannot be used (malformed, unreadable file, given on the command line)."""


def parse_credentials(text: str, origin: str) -> dict[str, str]:
    """``user:password`` pairs, one per line or comma-separated; '#' starts a comment line."""
    users: dict[str, str] = {}
    for raw in text.replace(",", "\n").splitlines():
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise AuthError(f"{origin}: expected user:password, got an entry without both")
        users[user.strip()] = password
    if not users:
        raise AuthError(f"{origin}: no user:password entry")
    return users


def load_credentials(env_value: str = "", file: Path | None = None) -> dict[str, str] | None:
    """The users of ``file`` (when given) or of the RAG_UI_AUTH value; None when neither is set."""
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AuthError(f"cannot read the credentials file {file}: {exc.__class__.__name__}") from None
        return parse_credentials(text, str(file))
    return parse_credentials(env_value, "RAG_UI_AUTH") if env_value.strip() else None


class LoginGuard:
    """Gradio's ``auth`` callable. After a failure every login is refused, unchecked, for a wait
    that doubles with each consecutive failure (1 s, 2 s, 4 s … 60 s); a success resets it. The
    wait is shared by all user names, so rotating names does not help an attacker; a failed
    attempt also answers only after a short pause."""

    def __init__(self, users: dict[str, str], clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, pause: float = 0.5):  # fmt: skip
        self._users = {u: p.encode() for u, p in users.items()}
        self._clock, self._sleep, self._pause = clock, sleep, pause
        self._lock = threading.Lock()
        self.failures = 0
        self.locked_until = 0.0

    def __call__(self, username: str, password: str) -> bool:
        with self._lock:
            now = self._clock()
            if now < self.locked_until:
                log.warning("login refused during the wait after %d failed logins (%.0f s left)",
                            self.failures, self.locked_until - now)  # fmt: skip
                return False
            expected = self._users.get(username, b"")
            ok = bool(expected) & hmac.compare_digest(expected, (password or "").encode())
            if ok:
                self.failures, self.locked_until = 0, 0.0
                return True
            self.failures += 1
            wait = min(FIRST_WAIT * 2 ** (self.failures - 1), MAX_WAIT)
            self.locked_until = now + wait
            log.warning("failed login %d for %r: logins refused for %.0f s", self.failures, username, wait)
        self._sleep(self._pause)
        return False
