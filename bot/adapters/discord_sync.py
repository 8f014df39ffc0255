"""Command sync: instantly to DISCORD_GUILD_IDS (development), else globally and only when the schema changed.

Global sync is rate limited by Discord and makes clients re-download commands, so it is skipped when the
commands Discord already has are the ones this version defines.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.http import Route

log = logging.getLogger(__name__)
# The parts of a command that users see or that change its behaviour; ids, versions and defaults are not.
_SCHEMA_KEYS = frozenset(
    {
        "type",
        "name",
        "description",
        "name_localizations",
        "description_localizations",
        "options",
        "choices",
        "value",
        "required",
        "autocomplete",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
        "channel_types",
        "default_member_permissions",
        "contexts",
        "integration_types",
        "nsfw",
    }
)


async def sync_commands(tree: app_commands.CommandTree[Any], guild_ids: list[int]) -> None:
    """Guild ids set: copy the commands there and sync at once; else sync globally if Discord's copy differs."""
    if guild_ids:
        for guild_id in guild_ids:
            guild = discord.Object(guild_id)
            tree.copy_global_to(guild=guild)
            try:
                synced = await tree.sync(guild=guild)
            except discord.Forbidden:
                log.warning("cannot sync commands to guild %s: is the bot in it, with applications.commands?", guild_id)
                continue
            log.info("synced %d commands to guild %s", len(synced), guild_id)
        return
    local = await local_schema(tree)
    application_id = tree.client.application_id
    assert application_id is not None  # set by login, before setup_hook
    # Without with_localizations Discord leaves out the translations and every start would look like a change.
    route = Route("GET", "/applications/{application_id}/commands", application_id=application_id)
    try:
        remote = await tree.client.http.request(route, params={"with_localizations": "true"})
    except discord.HTTPException as exc:  # cannot compare: syncing is the safe side
        log.warning("could not read the registered commands (%s %s); syncing them", exc.status, exc.text)
    else:
        if isinstance(remote, list) and schema(remote) == local:
            log.info("global commands unchanged: no sync")
            return
    synced = await tree.sync()
    log.info("synced %d global commands", len(synced))


async def local_schema(tree: app_commands.CommandTree[Any]) -> Any:
    """The global commands exactly as `tree.sync()` would send them (translated), normalised."""
    translator = tree.translator
    commands = tree.get_commands()
    if translator is None:
        return schema([command.to_dict(tree) for command in commands])
    return schema([await command.get_translated_payload(tree, translator) for command in commands])


def schema(commands: list[dict[str, Any]]) -> list[Any]:
    """Comparable form of command payloads: only user-visible keys, no empty values, commands in a stable order."""
    return sorted((_normal(command) for command in commands), key=lambda c: (c.get("type", 1), c.get("name", "")))


def _normal(value: Any) -> Any:
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, dict):
        return {
            key: str(item) if key == "default_member_permissions" else _normal(item)
            for key, item in value.items()
            if key in _SCHEMA_KEYS and not _empty(item)
        }
    return value


def _empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str | list | dict) and not value)
