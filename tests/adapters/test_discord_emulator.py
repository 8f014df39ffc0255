"""The emulator is only useful if it is as strict as Discord: these pin the rules the bot is tested against."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.discord_emulator import (
    ALICE,
    APP_ID,
    GUILD_ID,
    OTHER_GUILD_ID,
    DiscordEmulator,
    Interaction,
    serving,
)


@pytest.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def pending(emulator: DiscordEmulator, age: float = 0.0) -> Interaction:
    payload = {"id": "1", "guild_id": str(GUILD_ID), "member": {"user": ALICE.payload()}}
    interaction = Interaction(1, "tok", 2, payload, time.monotonic() - age)
    emulator.interactions[1] = interaction
    return interaction


async def post(http: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, str, Any]:
    async with http.post(url, json=body) as response:
        return response.status, response.headers["Content-Type"], await response.json(content_type=None)


def callback_url(emulator: DiscordEmulator) -> str:
    return f"{emulator.api_base}/interactions/1/tok/callback?with_response=1"


async def test_wrong_token_is_401_with_exact_json_content_type(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{emulator.api_base}/users/@me", headers={"Authorization": "Bot nope"}) as response:
        assert response.status == 401
        assert response.headers["Content-Type"] == "application/json"
    async with http.get(f"{emulator.api_base}/users/@me", headers={"Authorization": f"Bot {emulator.token}"}) as ok:
        assert ok.status == 200 and ok.headers["Content-Type"] == "application/json"


async def test_second_and_late_responses_are_rejected(emulator: DiscordEmulator, http: aiohttp.ClientSession) -> None:
    pending(emulator)
    message = {"type": 4, "data": {"content": "hi"}}
    assert (await post(http, callback_url(emulator), message))[0] == 200
    status, content_type, body = await post(http, callback_url(emulator), message)
    assert (status, body["code"], content_type) == (400, 40060, "application/json")
    pending(emulator, age=3.5)
    status, _, body = await post(http, callback_url(emulator), message)
    assert (status, body["code"]) == (404, 10062)


@pytest.mark.parametrize(
    "data",
    [
        {"content": "x" * 2001},
        {"content": ""},
        {"embeds": [{"title": "t" * 257}]},
        {"embeds": [{"description": "d" * 4097}]},
        {"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]},
        {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
        {"embeds": [{"title": "t", "url": "javascript:alert(1)"}]},
        {"components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "c" * 101}]}]},
    ],
)
async def test_messages_over_the_limits_are_rejected(
    emulator: DiscordEmulator, http: aiohttp.ClientSession, data: dict[str, Any]
) -> None:
    pending(emulator)
    status, _, body = await post(http, callback_url(emulator), {"type": 4, "data": data})
    assert status == 400 and body["code"] in (50035, 50006)
    assert emulator.interactions[1].callback is None


async def test_follow_ups_need_an_acknowledged_interaction(
    emulator: DiscordEmulator, http: aiohttp.ClientSession
) -> None:
    pending(emulator)
    status, _, _ = await post(http, f"{emulator.api_base}/webhooks/{APP_ID}/tok", {"content": "early"})
    assert status == 404


async def test_invalid_command_schema_is_rejected(emulator: DiscordEmulator, http: aiohttp.ClientSession) -> None:
    headers = {"Authorization": f"Bot {emulator.token}"}
    bad = [{"name": "Ask", "description": "uppercase names are invalid", "type": 1}]
    async with http.put(f"{emulator.api_base}/applications/{APP_ID}/commands", json=bad, headers=headers) as response:
        assert response.status == 400
    assert emulator.global_commands == []


async def test_commands_never_registered_cannot_be_invoked(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings
) -> None:
    async with serving(emulator, bot, settings):
        with pytest.raises(AssertionError, match="never registered"):
            await emulator.slash("weather")
        with pytest.raises(AssertionError, match="no option"):
            await emulator.slash("ask", {"city": "Minsk"})
        with pytest.raises(AssertionError, match="not available in direct messages"):
            await emulator.slash("fact", subcommand="list", guild_id=None)


@pytest.mark.parametrize(("shard", "close_code"), [([1, 2], None), ([2, 2], 4010), ([0], 4010), (["0", 2], 4010)])
async def test_identify_with_a_shard_gets_that_shards_guilds_or_4010(
    http: aiohttp.ClientSession, shard: list[Any], close_code: int | None
) -> None:
    async with (
        DiscordEmulator(guild_ids=(GUILD_ID, OTHER_GUILD_ID)) as emulator,
        http.ws_connect(f"{emulator.gateway_url}?v=10&encoding=json") as ws,
    ):
        assert (await ws.receive_json())["op"] == 10
        await ws.send_json({"op": 2, "d": {"token": emulator.token, "intents": 1, "shard": shard}})
        if close_code is not None:
            await ws.receive()
            assert ws.close_code == close_code
            return
        ready = await ws.receive_json()
        assert (ready["t"], ready["d"]["shard"]) == ("READY", shard)
        assert [g["id"] for g in ready["d"]["guilds"]] == [str(OTHER_GUILD_ID)]  # shard 1 of 2 only
        assert (await ws.receive_json())["d"]["id"] == str(OTHER_GUILD_ID)
        await emulator.wait_ready(shard=1)
        assert emulator.session_for(OTHER_GUILD_ID) is not None
        assert emulator.session_for(GUILD_ID) is None and emulator.session_for(None) is None  # shard 0's guild, DMs
