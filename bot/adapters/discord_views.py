"""Buttons under answers and lists; their custom ids carry all state, so they keep working after a restart."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import ui

from bot.adapters.discord_context import PLATFORM, is_moderator, lang_of, services
from bot.adapters.discord_fact_render import list_embed
from bot.adapters.discord_render import LABEL, answer_embed, content, plain
from bot.adapters.discord_reply import Reply, answer_in_time, deliver, notice, refusal
from bot.adapters.discord_texts import say
from bot.core import messages
from bot.core.model import Answer, Page

FACT_ID = r"(?P<fact_id>[a-z0-9-]{1,64})"
ASK_BUTTON = rf"fb:ask:(?P<lang>de|en):{FACT_ID}"
VOTE_BUTTON = rf"fb:vote:(?P<value>up|down):{FACT_ID}"
PAGE_BUTTON = r"fb:page:(?P<page>\d{1,5}):(?P<search>.{0,50})"
MAX_SUGGESTIONS = 3


class AskButton(ui.DynamicItem[ui.Button[Any]], template=ASK_BUTTON):
    """A "Did you mean…" suggestion: answers its fact in the language of the original question."""

    def __init__(self, lang: str, fact_id: str, label: str = "?") -> None:
        button: ui.Button[Any] = ui.Button(
            label=plain(label, LABEL), style=discord.ButtonStyle.secondary, custom_id=f"fb:ask:{lang}:{fact_id}"
        )
        super().__init__(button)
        self.lang, self.fact_id = lang, fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> AskButton:
        return cls(match["lang"], match["fact_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        s, lang = services(interaction), lang_of(interaction)
        if not s.limiter.allow(f"{PLATFORM}:{interaction.user.id}"):
            return await deliver(interaction, notice(messages.text("rate_limited", lang)))
        if s.bot.index.fact(self.fact_id) is None:
            return await deliver(interaction, notice(messages.text("fact_gone", lang)))
        ephemeral = bool(interaction.message and interaction.message.flags.ephemeral)
        await answer_in_time(
            interaction,
            lambda: s.bot.answer_fact(self.fact_id, self.lang),
            lambda answer: answer_reply(answer, ephemeral=ephemeral),
            ephemeral=ephemeral,
        )


class VoteButton(ui.DynamicItem[ui.Button[Any]], template=VOTE_BUTTON):
    """👍 / 👎 under an answer: one vote per user and fact, pressing again changes it."""

    def __init__(self, value: str, fact_id: str) -> None:
        emoji = "👍" if value == "up" else "👎"
        super().__init__(
            ui.Button(emoji=emoji, style=discord.ButtonStyle.secondary, custom_id=f"fb:vote:{value}:{fact_id}")
        )
        self.value, self.fact_id = value, fact_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["value"], match["fact_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        s, lang = services(interaction), lang_of(interaction)
        if s.bot.index.fact(self.fact_id) is None:
            return await deliver(interaction, notice(messages.text("fact_gone", lang)))
        value = 1 if self.value == "up" else -1
        user_id = str(interaction.user.id)
        await answer_in_time(
            interaction,
            lambda: s.bot.vote(PLATFORM, user_id, self.fact_id, value),
            lambda counts: notice(say("voted", lang, up=counts[0], down=counts[1])),
            ephemeral=True,
        )


class PageButton(ui.DynamicItem[ui.Button[Any]], template=PAGE_BUTTON):
    """◀ / ▶ under `/fact list`: turns the page in place (moderators only)."""

    def __init__(self, page: int, search: str, emoji: str = "▶", disabled: bool = False) -> None:
        button: ui.Button[Any] = ui.Button(
            emoji=emoji, style=discord.ButtonStyle.secondary, custom_id=f"fb:page:{page}:{search}", disabled=disabled
        )
        super().__init__(button)
        self.page, self.search = page, search

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(int(match["page"]), match["search"])

    async def callback(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        if not is_moderator(interaction):
            return await deliver(interaction, refusal(lang))
        moderation = services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.list(self.search, page=self.page),
            lambda page: list_reply(page, self.search, lang),
            edit=True,
        )


ITEMS: tuple[type[ui.DynamicItem[Any]], ...] = (AskButton, VoteButton, PageButton)
TEMPLATES = (ASK_BUTTON, VOTE_BUTTON, PAGE_BUTTON)


def answer_reply(answer: Answer, *, ephemeral: bool) -> Reply:
    """A cited answer as an embed with feedback buttons, or a polite refusal with up to 3 suggestions."""
    if answer.answered:
        view = None
        if answer.fact_id:
            view = ui.View(timeout=None)
            view.add_item(VoteButton("up", answer.fact_id)).add_item(VoteButton("down", answer.fact_id))
        return Reply(embeds=(answer_embed(answer),), view=view, ephemeral=ephemeral)
    text, view = answer.text, None
    if answer.suggestions:
        text = f"{text}\n{messages.text('did_you_mean', answer.lang)}"
        view = ui.View(timeout=None)
        for suggestion in answer.suggestions[:MAX_SUGGESTIONS]:
            view.add_item(AskButton(answer.lang, suggestion.fact_id, suggestion.question))
    return Reply(content=content(text), view=view, ephemeral=ephemeral)


def list_reply(page: Page, search: str, lang: str) -> Reply:
    """One page of `/fact list` with ◀ ▶ buttons when there is more than one page."""
    view = None
    if page.pages > 1:
        view = ui.View(timeout=None)
        view.add_item(PageButton(page.page - 1, search, "◀", disabled=page.page <= 1))
        view.add_item(PageButton(page.page + 1, search, "▶", disabled=page.page >= page.pages))
    return Reply(embeds=(list_embed(page, search, lang),), view=view, ephemeral=True)
