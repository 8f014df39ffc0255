"""Fact ids for `/fact` autocomplete: by id prefix or question text from memory, removed facts from the store."""

from __future__ import annotations

import asyncio
import re
import time

from discord import app_commands

from bot.adapters.discord_render import CHOICE, plain
from bot.core.model import Fact
from bot.core.service import FactBot

CHOICES = 25
LOOKUP_TIMEOUT = 2.0  # autocomplete cannot be deferred past Discord's 3 seconds
_SLUG_PREFIX = re.compile(r"[a-z0-9-]+")


def fact_choices(bot: FactBot, typed: str, lang: str) -> list[app_commands.Choice[str]]:
    """Facts whose id starts with what was typed, then facts whose questions match it (in memory)."""
    found: dict[str, str] = {}
    prefix = typed.strip().lower()
    if prefix and _SLUG_PREFIX.fullmatch(prefix):
        for fact in bot.index.facts():
            if fact.id.startswith(prefix) and len(found) < CHOICES:
                found[fact.id] = fact.first_question(lang)
    for suggestion in bot.complete(typed, lang, CHOICES):
        found.setdefault(suggestion.fact_id, suggestion.question)
    return [choice(fact_id, question) for fact_id, question in list(found.items())[:CHOICES]]


def choice(fact_id: str, question: str) -> app_commands.Choice[str]:
    """Shows id and question (at most 100 characters); submits the id."""
    return app_commands.Choice(name=plain(f"{fact_id} · {question}", CHOICE), value=fact_id)


class RemovedFacts:
    """Removed facts for `/fact restore`'s autocomplete: one database read at a time, reused for a few seconds."""

    def __init__(self, ttl: float = 10.0) -> None:
        self._ttl = ttl
        self._read: asyncio.Future[list[Fact]] | None = None
        self._started = 0.0

    async def matching(self, bot: FactBot, typed: str) -> list[Fact]:
        """Removed facts whose id or questions contain `typed`; TimeoutError when the store is slow."""
        stale = self._read is None or (self._read.done() and time.monotonic() - self._started > self._ttl)
        if stale:
            self._started = time.monotonic()
            self._read = asyncio.ensure_future(asyncio.to_thread(_removed, bot))
        assert self._read is not None
        facts = await asyncio.wait_for(asyncio.shield(self._read), LOOKUP_TIMEOUT)
        needle = typed.strip().lower()
        return [
            f
            for f in facts
            if needle in f.id or any(needle in q.lower() for t in f.texts.values() for q in t.questions)
        ]


def _removed(bot: FactBot) -> list[Fact]:
    page = bot.moderation.list(per_page=1_000_000, include_removed=True)
    return [fact for fact in page.items if fact.removed]
