"""Starting and stopping `serve_discord` in process: endpoints, startup errors as one line, clean stops."""

from __future__ import annotations

import asyncio

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from bot.adapters.discord_app import serve_discord
from bot.adapters.errors import StartupError
from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.discord_emulator import EPHEMERAL, DiscordEmulator, serving


def discord_settings(settings: Settings, emulator: DiscordEmulator, **overrides: object) -> Settings:
    values = {
        "discord_bot_token": SecretStr(emulator.token),
        "discord_api_base_url": emulator.api_base,
        "discord_gateway_url": emulator.gateway_url,
    }
    return settings.model_copy(update=values | overrides)


async def test_invalid_token_is_a_startup_error_without_the_token(bot: FactBot, settings: Settings) -> None:
    token = "MTIz.secret-token-value"
    async with DiscordEmulator() as emulator:
        config = discord_settings(settings, emulator, discord_bot_token=SecretStr(token))
        with pytest.raises(StartupError) as error:
            await asyncio.wait_for(serve_discord(bot, config, asyncio.Event()), 10)
    message = str(error.value)
    assert "\n" not in message and token not in message and "401" in message
    assert error.value.__cause__ is None and error.value.__suppress_context__


async def test_unreachable_gateway_is_a_startup_error(bot: FactBot, settings: Settings) -> None:
    async with DiscordEmulator() as emulator:
        config = discord_settings(settings, emulator, discord_gateway_url="ws://127.0.0.1:9/gateway")
        with pytest.raises(StartupError, match=r"cannot connect to the Discord gateway at ws://127\.0\.0\.1:9"):
            await asyncio.wait_for(serve_discord(bot, config, asyncio.Event()), 10)


async def test_urls_of_the_wrong_kind_are_refused(bot: FactBot, settings: Settings) -> None:
    async with DiscordEmulator() as emulator:
        config = discord_settings(settings, emulator, discord_gateway_url="https://gateway.example")
        with pytest.raises(StartupError, match="DISCORD_GATEWAY_URL"):
            await serve_discord(bot, config, asyncio.Event())


async def test_endpoints_are_restored_after_a_stop(bot: FactBot, settings: Settings) -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    async with DiscordEmulator() as emulator, serving(emulator, bot, settings):
        assert emulator.api_base == Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == emulator.gateway_url
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)


async def test_without_a_gateway_url_the_api_names_the_gateway(bot: FactBot, settings: Settings) -> None:
    async with DiscordEmulator() as emulator, serving(emulator, bot, settings, discord_gateway_url=None):
        assert ("GET", "/api/v10/gateway/bot") in emulator.requests
        assert (await emulator.reply(await emulator.slash("help")))["embeds"]


async def test_stop_while_logging_in(bot: FactBot, settings: Settings) -> None:
    stop = asyncio.Event()
    stop.set()
    async with DiscordEmulator() as emulator:
        await asyncio.wait_for(serve_discord(bot, discord_settings(settings, emulator), stop), 5)
        assert emulator.identifies == []


async def test_buttons_of_an_older_version_get_a_hint(bot: FactBot, settings: Settings) -> None:
    async with DiscordEmulator() as emulator, serving(emulator, bot, settings):
        old = {"type": 1, "components": [{"type": 2, "style": 2, "label": "old", "custom_id": "fb:feedback:42"}]}
        message = await emulator.reply(await emulator.slash("help"))
        emulator.messages[int(message["id"])]["components"] = [old]
        hint = await emulator.reply(await emulator.click(message, "fb:feedback:42"))
        assert hint["flags"] & EPHEMERAL and "outdated" in hint["content"]
