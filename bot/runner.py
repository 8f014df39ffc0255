"""`python -m bot run`: the chat platforms with a token in one event loop, or the console chat without."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot import logs
from bot.adapters.console_app import ConsoleChat
from bot.adapters.errors import StartupError
from bot.bootstrap import build
from bot.config import Settings
from bot.core.errors import StoreUnavailable
from bot.core.service import FactBot
from bot.store.notify import is_postgres, listen

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 8.0
Serve = Callable[[FactBot, Settings, asyncio.Event], Awaitable[None]]


def run(settings: Settings, platform: str, stdin: TextIO, stdout: TextIO) -> int:
    app = build(settings)
    # The index lives as long as the process: keep its millions of objects out of every later GC pass.
    gc.freeze()
    try:
        servers = _servers(settings, platform)
        if not servers:
            log.info("no platform token configured: starting the console chat")
            ConsoleChat(app.bot, stdin, stdout, interactive=stdin.isatty()).run()
            return 0
        if app.metrics and settings.metrics_port:
            app.metrics.serve(settings.metrics_port)
        return asyncio.run(_serve(app.bot, settings, servers))
    finally:
        app.close()


def _servers(settings: Settings, platform: str) -> dict[str, Serve]:
    servers: dict[str, Serve] = {}
    if settings.telegram_enabled and platform in ("telegram", "all"):
        from bot.adapters.telegram_app import serve_telegram

        servers["telegram"] = serve_telegram
    if settings.discord_enabled and platform in ("discord", "all"):
        from bot.adapters.discord_app import serve_discord

        servers["discord"] = serve_discord
    return servers


async def _serve(bot: FactBot, settings: Settings, servers: dict[str, Serve]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = {asyncio.create_task(serve(bot, settings, stop), name=name): name for name, serve in servers.items()}
    syncer = asyncio.create_task(live_sync(bot, settings, stop), name="sync")
    stopper = asyncio.create_task(stop.wait(), name="stop")
    await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_SECONDS)
    for task in [*pending, syncer]:
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.gather(*pending, syncer, return_exceptions=True)
    code = 0
    for task in done:
        if task.cancelled() or task.exception() is None:
            continue
        exc = task.exception()
        message = str(exc) if isinstance(exc, StartupError) else f"{type(exc).__name__}: {exc}"
        line = message.splitlines()[0] if message else "failed"
        print(f"error: {tasks[task]}: {logs.redact(line, settings.secret_values())}", file=sys.stderr)
        code = 1
    return code


async def live_sync(bot: FactBot, settings: Settings, stop: asyncio.Event) -> None:
    """Keep the index current with other processes: NOTIFY on PostgreSQL, polling everywhere."""
    wake = asyncio.Event()
    listener = asyncio.create_task(listen(settings.database_url, wake)) if is_postgres(settings.database_url) else None
    try:
        while not stop.is_set():
            waiters = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
            await asyncio.wait(waiters, timeout=settings.sync_interval_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
            if stop.is_set():
                return
            wake.clear()
            try:
                if changed := await asyncio.to_thread(bot.sync):
                    log.info("synced %d changed facts", changed)
            except StoreUnavailable:
                log.warning("live sync: database unavailable, answering from memory")
    finally:
        if listener:
            listener.cancel()
