"""Two real bot processes on one PostgreSQL database: Discord and Telegram as separate services.

A fact a moderator adds through Discord's `/fact add` form is answered by the Telegram process within 2 seconds,
and a removal on Discord reaches Telegram as fast. Polling stays at its default (SYNC_INTERVAL_SECONDS=2): LISTEN/
NOTIFY is what makes it fast (typically under 100 ms; the same with polling set to a minute).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Callable

import pytest

from tests.adapters.discord_emulator import EPHEMERAL, MODERATOR, DiscordEmulator
from tests.adapters.telegram_emulator import TelegramEmulator
from tests.e2e.conftest import StartBot, discord_env, telegram_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
WITHIN = 2.0
QUESTION = "Which envoy brought chocolate to Lukashenko in the two-process test?"
ANSWER = "Keith Kellogg did, says the fact a moderator added on Discord."
QUOTE = (
    "Wenige Tage zuvor war der US-Sondergesandte Keith Kellogg in Belarus eingetroffen, "
    "um sich mit Lukaschenko zu treffen."
)


class TelegramAsker:
    """Asks through the Telegram emulator, each time as a new user (so no rate limit ever applies)."""

    def __init__(self, api: TelegramEmulator) -> None:
        self.api = api
        self.user_ids = itertools.count(5001)

    async def ask(self, question: str, within: float = 5.0) -> str:
        user = self.api.user(next(self.user_ids), "Ulli")
        return (await self.api.reply(self.api.send(user, question), within=within)).text

    async def seconds_until(self, predicate: Callable[[str], bool], since: float) -> float:
        """Ask QUESTION again and again until `predicate(answer)`; the seconds from `since` to that answer."""
        while True:
            answer = await self.ask(QUESTION)
            elapsed = time.monotonic() - since
            if predicate(answer):
                return elapsed
            assert elapsed < WITHIN, f"Telegram still answered {answer!r} after {elapsed:.2f} s"
            await asyncio.sleep(0.02)


async def moderate(
    discord: DiscordEmulator, subcommand: str, values: dict[str, str] | None = None, **options: str
) -> str:
    """Run `/fact <subcommand>` as a moderator (filling in the form if it opens one); the ephemeral success text."""
    interaction = await discord.slash("fact", options, subcommand=subcommand, user=MODERATOR)
    if values is not None:
        await discord.modal(interaction)
        interaction = await discord.submit(interaction, values, user=MODERATOR)
    reply = await discord.reply(interaction)
    assert reply["flags"] & EPHEMERAL, reply
    return reply["content"]


async def test_a_fact_added_on_discord_is_answered_on_telegram_within_two_seconds(
    pg_database_url: str, start_bot: StartBot, discord_api: DiscordEmulator, telegram_api: TelegramEmulator
) -> None:
    shared = {"DATABASE_URL": pg_database_url} | discord_env(discord_api) | telegram_env(telegram_api)
    discord = await start_bot("discord", "--platform", "discord", **shared)
    telegram = await start_bot("telegram", "--platform", "telegram", **shared)
    asker = TelegramAsker(telegram_api)
    await discord_api.wait_ready(within=30)
    assert ANSWER not in await asker.ask(QUESTION, within=30)  # also: the Telegram process is up

    saved = await moderate(discord_api, "add", {"questions": QUESTION, "answer": ANSWER, "quote": QUOTE, "lang": "en"})
    acknowledged = time.monotonic()
    match = re.search(r"`([a-z0-9-]+)`", saved)
    assert match, saved
    added = await asker.seconds_until(lambda answer: ANSWER in answer, since=acknowledged)

    removed_text = await moderate(discord_api, "remove", id=match[1])
    acknowledged = time.monotonic()
    assert f"`{match[1]}`" in removed_text
    removed = await asker.seconds_until(lambda answer: ANSWER not in answer, since=acknowledged)

    print(f"\nDiscord → Telegram: added after {added * 1000:.0f} ms, removed after {removed * 1000:.0f} ms")
    assert added < WITHIN and removed < WITHIN
    assert [await discord.stop(), await telegram.stop()] == [0, 0]
    assert "Traceback" not in discord.stderr + telegram.stderr
    assert len(discord_api.identifies) == 1 and discord_api.rejected == []
