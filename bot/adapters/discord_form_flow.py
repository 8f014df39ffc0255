"""Saving a submitted fact form, and the buttons that reopen the form prefilled ("try again", "add fact")."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from typing import Any, cast

import discord
from discord import ui

from bot.adapters.discord_context import actor_of, is_moderator, lang_of, services
from bot.adapters.discord_fact_render import unanswered_embed
from bot.adapters.discord_forms import Draft, FactForm, read_form
from bot.adapters.discord_render import answer_embed, content
from bot.adapters.discord_reply import Reply, answer_in_time, deliver, notice, refusal
from bot.adapters.discord_texts import say
from bot.core.errors import BotError
from bot.core.model import Actor, Fact, Unanswered
from bot.core.service import FactBot

UNANSWERED = 10  # questions listed by /fact unanswered
LOOKUP_TIMEOUT = 2.0  # a modal must open within Discord's 3 seconds
RETRY_BUTTON = r"fb:retry:(?P<token>[0-9a-f]{16})"
ADD_BUTTON = r"fb:unans:(?P<key>[0-9a-f]{12})"


def save(bot: FactBot, actor: Actor, draft: Draft) -> Fact:
    """Add or edit through the core (which validates, checks the moderator and audits); blocking."""
    if draft.fact_id is None:
        return bot.moderation.add(actor, draft.fact_draft({}))
    current = bot.moderation.show(draft.fact_id).fact
    return bot.moderation.edit(actor, draft.fact_id, draft.fact_draft(current.texts), expected_version=draft.version)


async def submit_form(interaction: discord.Interaction) -> None:
    """Save a submitted fact form; on a validation error show it with a button that reopens the form."""
    draft = read_form(cast(dict[str, Any], interaction.data or {}))
    if draft is None:
        return
    s, lang, actor = services(interaction), lang_of(interaction), actor_of(interaction)
    if not actor.is_moderator:
        return await deliver(interaction, refusal(lang))

    def saved(fact: Fact) -> Reply:
        answer = s.bot.answerer.fact_answer(fact, draft.code if draft.code in fact.texts else lang)
        key = "saved_removed" if fact.removed else "saved"
        return Reply(content=say(key, lang, id=fact.id), embeds=(answer_embed(answer),), ephemeral=True)

    def failed(exc: BotError, _: str) -> Reply:
        token = secrets.token_hex(8)
        s.drafts.put(token, draft)
        view = ui.View(timeout=None).add_item(RetryButton(token, lang))
        return Reply(content=say("form_error", lang, error=content(exc.message(lang))), view=view, ephemeral=True)

    await answer_in_time(interaction, lambda: save(s.bot, actor, draft), saved, ephemeral=True, failed=failed)


class RetryButton(ui.DynamicItem[ui.Button[Any]], template=RETRY_BUTTON):
    """Reopens the form with what the moderator typed before saving failed."""

    def __init__(self, token: str, lang: str = "en") -> None:
        label = say("retry", lang)
        super().__init__(ui.Button(label=label, style=discord.ButtonStyle.primary, custom_id=f"fb:retry:{token}"))
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> RetryButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        if not is_moderator(interaction):
            return await deliver(interaction, refusal(lang))
        draft = services(interaction).drafts.get(self.token)
        if draft is None:
            return await deliver(interaction, notice(say("draft_expired", lang)))
        await interaction.response.send_modal(FactForm(draft, lang))


class AddQuestionButton(ui.DynamicItem[ui.Button[Any]], template=ADD_BUTTON):
    """Under `/fact unanswered`: opens the form with that question prefilled."""

    def __init__(self, key: str, label: str = "+") -> None:
        super().__init__(ui.Button(label=label, style=discord.ButtonStyle.success, custom_id=f"fb:unans:{key}"))
        self.key = key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> AddQuestionButton:
        return cls(match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        if not is_moderator(interaction):
            return await deliver(interaction, refusal(lang))
        item = await self._question(interaction)
        if item is None:
            return await deliver(interaction, notice(say("unanswered_gone", lang)))
        await interaction.response.send_modal(FactForm(Draft(questions=item.text, lang=item.lang), lang))

    async def _question(self, interaction: discord.Interaction) -> Unanswered | None:
        """From the list shown (memory), else from the database: listed before a restart, or by another process."""
        s = services(interaction)
        if item := s.unanswered.get(self.key):
            return item
        try:  # the modal must open within Discord's 3 seconds: give the database at most LOOKUP_TIMEOUT
            items = await asyncio.wait_for(asyncio.to_thread(s.bot.moderation.unanswered, UNANSWERED), LOOKUP_TIMEOUT)
        except (TimeoutError, BotError):
            return None
        return next((item for item in items if unanswered_key(item) == self.key), None)


ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (RetryButton, AddQuestionButton)
TEMPLATES = (RETRY_BUTTON, ADD_BUTTON)


def unanswered_key(item: Unanswered) -> str:
    """A short stable key for a question of any length: custom ids hold at most 100 characters."""
    return hashlib.sha256(f"{item.lang}\n{item.text}".encode()).hexdigest()[:12]


def unanswered_reply(items: list[Unanswered], interaction: discord.Interaction) -> Reply:
    """The most frequent unanswered questions, each with an "add" button that opens the prefilled form."""
    lang, memo = lang_of(interaction), services(interaction).unanswered
    view = ui.View(timeout=None) if items else None
    for n, item in enumerate(items, 1):
        key = unanswered_key(item)
        memo.put(key, item)
        if view is not None:
            view.add_item(AddQuestionButton(key, say("add_button", lang, n=n)))
    return Reply(embeds=(unanswered_embed(items, lang),), view=view, ephemeral=True)
