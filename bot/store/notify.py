"""PostgreSQL LISTEN/NOTIFY: other processes hear about knowledge-base writes at once.

Every write bumps the revision counter inside its transaction and sends a NOTIFY, which PostgreSQL
delivers at commit. Listeners only wake their process up; what changed is always read from the
revision counter, so a missed notification costs nothing but the polling delay.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
CHANNEL = "factbot_kb"
RECONNECT_SECONDS = (0.5, 1, 2, 5, 10)


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def announce(session: Session, revision: int) -> None:
    """Queue a notification for commit (PostgreSQL only; a no-op elsewhere)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, str(revision))))


async def listen(url: str, wake: asyncio.Event) -> None:
    """Set `wake` on every notification, and after each (re)connect to catch up; runs until cancelled."""
    import psycopg  # only processes on PostgreSQL pay for this import

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    failures = 0
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
                await connection.execute(f"LISTEN {CHANNEL}")
                failures = 0
                wake.set()
                async for _ in connection.notifies():
                    wake.set()
        except (psycopg.Error, OSError) as exc:
            delay = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
            failures += 1
            log.warning("live sync: LISTEN connection lost (%s); retrying in %ss", type(exc).__name__, delay)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.sleep(delay)
