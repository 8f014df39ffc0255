"""The Discord client (discord.py 2.x) with the FactBot injected: slash commands, persistent buttons, fact forms."""

from __future__ import annotations

import logging
import re
from typing import Any, cast

import discord
from discord import app_commands

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

    syncs_commands = True  # a shard process without shard 0 leaves them to the one with it: no racing syncs

    def __init__(self, bot: FactBot, settings: Settings, **options: Any) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True), allowed_mentions=discord.AllowedMentions.none(), **options
        )
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
        if self.syncs_commands:
            await sync_commands(self.tree, self.services.settings.discord_guild_ids)
        else:
            log.info("commands are left to the process that runs shard 0")

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
