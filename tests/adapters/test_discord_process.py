"""End to end: the real `python -m bot run` process, configured only through environment variables."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.adapters.discord_emulator import GUILD_ID, OTHER_GUILD_ID, DiscordEmulator
from tests.processes import ensure_stopped, error_lines, exit_code

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


async def start_bot(
    emulator: DiscordEmulator, token: str, tmp_path: Path, name: str = "stderr", **extra_env: str
) -> tuple[asyncio.subprocess.Process, Path]:
    """`python -m bot run` in an empty directory (no .env), its stderr to a file so it can never block."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "TELEGRAM_", "DATABASE_"))}
    env |= {
        "DISCORD_BOT_TOKEN": token,
        "DISCORD_API_BASE_URL": emulator.api_base,
        "DISCORD_GATEWAY_URL": emulator.gateway_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    } | extra_env
    stderr = tmp_path / f"{name}.log"
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
            await ensure_stopped(process)
    log = stderr.read_text()
    assert "Traceback" not in log
    assert emulator.rejected == []


async def test_invalid_token_is_a_one_line_error(tmp_path: Path) -> None:
    token = "MTIz.invalid.token-that-must-not-leak"
    async with DiscordEmulator() as emulator:
        process, stderr = await start_bot(emulator, token, tmp_path)
        code = await exit_code(process, 25)
    log = stderr.read_text()
    assert code != 0
    errors = error_lines(log)
    assert errors == ["error: discord: the bot token was rejected (401 Unauthorized); check DISCORD_BOT_TOKEN"]
    assert "Traceback" not in log and token not in log


async def test_two_shard_processes_answer_the_guilds_of_their_own_shard(tmp_path: Path) -> None:
    """DISCORD_SHARD_COUNT=2 with DISCORD_SHARD_IDS=1 and =0 in two processes on one database: each identifies
    as its shard, gets the questions of its guilds only, and only the shard-0 process syncs the commands."""
    questions = {GUILD_ID: "How many political prisoners were released?", OTHER_GUILD_ID: "Who is Keith Kellogg?"}
    processes: dict[int, tuple[asyncio.subprocess.Process, Path]] = {}
    async with DiscordEmulator(guild_ids=tuple(questions)) as emulator:
        try:
            for shard in (1, 0):  # one after the other: shard 1 must not touch the commands on its own
                processes[shard] = await start_bot(
                    emulator, emulator.token, tmp_path, f"shard{shard}", DISCORD_SHARD_COUNT="2",
                    DISCORD_SHARD_IDS=str(shard),
                )  # fmt: skip
                await emulator.wait_ready(within=30, shard=shard)
                if shard == 1:
                    assert not [path for _, path in emulator.requests if path.endswith("/commands")]
            assert [identify["shard"] for identify in emulator.identifies] == [[1, 2], [0, 2]]
            assert [scope for scope, _ in emulator.syncs] == [None]
            for guild_id, shard in ((GUILD_ID, 0), (OTHER_GUILD_ID, 1)):
                interaction = await emulator.slash("ask", {"question": questions[guild_id]}, guild_id=guild_id)
                assert (await emulator.reply(interaction))["embeds"] and interaction.shard == shard
            for process, _ in processes.values():
                process.send_signal(signal.SIGTERM)
            codes = [await asyncio.wait_for(process.wait(), 10) for process, _ in processes.values()]
            assert codes == [0, 0]
        finally:
            for process, _ in processes.values():
                await ensure_stopped(process)
    logs = {shard: log.read_text() for shard, (_, log) in processes.items()}
    assert all("Traceback" not in log for log in logs.values())
    for guild_id, shard in ((GUILD_ID, 0), (OTHER_GUILD_ID, 1)):  # each question reached its own shard's process
        assert f"question={questions[guild_id]!r}" in logs[shard]
        assert f"question={questions[guild_id]!r}" not in logs[1 - shard]
    assert emulator.rejected == []
