"""Discord sharding: DISCORD_SHARD_COUNT / DISCORD_SHARD_IDS split one bot's guilds over several processes.

Discord sends each guild's events to shard `(guild_id >> 22) % shard_count` (direct messages to shard 0), so
each process answers the interactions of its own guilds; the commands are one set per application and are
synced only by the process that runs shard 0, so that processes starting together never race each other.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp
import discord
import yarl

from bot.adapters.discord_client import FactBotClient
from bot.adapters.errors import StartupError
from bot.config import Settings
from bot.core.service import FactBot

log = logging.getLogger(__name__)
IDENTIFY_WINDOW = 5.0  # Discord: at most `max_concurrency` IDENTIFYs per 5 seconds, one per bucket


@dataclass(frozen=True)
class Sharding:
    """This process runs shards `ids` of `count`."""

    count: int
    ids: tuple[int, ...]

    @property
    def syncs_commands(self) -> bool:
        return 0 in self.ids


def sharding(settings: Settings) -> Sharding | None:
    """The configured shards, None without sharding; a configuration Discord would refuse is a StartupError."""
    count, ids = settings.discord_shard_count, settings.discord_shard_ids
    if count is None and not ids:
        return None
    if count is None:
        raise StartupError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total number of shards)")
    if count < 1:
        raise StartupError(f"DISCORD_SHARD_COUNT must be at least 1, not {count}")
    if outside := sorted({i for i in ids if not 0 <= i < count}):
        raise StartupError(f"DISCORD_SHARD_IDS {outside} are outside 0..{count - 1} (DISCORD_SHARD_COUNT={count})")
    return Sharding(count, tuple(sorted(set(ids))) or tuple(range(count)))


def shard_of(guild_id: int, count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % count


class IdentifyPacer:
    """Shards in different buckets (`shard_id % max_concurrency`) may identify together; one bucket once per 5 s.

    discord.py waits 5 s before every shard but the first, which makes a large bot start needlessly slowly.
    """

    def __init__(self, max_concurrency: int = 1, window: float = IDENTIFY_WINDOW) -> None:
        self.max_concurrency = max(1, max_concurrency)
        self.window = window
        self._next: dict[int, float] = {}

    async def wait(self, shard_id: int) -> None:
        """Sleep until `shard_id` may identify; the slot is reserved before sleeping, so callers never collide."""
        loop = asyncio.get_running_loop()
        bucket = shard_id % self.max_concurrency
        now = loop.time()
        slot = max(now, self._next.get(bucket, now))
        self._next[bucket] = slot + self.window
        if slot > now:
            log.debug("shard %s waits %.1f s to identify", shard_id, slot - now)
            await asyncio.sleep(slot - now)


class ShardedFactBotClient(FactBotClient, discord.AutoShardedClient):
    """The same bot on the gateway connections of `shards` only, so that several processes can split a large bot."""

    def __init__(self, bot: FactBot, settings: Settings, shards: Sharding) -> None:
        super().__init__(bot, settings, shard_count=shards.count, shard_ids=list(shards.ids))
        self.syncs_commands = shards.syncs_commands
        self.pacer = IdentifyPacer()
        self._launched: set[int] = set()

    async def setup_hook(self) -> None:
        await super().setup_hook()
        if len(self.shard_ids or ()) > 1:  # only then is there anything to pace
            self.pacer = IdentifyPacer(await self._max_concurrency())

    async def _max_concurrency(self) -> int:
        try:
            return (await self.fetch_session_start_limits()).max_concurrency
        except (discord.GatewayNotFound, aiohttp.ClientError) as exc:
            log.warning("GET /gateway/bot failed (%s): identifying one shard per 5 s", type(exc).__name__)
            return 1

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        await self.pacer.wait(shard_id or 0)

    async def launch_shard(self, gateway: yarl.URL, shard_id: int, *, initial: bool = False) -> None:
        """discord.py retries a shard that cannot connect every 5 s, forever; at startup that is a startup error."""
        if shard_id in self._launched:  # discord.py's retry after a failed first attempt
            raise StartupError(f"cannot connect to the Discord gateway at {gateway} (shard {shard_id})")
        self._launched.add(shard_id)
        await super().launch_shard(gateway, shard_id, initial=initial)

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("discord shard %d of %s ready", shard_id, self.shard_count)
