"""How updates flow: ordered per chat but concurrent across chats, filtered at the door, errors handled once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor

from bot.adapters.telegram_context import Context
from bot.adapters.telegram_replies import alert, say
from bot.core import messages
from bot.core.errors import BotError

log = logging.getLogger(__name__)
MAX_CONCURRENT_UPDATES = 256


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


class ChatOrderedProcessor(BaseUpdateProcessor):
    """One chat's updates run in order (dialogues depend on it); other chats never wait for a slow one."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, _Turn] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        turn = self._turns.setdefault(key, _Turn())
        turn.waiting += 1
        try:
            async with turn.lock:
                await coroutine
        finally:
            turn.waiting -= 1
            if not turn.waiting:
                del self._turns[key]

    async def initialize(self) -> None:
        """Nothing to allocate: turns are created per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: turns disappear with their last update."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user else None


async def guard(update: object, context: Context) -> None:
    """Stop what is not meant for the bot: channel posts, other bots, inline answers posted via a bot."""
    if not isinstance(update, Update) or update.effective_user is None:
        raise ApplicationHandlerStop
    message = update.message
    if message is None:
        return
    anonymous = message.sender_chat is not None  # an anonymous admin or a channel persona is a person
    if (
        message.via_bot
        or message.is_automatic_forward
        or (message.from_user is not None and message.from_user.is_bot and not anonymous)
    ):
        raise ApplicationHandlerStop


async def on_error(update: object, context: Context) -> None:
    """The one error handler: expected errors reach the user in their language, the rest is logged in full."""
    error = context.error
    lang = context.lang(update) if isinstance(update, Update) else "en"
    if isinstance(error, BotError):
        log.info("telegram: refused: %s", error, extra={"error": type(error).__name__})
        text = error.message(lang)
    else:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: update failed", exc_info=error, extra={"update_id": update_id})
        text = messages.text("internal_error", lang)
    if not isinstance(update, Update) or isinstance(error, Forbidden | NetworkError):
        return
    with contextlib.suppress(TelegramError):  # a failing error reply must not start a loop
        if update.callback_query:
            await alert(update, text)
        elif update.message:
            await say(update, text)


def polling_failed(error: TelegramError) -> None:
    """getUpdates failed; PTB retries with backoff, so one line is enough."""
    level = logging.ERROR if isinstance(error, InvalidToken) else logging.WARNING
    log.log(level, "telegram: polling failed: %s", error)
