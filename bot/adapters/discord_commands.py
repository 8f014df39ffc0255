"""The commands everyone uses: /ask with autocomplete, /source, /help and the "Ask the fact bot" message menu."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.adapters.discord_context import PLATFORM, lang_of, services
from bot.adapters.discord_render import CHOICE, help_embed, plain, sources_embed
from bot.adapters.discord_reply import Reply, answer_in_time, deliver, notice
from bot.adapters.discord_texts import say
from bot.adapters.discord_views import answer_reply
from bot.core import messages
from bot.core.answering import MAX_QUESTION_CHARS
from bot.core.model import LANGS

log = logging.getLogger(__name__)
CHOICES = 25  # Discord shows at most 25 autocomplete choices
COMPLETE_TIMEOUT = 2.0  # autocomplete cannot be deferred: an empty list beats a missed 3-second deadline


async def ask_question(interaction: discord.Interaction, question: str, *, private: bool) -> None:
    """Rate-limit, answer off the event loop (the core logs unanswered questions to the database), reply."""
    s, lang = services(interaction), lang_of(interaction)
    if not s.limiter.allow(f"{PLATFORM}:{interaction.user.id}"):
        return await deliver(interaction, notice(messages.text("rate_limited", lang)))
    await answer_in_time(
        interaction,
        lambda: s.bot.ask(question, lang_hint=lang, platform=PLATFORM),
        lambda answer: answer_reply(answer, ephemeral=private),
        ephemeral=private,
    )


@app_commands.command(name="ask", description="Ask a question about Belarus and the West")
@app_commands.describe(question="Your question (suggestions appear as you type)", private="Show the answer only to you")
async def ask(
    interaction: discord.Interaction,
    question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    private: bool = False,
) -> None:
    await ask_question(interaction, question, private=private)


@ask.autocomplete("question")
async def complete_question(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Known questions matching what the user typed, in their language first; answered from memory."""
    s, lang = services(interaction), lang_of(interaction)
    try:
        found = await s.read(s.bot.complete, current, lang, CHOICES, within=COMPLETE_TIMEOUT)
        if not found:
            other = next(code for code in LANGS if code != lang)
            found = await s.read(s.bot.complete, current, other, CHOICES, within=COMPLETE_TIMEOUT)
    except TimeoutError:
        log.warning("autocomplete took longer than %.1f s", COMPLETE_TIMEOUT)
        return []
    choices: dict[str, app_commands.Choice[str]] = {}
    for suggestion in found:
        text = plain(suggestion.question, CHOICE)
        choices.setdefault(text, app_commands.Choice(name=text, value=text))
    return list(choices.values())[:CHOICES]


@app_commands.context_menu(name="Ask the fact bot")
async def ask_message(interaction: discord.Interaction, message: discord.Message) -> None:
    """Right-click a message → Apps: answers the question in it (the message text comes with the interaction)."""
    if not message.content.strip():
        return await deliver(interaction, notice(say("no_text", lang_of(interaction))))
    await ask_question(interaction, message.content, private=False)


@app_commands.command(name="source", description="The articles behind the bot")
async def source(interaction: discord.Interaction) -> None:
    s, lang = services(interaction), lang_of(interaction)
    await deliver(interaction, Reply(embeds=(sources_embed(s.bot.sources(), lang),), ephemeral=True))


@app_commands.command(name="help", description="How to ask the bot, with examples")
async def help_(interaction: discord.Interaction) -> None:
    s, lang = services(interaction), lang_of(interaction)
    await deliver(interaction, Reply(embeds=(help_embed(s.bot.intro(lang), lang),), ephemeral=True))


COMMANDS: tuple[app_commands.Command | app_commands.ContextMenu, ...] = (ask, source, help_, ask_message)
