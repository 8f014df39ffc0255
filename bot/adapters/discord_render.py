"""Answers as Discord embeds: Discord's size limits hold and everything users or moderators typed is escaped."""

from __future__ import annotations

import re

import discord
from discord.utils import escape_markdown

from bot.adapters.discord_texts import say
from bot.adapters.render import shorten, source_line
from bot.core.model import Answer, SourceInfo
from bot.core.text import clean

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
EMBED_TOTAL = 6000
LABEL = 80
CHOICE = 100
ANSWERED = discord.Colour.blurple()
NOT_ANSWERED = discord.Colour.light_grey()
_MIN_BUDGET = 16
_MARKUP = re.compile(r"[\\*_`~|>#\[\]()-]")


def visible(text: str) -> str:
    """Invisible and control characters removed, line by line (zero-width tricks never reach Discord)."""
    return "\n".join(line for line in (clean(part) for part in text.splitlines()) if line)


def plain(text: str, limit: int) -> str:
    """Visible text for places without markdown (footers, button labels, choices), cut at a sentence end."""
    return (shorten(visible(text), limit) or "…")[:limit]


def safe(text: str, limit: int) -> str:
    """Visible, markdown-escaped text of at most `limit` characters, cut at a sentence end before escaping."""
    raw = visible(text)
    budget = limit
    while budget > _MIN_BUDGET:
        out = escape_markdown(shorten(raw, budget))
        if len(out) <= limit:
            return out or "…"
        budget -= len(out) - limit  # escapes made it longer: shorten the raw text by the overshoot
    return (shorten(_MARKUP.sub("", raw), limit) or "…")[:limit]  # nearly all markup: drop it, do not escape


def answer_embed(answer: Answer) -> discord.Embed:
    """The cited answer: question as title, answer, verbatim quote, source in the footer, link when known."""
    lang = answer.lang
    title = answer.matched_question if answer.fact_id and answer.matched_question else answer.question
    embed = discord.Embed(title=safe(title, TITLE), colour=ANSWERED if answer.answered else NOT_ANSWERED)
    citation = answer.citation
    if citation:
        embed.add_field(name=say("quote", lang), value=safe(f"„{citation.quote}“", FIELD_VALUE), inline=False)
        embed.set_footer(text=plain(source_line(citation, lang), FOOTER))
        if citation.url and citation.url.startswith(("https://", "http://")):
            embed.url = citation.url
    room = min(DESCRIPTION, EMBED_TOTAL - len(embed))
    embed.description = safe(answer.text, room)
    return embed


def content(text: str) -> str:
    """A plain message text within Discord's 2000 characters, markdown escaped."""
    return safe(text, CONTENT)


def help_embed(intro: str, lang: str) -> discord.Embed:
    """The core's greeting with example questions, then how to ask on Discord."""
    embed = discord.Embed(title=say("help_title", lang), colour=ANSWERED)
    embed.description = safe(intro, DESCRIPTION - 1000) + "\n\n" + say("help_usage", lang)
    return embed


def sources_embed(sources: list[SourceInfo], lang: str) -> discord.Embed:
    """One field per article: title, date, number of facts and link."""
    embed = discord.Embed(title=say("sources_title", lang), colour=ANSWERED)
    for info in sources[:FIELDS]:
        value = say("source_entry", lang, date=info.source.date, count=info.fact_count)
        if info.source.url:
            value += f"\n{info.source.url}"
        embed.add_field(name=safe(info.source.title, FIELD_NAME), value=value[:FIELD_VALUE], inline=False)
    return embed
