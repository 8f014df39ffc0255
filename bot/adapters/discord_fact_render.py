"""Embeds for moderators: fact lists, one fact with its history, the unanswered questions."""

from __future__ import annotations

import discord

from bot.adapters.discord_render import (
    ANSWERED,
    DESCRIPTION,
    EMBED_TOTAL,
    FIELD_VALUE,
    FOOTER,
    NOT_ANSWERED,
    TITLE,
    plain,
    safe,
)
from bot.adapters.discord_texts import say
from bot.core.model import LANGS, Fact, FactDetails, Page, Unanswered

HISTORY = 10
QUESTION_IN_LIST = 200


def state(fact: Fact, lang: str) -> str:
    """'active' or 'removed' in the moderator's language."""
    return say("state_removed" if fact.removed else "state_active", lang)


def list_embed(page: Page, search: str, lang: str) -> discord.Embed:
    """One page of facts: id and first question each, the page number in the footer."""
    if search:
        title = say("list_search", lang, search=safe(search, 60), total=page.total)
    else:
        title = say("list_title", lang, total=page.total)
    lines = [f"`{fact.id}` — {safe(fact.first_question(lang), QUESTION_IN_LIST)}" for fact in page.items]
    embed = discord.Embed(title=title[:TITLE], colour=ANSWERED)
    embed.description = "\n".join(lines)[:DESCRIPTION] if lines else say("list_empty", lang)
    embed.set_footer(text=say("page", lang, page=page.page, pages=page.pages))
    return embed


def details_embed(details: FactDetails, lang: str) -> discord.Embed:
    """Everything a moderator needs to judge a fact: texts per language, quote, votes and recent history."""
    fact = details.fact
    embed = discord.Embed(title=fact.id, colour=NOT_ANSWERED if fact.removed else ANSWERED)
    for code in LANGS:
        if text := fact.texts.get(code):
            questions = "\n".join(f"• {q}" for q in text.questions)
            embed.add_field(name=say("questions_in", lang, code=code), value=safe(questions, 800), inline=False)
            embed.add_field(name=say("answer_in", lang, code=code), value=safe(text.answer, FIELD_VALUE), inline=False)
    embed.add_field(name=say("quote", lang), value=safe(f"„{fact.quote}“", FIELD_VALUE), inline=False)
    if details.history:
        lines = [
            f"{entry.at:%Y-%m-%d %H:%M} · {entry.action}{' (undone)' if entry.undone else ''} · {entry.user_name}"
            for entry in details.history[-HISTORY:]
        ]
        embed.add_field(name=say("history", lang), value=safe("\n".join(lines), 700), inline=False)
    footer = say(
        "details_footer",
        lang,
        version=fact.version,
        state=state(fact, lang),
        up=details.votes_up,
        down=details.votes_down,
    )
    embed.set_footer(text=plain(f"{footer} · {fact.source_id} #{fact.paragraph}", FOOTER))
    return fit_total(embed)


def unanswered_embed(items: list[Unanswered], lang: str) -> discord.Embed:
    """Numbered like the "add" buttons below it, with how often each question was asked."""
    embed = discord.Embed(title=say("unanswered_title", lang), colour=NOT_ANSWERED)
    lines = [f"**{n}.** ×{item.count} · {item.lang} — {safe(item.text, 300)}" for n, item in enumerate(items, 1)]
    embed.description = "\n".join(lines)[:DESCRIPTION] if lines else say("unanswered_empty", lang)
    return embed


def fit_total(embed: discord.Embed) -> discord.Embed:
    """Shorten the longest field until the embed is within Discord's 6000 characters in total."""
    while len(embed) > EMBED_TOTAL and embed.fields:
        index, field = max(enumerate(embed.fields), key=lambda pair: len(pair[1].value or ""))
        value = field.value or ""
        if len(value) <= 2:
            break
        keep = max(1, len(value) - (len(embed) - EMBED_TOTAL) - 1)
        embed.set_field_at(index, name=field.name, value=value[:keep].rstrip("\\") + "…", inline=False)
    return embed
