"""Logging: one line per event with its structured fields; secrets are masked wherever they appear."""

from __future__ import annotations

import logging
from collections.abc import Iterable

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Below these levels libraries log every request or event. discord.py's request URLs (discord.http, discord.webhook)
# and raw gateway events (discord.gateway DEBUG) carry interaction tokens, which answer in the bot's name for 15 min.
_QUIET = {
    "alembic": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "discord.http": logging.WARNING,
    "discord.webhook": logging.WARNING,
    "discord.gateway": logging.INFO,
}


class KeyValueFormatter(logging.Formatter):
    """`… INFO bot.core.service question platform=telegram lang=de latency_ms=1.2`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [
            f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}"
            for k, v in record.__dict__.items()
            if k not in _STANDARD and v is not None
        ]
        return f"{line} {' '.join(fields)}" if fields else line


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret of 6 or more characters masked, longest first (a secret may contain another)."""
    for secret in sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


class RedactSecrets(logging.Filter):
    """Replace every configured secret in the final message, tracebacks included."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = redact(message, self._secrets), ()
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                record.__dict__[key] = redact(value, self._secrets)
        return True


def setup(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy, floor in _QUIET.items():
        logging.getLogger(noisy).setLevel(max(floor, root.level))
