"""Webhook mode: updates POSTed to the bot on loopback, the secret checked on every request, setWebhook recorded."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.adapters.errors import StartupError
from bot.adapters.telegram_app import ALLOWED_UPDATES, serve_telegram
from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.telegram_emulator import SECRET_HEADER, TelegramEmulator, running_bot
from tests.adapters.test_telegram_process import start
from tests.processes import ensure_stopped, error_lines, exit_code

SECRET = "webhook-Secret_42"
PRISONERS = "How many political prisoners were released?"
FORGED = "Which forged question would the bot log as unanswered?"


def free_port() -> int:
    """A port the OS just handed out (tornado behind PTB cannot report the port it bound to for port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def webhook_settings(port: int, secret: str | None = SECRET) -> dict[str, object]:
    return {
        "telegram_webhook_url": f"http://127.0.0.1:{port}/tg/hook-v1.0",
        "telegram_webhook_secret": SecretStr(secret) if secret else None,
        "telegram_webhook_listen": "127.0.0.1",
        "telegram_webhook_port": port,
    }


async def test_the_bot_registers_its_webhook_and_answers_what_telegram_posts(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings
) -> None:
    port = free_port()
    async with running_bot(telegram_api, bot, settings, **webhook_settings(port)) as telegram:
        (registered,) = telegram_api.since(0, "setWebhook")
        assert registered.params["url"] == f"http://127.0.0.1:{port}/tg/hook-v1.0"
        assert registered.params["secret_token"] == SECRET
        assert registered.params["allowed_updates"] == ALLOWED_UPDATES
        answer = await telegram.ask(telegram.user, PRISONERS)  # the emulator POSTs it with the secret
        assert "14 political prisoners" in answer.text and "<blockquote>" in answer.html
    assert not telegram_api.since(0, "getUpdates") and not telegram_api.since(0, "deleteWebhook")
    assert {status for _, status in telegram_api.delivered} == {200}
    with pytest.raises(aiohttp.ClientConnectionError):  # stopped: nothing listens any more
        await telegram_api.post_update(telegram_api.new_update(message=telegram_api.text_message(telegram.user, "x")))


async def test_requests_without_the_right_secret_get_403_and_are_not_processed(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings
) -> None:
    async with running_bot(telegram_api, bot, settings, **webhook_settings(free_port())) as telegram:
        api, user = telegram_api, telegram.user
        mark = len(api.calls)
        forged = [api.new_update(message=api.text_message(user, FORGED)) for _ in range(3)]
        assert await api.post_update(forged[0], secret=None) == 403
        assert await api.post_update(forged[1], secret="wrong-secret") == 403
        assert await api.post_update(forged[2], secret=SECRET.upper()) == 403
        async with aiohttp.ClientSession() as session:  # the right secret, but no JSON update
            url, headers = api.webhook["url"], {SECRET_HEADER: SECRET}  # type: ignore[index]
            async with session.post(url, data="message=hi", headers=headers) as response:
                assert response.status == 403
        genuine = api.new_update(message=api.text_message(user, PRISONERS))
        assert await api.post_update(genuine) == 200
        answer = await api.wait_call("sendMessage", after=mark, chat_id=user["id"])
        assert "14 political prisoners" in answer.text
        await telegram.settle(api.chats[user["id"]])  # every earlier update of this chat is handled by now
        replies = api.since(mark, "sendMessage", chat_id=user["id"])
        assert len(replies) == 2 and FORGED not in str(replies)  # the answer and /help, nothing for the forged
    assert not any("forged" in entry.text.lower() for entry in bot.moderation.unanswered(100))


@pytest.mark.parametrize(
    ("secret", "error"),
    [
        (None, "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not (a webhook without a secret accepts "),
        ("with spaces", "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"),
    ],
)
async def test_a_webhook_without_a_usable_secret_refuses_to_start(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings, secret: str | None, error: str
) -> None:
    values = {"telegram_bot_token": SecretStr(telegram_api.token), "telegram_api_base_url": telegram_api.base_url}
    configured = settings.model_copy(update=values | webhook_settings(free_port(), secret))
    with pytest.raises(StartupError) as raised:
        await serve_telegram(bot, configured, asyncio.Event())
    assert str(raised.value).startswith(error) and "\n" not in str(raised.value)
    assert telegram_api.calls == []  # refused before talking to Telegram


@pytest.mark.slow
async def test_the_bot_process_in_webhook_mode_answers_and_stops_cleanly(
    telegram_api: TelegramEmulator, tmp_path: Path, database_url: str
) -> None:
    user = telegram_api.user(2002, "Ulli")
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/telegram"
    process, log = await start(
        telegram_api,
        tmp_path,
        telegram_api.token,
        DATABASE_URL=database_url,  # already migrated and seeded: a faster start
        TELEGRAM_MODERATOR_IDS="",
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    try:
        registered = await telegram_api.wait_call("setWebhook", within=30)
        assert (registered.params["url"], registered.params["secret_token"]) == (url, SECRET)
        answer = await telegram_api.reply(telegram_api.send(user, PRISONERS), within=10)
        assert "14 political prisoners" in answer.text
        forged = telegram_api.new_update(message=telegram_api.text_message(user, FORGED))
        assert await telegram_api.post_update(forged, secret="not-the-secret") == 403
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        await ensure_stopped(process)
    stderr = log.read_text()
    assert "Traceback" not in stderr and telegram_api.token not in stderr and SECRET not in stderr
    assert not telegram_api.since(0, "getUpdates") and not telegram_api.errors
    assert len(telegram_api.since(0, "sendMessage")) == 1  # the answer; the forged update was never handled


@pytest.mark.slow
async def test_the_bot_process_refuses_a_webhook_without_a_secret(
    telegram_api: TelegramEmulator, tmp_path: Path, database_url: str
) -> None:
    process, log = await start(
        telegram_api,
        tmp_path,
        telegram_api.token,
        DATABASE_URL=database_url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram",
        TELEGRAM_WEBHOOK_SECRET="",  # empty counts as unset
    )
    code = await exit_code(process, 25)
    stderr = log.read_text()
    errors = error_lines(stderr)
    assert code != 0 and errors == [
        "error: telegram: TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not "
        "(a webhook without a secret accepts forged updates)"
    ]
    assert "Traceback" not in stderr and telegram_api.calls == []
