"""What every Discord handler needs: the injected services, the user's language, and who the user is."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import discord
from discord import app_commands

from bot.adapters.ratelimit import RateLimiter
from bot.config import Settings
from bot.core.messages import pick_lang
from bot.core.model import Actor, Unanswered
from bot.core.service import FactBot
from bot.core.text import clean

if TYPE_CHECKING:
    from bot.adapters.discord_forms import Draft

PLATFORM = "discord"
T = TypeVar("T")
V = TypeVar("V")


class Memo(Generic[V]):
    """A small bounded map whose entries expire: drafts and listed questions, never unbounded."""

    def __init__(self, limit: int = 1000, ttl: float = 24 * 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._limit, self._ttl, self._clock = limit, ttl, clock

    def put(self, key: str, value: V) -> None:
        self._items[key] = (self._clock() + self._ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def get(self, key: str) -> V | None:
        expires, value = self._items.get(key, (0.0, None))
        if value is None or expires < self._clock():
            self._items.pop(key, None)
            return None
        return value


@dataclass
class Services:
    """Injected into the client; handlers reach it through `services(interaction)`."""

    bot: FactBot
    settings: Settings
    limiter: RateLimiter
    drafts: Memo[Draft] = field(default_factory=Memo)
    unanswered: Memo[Unanswered] = field(default_factory=lambda: Memo(limit=200))
    # In-memory reads (autocomplete) get their own threads so they never queue behind slow database work.
    reads: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="discord-read"))

    async def read(self, fn: Callable[..., T], *args: Any, within: float) -> T:
        """Run an in-memory lookup off the event loop; TimeoutError when it takes longer than `within` seconds."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self.reads, fn, *args), within)

    def close(self) -> None:
        self.reads.shutdown(wait=False, cancel_futures=True)


class _HasServices(Protocol):
    services: Services


def services(interaction: discord.Interaction) -> Services:
    """The services of the client that received `interaction` (no globals: each client has its own)."""
    return cast(_HasServices, interaction.client).services


def lang_of(interaction: discord.Interaction) -> str:
    """German for German Discord clients, English otherwise."""
    return pick_lang(interaction.locale.value)


def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Messages in this channel (as Discord resolved it for the interaction) or a moderator role."""
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    permissions = interaction.permissions
    if permissions.manage_messages or permissions.administrator:
        return True
    moderator_roles = set(services(interaction).settings.discord_moderator_role_ids)
    # `roles` resolves only roles the guild cache knows; `_roles` are the ids Discord sent with the interaction,
    # so a moderator role still counts in a guild the cache has not seen (yet).
    member_roles = {role.id for role in member.roles} | set(getattr(member, "_roles", ()))
    return bool(moderator_roles & member_roles)


def actor_of(interaction: discord.Interaction) -> Actor:
    """The platform-free actor the core audits and checks; moderator status is computed per interaction."""
    user = interaction.user
    name = clean(getattr(user, "display_name", "") or user.name)[:100] or str(user.id)
    return Actor(platform=PLATFORM, user_id=str(user.id), name=name, is_moderator=is_moderator(interaction))


class NotAModerator(app_commands.CheckFailure):
    """Raised by the `/fact` check; the tree's error handler turns it into an ephemeral refusal."""


def moderators_only() -> Callable[[T], T]:
    """Server-side check for every `/fact` command: server admins can override default_member_permissions."""

    def predicate(interaction: discord.Interaction) -> bool:
        if not is_moderator(interaction):
            raise NotAModerator()
        return True

    return app_commands.check(predicate)
