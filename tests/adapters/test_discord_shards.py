"""Sharding (DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS): each shard identifies as itself, answers its own guilds,
and only the process that runs shard 0 touches the commands."""

from __future__ import annotations

import asyncio
import time

import pytest
from pydantic import SecretStr

from bot.adapters.discord_app import serve_discord
from bot.adapters.discord_shards import IdentifyPacer, Sharding, shard_of, sharding
from bot.adapters.errors import StartupError
from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.discord_emulator import GUILD_ID, OTHER_GUILD_ID, DiscordEmulator, serving

QUESTION = "How many political prisoners were released?"


def identified_shards(emulator: DiscordEmulator) -> list[list[int] | None]:
    return [identify.get("shard") for identify in emulator.identifies]


def command_requests(emulator: DiscordEmulator) -> list[tuple[str, str]]:
    return [(method, path) for method, path in emulator.requests if path.endswith("/commands")]


async def ask(emulator: DiscordEmulator, guild_id: int | None) -> tuple[int | None, str]:
    """Ask on `guild_id`; which shard received the question, and the answer."""
    interaction = await emulator.slash("ask", {"question": QUESTION}, guild_id=guild_id)
    answer = await emulator.reply(interaction)
    return interaction.shard, answer["embeds"][0]["description"]


def test_the_emulator_guilds_are_on_different_shards() -> None:
    assert (shard_of(GUILD_ID, 2), shard_of(OTHER_GUILD_ID, 2)) == (0, 1)


async def test_one_process_with_two_shards_answers_each_guild_on_its_shard(bot: FactBot, settings: Settings) -> None:
    started = time.monotonic()
    async with (
        DiscordEmulator(guild_ids=(GUILD_ID, OTHER_GUILD_ID), max_concurrency=2) as emulator,
        serving(emulator, bot, settings, discord_shard_count=2),
    ):
        await emulator.wait_ready(shard=1)
        # max_concurrency 2: both shards identify at once instead of discord.py's 5 s apart
        assert time.monotonic() - started < 4
        assert identified_shards(emulator) == [[0, 2], [1, 2]]
        assert {s.shard: s.owns(GUILD_ID) for s in emulator.ready_sessions} == {(0, 2): True, (1, 2): False}
        assert len(emulator.syncs) == 1
        for guild_id, shard in ((GUILD_ID, 0), (OTHER_GUILD_ID, 1), (None, 0)):  # direct messages go to shard 0
            received_by, answer = await ask(emulator, guild_id)
            assert received_by == shard and "14" in answer
        assert emulator.rejected == []


async def test_processes_split_the_shards_and_only_shard_0_syncs(bot: FactBot, settings: Settings) -> None:
    """Two clients, as two processes would run them: shard 1 starts first and leaves the commands alone."""
    async with DiscordEmulator(guild_ids=(GUILD_ID, OTHER_GUILD_ID)) as emulator:
        async with serving(emulator, bot, settings, discord_shard_count=2, discord_shard_ids=[1]):
            await emulator.wait_ready(shard=1)
            assert identified_shards(emulator) == [[1, 2]]
            assert command_requests(emulator) == [] and emulator.session_for(GUILD_ID) is None
            async with serving(emulator, bot, settings, discord_shard_count=2, discord_shard_ids=[0]):
                await emulator.wait_ready(shard=0)
                assert identified_shards(emulator) == [[1, 2], [0, 2]]
                assert [scope for scope, _ in emulator.syncs] == [None]
                assert (await ask(emulator, GUILD_ID))[0] == 0
                assert (await ask(emulator, OTHER_GUILD_ID))[0] == 1
        assert emulator.rejected == []


async def test_without_sharding_the_client_identifies_without_a_shard(bot: FactBot, settings: Settings) -> None:
    async with DiscordEmulator() as emulator, serving(emulator, bot, settings):
        assert identified_shards(emulator) == [None]
        assert (await ask(emulator, GUILD_ID))[0] is None


@pytest.mark.parametrize(
    ("count", "ids", "expected"),
    [(None, [], None), (2, [], Sharding(2, (0, 1))), (4, [3, 1, 3], Sharding(4, (1, 3))), (1, [0], Sharding(1, (0,)))],
)
def test_sharding_settings(settings: Settings, count: int | None, ids: list[int], expected: Sharding | None) -> None:
    assert sharding(settings.model_copy(update={"discord_shard_count": count, "discord_shard_ids": ids})) == expected


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [(None, [0], "needs DISCORD_SHARD_COUNT"), (0, [], "at least 1"), (2, [0, 2], r"\[2\] are outside 0\.\.1")],
)
async def test_impossible_shard_settings_are_startup_errors(
    bot: FactBot, settings: Settings, count: int | None, ids: list[int], message: str
) -> None:
    config = settings.model_copy(
        update={"discord_bot_token": SecretStr("token"), "discord_shard_count": count, "discord_shard_ids": ids}
    )
    with pytest.raises(StartupError, match=message):
        await serve_discord(bot, config, asyncio.Event())


def test_shard_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "2, 3")
    assert sharding(Settings(_env_file=None)) == Sharding(4, (2, 3))  # type: ignore[call-arg]


async def test_identify_pacing_keeps_one_identify_per_bucket_and_window() -> None:
    pacer = IdentifyPacer(max_concurrency=2, window=0.3)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(pacer.wait(0), pacer.wait(1))  # different buckets: together
    assert loop.time() - started < 0.1
    await asyncio.gather(pacer.wait(2), pacer.wait(4))  # bucket 0 again, twice: one window, then another
    assert 0.55 < loop.time() - started < 0.9


async def test_a_shard_that_cannot_reach_the_gateway_is_a_startup_error(bot: FactBot, settings: Settings) -> None:
    """discord.py would retry it every 5 s forever; after its first retry it is one line and the process ends."""
    async with DiscordEmulator() as emulator:
        config = settings.model_copy(
            update={
                "discord_bot_token": SecretStr(emulator.token),
                "discord_api_base_url": emulator.api_base,
                "discord_gateway_url": "ws://127.0.0.1:9/gateway",
                "discord_shard_count": 1,
            }
        )
        with pytest.raises(StartupError, match=r"cannot connect to the Discord gateway at ws://127\.0\.0\.1:9/gateway"):
            await asyncio.wait_for(serve_discord(bot, config, asyncio.Event()), 15)
