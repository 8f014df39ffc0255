"""The Discord client (discord.py 2.x) with the FactBot injected, and `serve_discord` that the runner starts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any, cast

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord_commands import COMMANDS
from bot.adapters.discord_context import NotAModerator, Services, lang_of
from bot.adapters.discord_form_flow import ITEMS as FORM_ITEMS
from bot.adapters.discord_form_flow import TEMPLATES as FORM_TEMPLATES
from bot.adapters.discord_form_flow import submit_form
from bot.adapters.discord_forms import FORM_PREFIX
from bot.adapters.discord_locale import GermanTranslator
from bot.adapters.discord_moderation import FactGroup
from bot.adapters.discord_reply import Reply, deliver, error_reply, notice, refusal
from bot.adapters.discord_sync import sync_commands
from bot.adapters.discord_texts import say
from bot.adapters.discord_views import ITEMS as VIEW_ITEMS
from bot.adapters.discord_views import TEMPLATES as VIEW_TEMPLATES
from bot.adapters.errors import StartupError
from bot.adapters.ratelimit import RateLimiter
from bot.config import Settings
from bot.core import messages
from bot.core.errors import BotError
from bot.core.service import FactBot

log = logging.getLogger(__name__)
BUTTON_PREFIX = "fb:"
BUTTONS = tuple(re.compile(template) for template in (*VIEW_TEMPLATES, *FORM_TEMPLATES))


class FactTree(app_commands.CommandTree):
    """Turns command errors into ephemeral messages in the user's language instead of silence."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        lang = lang_of(interaction)
        original = getattr(error, "original", error)
        if isinstance(error, NotAModerator):
            reply = refusal(lang)
        elif isinstance(original, BotError):
            reply = error_reply(original, lang)
        elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            reply = notice(say("command_outdated", lang))
        else:
            log.error("discord command failed", exc_info=original)
            reply = notice(messages.text("internal_error", lang))
        await _deliver_quietly(interaction, reply)


async def _deliver_quietly(interaction: discord.Interaction, reply: Reply) -> None:
    """Error replies must not raise again (the interaction may have expired meanwhile)."""
    if interaction.type is discord.InteractionType.autocomplete:
        return
    try:
        await deliver(interaction, reply)
    except discord.HTTPException as exc:
        log.warning("could not send an error reply: %s", exc)


def _outdated(custom_id: str) -> bool:
    """One of our buttons, but in a format this version no longer handles."""
    return custom_id.startswith(BUTTON_PREFIX) and not any(pattern.fullmatch(custom_id) for pattern in BUTTONS)


class FactBotClient(discord.Client):
    """Slash commands only: the narrowest non-privileged intents (GUILDS, for the role cache), no message content."""

    def __init__(self, bot: FactBot, settings: Settings) -> None:
        super().__init__(intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none())
        self.services = Services(bot, settings, RateLimiter(settings.rate_limit_per_minute))
        self.tree = FactTree(
            self,
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
        )
        for command in COMMANDS:
            self.tree.add_command(command)
        self.tree.add_command(FactGroup())

    async def setup_hook(self) -> None:
        """Runs after login, before the gateway: register persistent buttons, then sync the commands."""
        self.add_dynamic_items(*VIEW_ITEMS, *FORM_ITEMS)
        await self.tree.set_translator(GermanTranslator())
        await sync_commands(self.tree, self.services.settings.discord_guild_ids)

    async def on_ready(self) -> None:
        log.info("discord connected as %s to %d guilds", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Save fact forms from what was submitted (so forms opened before a restart still work), and answer
        buttons of an older version, which discord.py would drop silently, with a hint instead of a failure."""
        data = cast(dict[str, Any], interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.modal_submit and custom_id.startswith(FORM_PREFIX):
            await submit_form(interaction)
        elif interaction.type is discord.InteractionType.component and _outdated(custom_id):
            await _deliver_quietly(interaction, notice(say("button_outdated", lang_of(interaction))))

    async def close(self) -> None:
        await super().close()
        self.services.close()


@contextlib.contextmanager
def endpoints(settings: Settings) -> Iterator[None]:
    """Point discord.py at DISCORD_API_BASE_URL / DISCORD_GATEWAY_URL via its class attributes, restored after.

    discord.py 2.x sends every REST call (webhooks and interaction callbacks too) to `Route.BASE`, and a
    non-sharded client connects to `DiscordWebSocket.DEFAULT_GATEWAY` without asking `GET /gateway/bot`
    (only AutoShardedClient asks); `serve_discord` asks it when only the REST base is configured.
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
    with endpoints(settings):
        async with FactBotClient(bot, settings) as client:
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
        raise
    except Exception as exc:
        if client.ws is None:  # never connected: discord.py's retry then fails on the missing session
            gateway_url = DiscordWebSocket.DEFAULT_GATEWAY
            raise StartupError(
                f"cannot connect to the Discord gateway at {gateway_url} ({type(exc).__name__})"
            ) from None
        raise
