"""`python -m bot run` as a real process, configured only through the environment, against the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.adapters.errors import StartupError
from bot.adapters.telegram_app import serve_telegram
from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.telegram_emulator import TelegramEmulator
from tests.processes import ensure_stopped, error_lines, exit_code

pytestmark = pytest.mark.slow
_FOREIGN = ("TELEGRAM_", "DISCORD_", "DATABASE_URL", "PLATFORM", "RATE_LIMIT", "LOG_")


async def start(
    api: TelegramEmulator, tmp_path: Path, token: str, **extra_env: str
) -> tuple[asyncio.subprocess.Process, Path]:
    """`python -m bot run` in `tmp_path`, configured only through the environment (`extra_env` on top)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}
    env |= {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "TELEGRAM_MODERATOR_IDS": "1001, 1002",
    } | extra_env
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:  # a file, so a chatty log can never fill a pipe and stall the bot
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=stderr
        )
    return process, log


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_the_bot_process_answers_and_stops_cleanly(
    telegram_api: TelegramEmulator, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    user, moderator = telegram_api.user(2002, "Ulli"), telegram_api.user(1001, "Mona")
    process, log = await start(telegram_api, tmp_path, telegram_api.token)
    try:
        answer = await telegram_api.reply(
            telegram_api.send(user, "How many political prisoners were released?"), within=30
        )
        assert "14 political prisoners" in answer.text and "<blockquote>" in answer.html
        removed = await telegram_api.reply(telegram_api.send(moderator, "/delfact kellogg-visit"))
        assert removed.text.startswith("Removed kellogg-visit")
        process.send_signal(stop_signal)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        await ensure_stopped(process)
    stderr = log.read_text()
    assert "Traceback" not in stderr and telegram_api.token not in stderr
    # moderator 1002 never opened a chat with the bot: Telegram refuses their menu, the bot carries on
    assert [(c.method, c.params["scope"], c.error) for c in telegram_api.errors] == [
        ("setMyCommands", {"chat_id": 1002, "type": "chat"}, "Bad Request: chat not found")
    ]


async def test_an_invalid_token_is_one_line_and_a_non_zero_exit(telegram_api: TelegramEmulator, tmp_path: Path) -> None:
    token = "999999:not-the-right-token"
    process, log = await start(telegram_api, tmp_path, token)
    code = await exit_code(process, 25)
    stderr = log.read_text()
    errors = error_lines(stderr)
    assert code != 0 and errors == ["error: telegram: the Bot API rejected the token (check TELEGRAM_BOT_TOKEN)"]
    assert "Traceback" not in stderr and token not in stderr


async def test_startup_errors_never_show_the_token(
    bot: FactBot, settings: Settings, telegram_api: TelegramEmulator
) -> None:
    token = "424242:secret-token-value"
    rejected = settings.model_copy(
        update={"telegram_bot_token": SecretStr(token), "telegram_api_base_url": telegram_api.base_url}
    )
    with pytest.raises(StartupError, match="rejected the token") as raised:
        await serve_telegram(bot, rejected, asyncio.Event())
    assert token not in str(raised.value)
    closed = rejected.model_copy(update={"telegram_api_base_url": "http://127.0.0.1:9/bot"})
    with pytest.raises(StartupError, match=r"cannot reach the Telegram Bot API at 127\.0\.0\.1:9") as raised:
        await serve_telegram(bot, closed, asyncio.Event())
    assert token not in str(raised.value)
