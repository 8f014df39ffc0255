"""What every handler needs (core, limits, moderators), reached through a typed PTB context."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext, ExtBot

from bot.adapters.ratelimit import RateLimiter
from bot.adapters.telegram_callbacks import Memo
from bot.config import Settings
from bot.core.messages import pick_lang
from bot.core.model import Actor
from bot.core.service import FactBot

log = logging.getLogger(__name__)
PLATFORM = "telegram"
DEPS_KEY = "deps"
LANG_KEY = "lang"
ADMIN_CACHE_SECONDS = 60.0
_ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})


class Moderators:
    """Ids from TELEGRAM_MODERATOR_IDS, plus administrators of the moderator group (asked at most once a minute)."""

    def __init__(self, ids: Iterable[int], chat_id: int | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.ids = frozenset(ids)
        self.chat_id = chat_id
        self._clock = clock
        self._admins: dict[int, tuple[float, bool]] = {}

    async def check(self, bot: Bot, user_id: int) -> bool:
        if user_id in self.ids:
            return True
        if self.chat_id is None:
            return False
        now = self._clock()
        cached = self._admins.get(user_id)
        if cached and cached[0] > now:
            return cached[1]
        try:
            member = await bot.get_chat_member(self.chat_id, user_id)
            admin = member.status in _ADMIN_STATUSES
        except TelegramError as exc:  # not a member, or the bot left the group: no moderator rights
            log.warning("moderator group %s: cannot check user %s: %s", self.chat_id, user_id, exc)
            admin = False
        self._admins[user_id] = (now + ADMIN_CACHE_SECONDS, admin)
        return admin


@dataclass
class Deps:
    """Shared by all handlers; lives in `bot_data` so handlers stay plain functions."""

    bot: FactBot
    settings: Settings
    limiter: RateLimiter
    moderators: Moderators
    conversation_timeout: float
    memo: Memo = field(default_factory=Memo)
    limited: set[str] = field(default_factory=set)  # users already told about the rate limit


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The PTB context with typed access to the adapter's dependencies and the user's language."""

    @property
    def deps(self) -> Deps:
        return self.bot_data[DEPS_KEY]

    def lang(self, update: Update) -> str:
        """Interface language: the user's /lang choice, else German for `de*` clients, else English."""
        chosen = self.user_data.get(LANG_KEY) if self.user_data is not None else None
        user = update.effective_user
        return chosen or pick_lang(user.language_code if user else None)

    async def is_moderator(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and not user.is_bot and await self.deps.moderators.check(self.bot, user.id)

    async def actor(self, update: Update) -> Actor:
        """Who acts, for the core's permission check and audit trail."""
        user = update.effective_user
        if user is None:
            return Actor(PLATFORM, "unknown", "unknown")
        name = user.full_name or user.username or str(user.id)
        return Actor(PLATFORM, str(user.id), name, is_moderator=await self.is_moderator(update))


def deps_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Deps:
    return application.bot_data[DEPS_KEY]
