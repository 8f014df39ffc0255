"""`python -m bot run --platform telegram|discord|all` with both tokens set: only the chosen platforms connect,
so Telegram and Discord can run as separate services from one shared configuration."""

from __future__ import annotations

import asyncio

import pytest

from tests.adapters.discord_emulator import DiscordEmulator
from tests.adapters.telegram_emulator import TelegramEmulator
from tests.e2e.conftest import StartBot, discord_env, telegram_env

pytestmark = pytest.mark.slow
QUESTION = "How many political prisoners were released?"
SETTLE = 1.0  # after the chosen platform answered: time the other one would have had to show up


async def answered_on_telegram(api: TelegramEmulator) -> bool:
    reply = await api.reply(api.send(api.user(4242, "Tess"), QUESTION), within=30)
    return "14" in reply.text


async def answered_on_discord(api: DiscordEmulator) -> bool:
    await api.wait_ready(within=30)
    reply = await api.reply(await api.slash("ask", {"question": QUESTION}))
    return "14" in reply["embeds"][0]["description"]


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--platform", "telegram"], {}, {"telegram"}),
        (["--platform", "discord"], {}, {"discord"}),
        (["--platform", "all"], {}, {"telegram", "discord"}),
        ([], {"PLATFORM": "telegram"}, {"telegram"}),
        (["--platform", "discord"], {"PLATFORM": "telegram"}, {"discord"}),  # the flag overrides PLATFORM
    ],
    ids=["telegram", "discord", "all", "PLATFORM-env", "flag-over-env"],
)
async def test_only_the_chosen_platforms_connect(
    start_bot: StartBot,
    database_url: str,
    discord_api: DiscordEmulator,
    telegram_api: TelegramEmulator,
    args: list[str],
    env: dict[str, str],
    expected: set[str],
) -> None:
    database = {"DATABASE_URL": database_url}  # a copy of the seeded template: no seeding at startup
    bot = await start_bot("bot", *args, **database | discord_env(discord_api) | telegram_env(telegram_api) | env)
    answers = {
        "telegram": lambda: answered_on_telegram(telegram_api),
        "discord": lambda: answered_on_discord(discord_api),
    }
    assert all(await asyncio.gather(*(answers[name]() for name in sorted(expected))))
    await asyncio.sleep(SETTLE)

    contacted = {"telegram": bool(telegram_api.calls), "discord": bool(discord_api.requests or discord_api.identifies)}
    assert {name for name, yes in contacted.items() if yes} == expected
    assert await bot.stop() == 0
    assert "Traceback" not in bot.stderr
