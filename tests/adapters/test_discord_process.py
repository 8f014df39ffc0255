"""End to end: the real `python -m bot run` process, configured only through environment variables."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.adapters.discord_emulator import DiscordEmulator

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


async def start_bot(emulator: DiscordEmulator, token: str, tmp_path: Path) -> tuple[asyncio.subprocess.Process, Path]:
    """`python -m bot run` in an empty directory (no .env), its stderr to a file so it can never block."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "TELEGRAM_", "DATABASE_"))}
    env |= {
        "DISCORD_BOT_TOKEN": token,
        "DISCORD_API_BASE_URL": emulator.api_base,
        "DISCORD_GATEWAY_URL": emulator.gateway_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip
    return process, stderr


async def test_run_answers_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with DiscordEmulator() as emulator:
        process, stderr = await start_bot(emulator, emulator.token, tmp_path)
        try:
            await emulator.wait_ready(within=30)
            answer = await emulator.reply(
                await emulator.slash("ask", {"question": "How many political prisoners were released?"})
            )
            assert "14" in answer["embeds"][0]["description"]
            assert answer["allowed_mentions"] == {"parse": []}
            process.send_signal(signal.SIGTERM)
            started = time.monotonic()
            code = await asyncio.wait_for(process.wait(), 10)
            assert code == 0 and time.monotonic() - started < 10
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.read_text()
    assert "Traceback" not in log
    assert emulator.rejected == []


async def test_invalid_token_is_a_one_line_error(tmp_path: Path) -> None:
    token = "MTIz.invalid.token-that-must-not-leak"
    async with DiscordEmulator() as emulator:
        process, stderr = await start_bot(emulator, token, tmp_path)
        try:
            code = await asyncio.wait_for(process.wait(), 25)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    log = stderr.read_text()
    assert code != 0
    errors = [line for line in log.splitlines() if line.startswith("error:")]
    assert errors == ["error: discord: the bot token was rejected (401 Unauthorized); check DISCORD_BOT_TOKEN"]
    assert "Traceback" not in log and token not in log
