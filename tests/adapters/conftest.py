"""Fixtures of the adapter tests; each platform keeps its own next to its emulator."""

from tests.adapters.discord_emulator import discord, emulator  # noqa: F401
from tests.adapters.telegram_emulator import telegram, telegram_api  # noqa: F401
