"""`serve_discord`, which the runner starts: endpoints, login, the gateway and a clean stop, errors as one line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_client import FactBotClient
from bot.adapters.discord_shards import ShardedFactBotClient, sharding
from bot.adapters.errors import StartupError
from bot.config import Settings
from bot.core.service import FactBot

log = logging.getLogger(__name__)


@contextlib.contextmanager
def endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at DISCORD_API_BASE_URL / DISCORD_GATEWAY_URL via its class attributes, restored after.

    discord.py 2.x sends every REST call (webhooks and interaction callbacks too) to `Route.BASE`, and a
    client connects to `DiscordWebSocket.DEFAULT_GATEWAY` without asking `GET /gateway/bot` (only an
    AutoShardedClient without a shard count asks); `serve_discord` asks it when only the REST base is configured.
    """
    base = settings.discord_api_base_url.rstrip("/") if settings.discord_api_base_url else None
    gateway = yarl.URL(settings.discord_gateway_url) if settings.discord_gateway_url else None
    if base and yarl.URL(base).scheme not in ("http", "https"):
        raise StartupError(f"DISCORD_API_BASE_URL must be an http(s) URL, not {base!r}")
    if gateway and gateway.scheme not in ("ws", "wss"):
        raise StartupError(f"DISCORD_GATEWAY_URL must be a ws(s) URL, not {str(gateway)!r}")
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = base or Route.BASE
    DiscordWebSocket.DEFAULT_GATEWAY = gateway or DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


async def serve_discord(bot: FactBot, settings: Settings, stop: asyncio.Event) -> None:
    """Run the client until `stop` is set, then close it; an invalid token raises StartupError."""
    assert settings.discord_bot_token is not None
    token = settings.discord_bot_token.get_secret_value().strip()
    shards = sharding(settings)
    with endpoints(settings):
        client = FactBotClient(bot, settings) if shards is None else ShardedFactBotClient(bot, settings, shards)
        async with client:
            login = asyncio.create_task(_login(client, token), name="discord-login")
            if not await _done_before(login, stop):  # SIGTERM while still starting: nothing to close yet
                login.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await login
                return
            login.result()
            if settings.discord_api_base_url and not settings.discord_gateway_url:
                await _gateway_from_api(client)
            gateway = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
            await _done_before(gateway, stop)
            await client.close()
            await _finished(client, gateway)
    log.info("discord stopped")


async def _done_before(task: asyncio.Task[None], stop: asyncio.Event) -> bool:
    """Wait until `task` is done or `stop` is set; True when the task was done first."""
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    return task.done()


async def _gateway_from_api(client: FactBotClient) -> None:
    """Only the REST base is configured: connect where that API says the gateway is (GET /gateway/bot).

    A rate-limit proxy passes the call on to Discord, an emulator names its own gateway.
    """
    try:
        _, url, _ = await client.http.get_bot_gateway()
    except (discord.GatewayNotFound, aiohttp.ClientError) as exc:
        log.warning("GET /gateway/bot failed (%s): using %s", type(exc).__name__, DiscordWebSocket.DEFAULT_GATEWAY)
        return
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


async def _login(client: FactBotClient, token: str) -> None:
    """Log in (which also runs setup_hook and the command sync); failures become one-line StartupErrors."""
    try:
        await client.login(token)
    except discord.LoginFailure:
        raise StartupError("the bot token was rejected (401 Unauthorized); check DISCORD_BOT_TOKEN") from None
    except app_commands.CommandSyncFailure as exc:
        raise StartupError(f"Discord rejected the command schema: {' '.join(str(exc).split())}") from None
    except discord.HTTPException as exc:
        raise StartupError(f"the Discord API answered {exc.status} during login") from None
    except (aiohttp.ClientError, OSError) as exc:
        raise StartupError(f"cannot reach the Discord API at {Route.BASE} ({type(exc).__name__})") from None


async def _finished(client: FactBotClient, gateway: asyncio.Task[None]) -> None:
    """Wait for the gateway task after close; failing to ever connect is a startup error (one line)."""
    try:
        await asyncio.wait_for(gateway, timeout=5)
    except TimeoutError:
        log.warning("the discord gateway did not close within 5 s")
    except discord.PrivilegedIntentsRequired:
        raise StartupError("Discord refused the requested intents") from None
    except discord.ConnectionClosed as exc:
        if exc.code == 4004:
            raise StartupError("the gateway rejected the bot token (4004); check DISCORD_BOT_TOKEN") from None
        if exc.code in (4010, 4011):
            raise StartupError(f"the gateway refused the shard configuration ({exc.code})") from None
        raise
    except StartupError:
        raise
    except Exception as exc:
        if _never_connected(client):  # discord.py's retry then fails on the missing session
            gateway_url = DiscordWebSocket.DEFAULT_GATEWAY
            raise StartupError(
                f"cannot connect to the Discord gateway at {gateway_url} ({type(exc).__name__})"
            ) from None
        raise


def _never_connected(client: FactBotClient) -> bool:
    if isinstance(client, discord.AutoShardedClient):
        return not client.shards
    return client.ws is None
