"""Logging: one line per event with its structured fields; secrets are masked wherever they appear."""

from __future__ import annotations

import logging
from collections.abc import Iterable

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


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
        for secret in self._secrets:
            message = message.replace(secret, "***")
        record.msg, record.args = message, ()
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                for secret in self._secrets:
                    value = value.replace(secret, "***")
                record.__dict__[key] = value
        return True


def setup(level: str, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("alembic", "httpx", "httpcore", "apscheduler", "discord.http"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
