"""Real `python -m bot run` processes, configured only through environment variables, against the emulators."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.adapters.discord_emulator import DiscordEmulator
from tests.adapters.telegram_emulator import TelegramEmulator, telegram_api  # noqa: F401
from tests.conftest import ROOT
from tests.processes import ensure_stopped

# settings the developer's shell may carry that would change what the process does
_FOREIGN = ("DISCORD_", "TELEGRAM_", "DATABASE_URL", "PLATFORM", "RATE_LIMIT", "LOG_", "SYNC_", "METRICS_")


@dataclass
class BotProcess:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    async def stop(self, within: float = 10.0) -> int:
        """SIGTERM, then the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), within)

    @property
    def stderr(self) -> str:
        return self.log.read_text()


StartBot = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def start_bot(tmp_path: Path) -> AsyncIterator[StartBot]:
    """`start_bot(name, *run_args, **env)`: `python -m bot run …` in an empty directory (no .env), stderr to a file
    (a pipe could fill up and stall the bot); whatever is still running at the end is killed."""
    started: list[BotProcess] = []

    async def start(name: str, *args: str, **env: str) -> BotProcess:
        environment = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
        environment |= {"PYTHONPATH": str(ROOT)} | env
        log = tmp_path / f"{name}.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", *args, cwd=tmp_path, env=environment,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
            )  # fmt: skip
        started.append(BotProcess(name, process, log))
        return started[-1]

    yield start
    for bot in started:
        await ensure_stopped(bot.process)


@pytest.fixture
async def discord_api() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        yield emulator


def discord_env(emulator: DiscordEmulator) -> dict[str, str]:
    return {
        "DISCORD_BOT_TOKEN": emulator.token,
        "DISCORD_API_BASE_URL": emulator.api_base,
        "DISCORD_GATEWAY_URL": emulator.gateway_url,
    }


def telegram_env(emulator: TelegramEmulator) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": emulator.token, "TELEGRAM_API_BASE_URL": emulator.base_url}
