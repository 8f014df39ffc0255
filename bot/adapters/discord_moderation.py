"""`/fact …`: moderators add, edit, remove, restore, undo, list and inspect facts.

Hidden from non-moderators by `default_member_permissions`, and because server admins can override that,
every command is also checked server side (`moderators_only`) before the core enforces it once more.
"""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands

from bot.adapters.discord_context import actor_of, is_moderator, lang_of, moderators_only, services
from bot.adapters.discord_fact_ids import CHOICES, LOOKUP_TIMEOUT, RemovedFacts, choice, fact_choices
from bot.adapters.discord_fact_render import details_embed, state
from bot.adapters.discord_form_flow import UNANSWERED, unanswered_reply
from bot.adapters.discord_forms import FIELD_MAX, Draft, FactForm
from bot.adapters.discord_reply import Reply, answer_in_time, deliver, error_reply, notice
from bot.adapters.discord_texts import say
from bot.adapters.discord_views import list_reply
from bot.core.errors import BotError, NotFound
from bot.core.factfile import MAX_SLUG
from bot.core.model import Fact
from bot.core.text import clean

FactId = app_commands.Range[str, 1, MAX_SLUG]
LANGUAGES = [app_commands.Choice(name="Deutsch", value="de"), app_commands.Choice(name="English", value="en")]


class FactGroup(app_commands.Group):
    """The `/fact` command group; one per client (it keeps the removed-facts cache of the autocomplete)."""

    def __init__(self) -> None:
        super().__init__(
            name="fact",
            description="Manage the knowledge base (moderators)",
            default_permissions=discord.Permissions(manage_messages=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False),
        )
        self._removed = RemovedFacts()

    @app_commands.command(name="add", description="Add a fact (opens a form)")
    @moderators_only()
    async def add(self, interaction: discord.Interaction) -> None:
        lang = lang_of(interaction)
        await interaction.response.send_modal(FactForm(Draft(lang=lang), lang))

    @app_commands.command(name="edit", description="Edit a fact (opens a prefilled form)")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(
        fact_id="The fact id (type to search by question)",
        language="The language to edit (default: your interface language)",
    )
    @app_commands.choices(language=LANGUAGES)
    @moderators_only()
    async def edit(
        self, interaction: discord.Interaction, fact_id: FactId, language: app_commands.Choice[str] | None = None
    ) -> None:
        lang = lang_of(interaction)
        fact = services(interaction).bot.index.fact(fact_id) or await self._stored(interaction, fact_id)
        if fact is None:
            return await deliver(
                interaction, error_reply(NotFound(f"fact {fact_id!r}", de=f"Eintrag {fact_id!r}"), lang)
            )
        code = language.value if language else (lang if lang in fact.texts else next(iter(fact.texts)))
        text = fact.texts.get(code)
        questions = "\n".join(text.questions) if text else ""
        if len(questions) > FIELD_MAX:
            return await deliver(interaction, notice(say("too_long_for_form", lang)))
        draft = Draft(questions, text.answer if text else "", fact.quote, code, fact.id, fact.version)
        await interaction.response.send_modal(FactForm(draft, lang))

    async def _stored(self, interaction: discord.Interaction, fact_id: str) -> Fact | None:
        """A removed fact is not in memory: read it, within the time a modal still has to open."""
        show = services(interaction).bot.moderation.show
        try:
            return (await asyncio.wait_for(asyncio.to_thread(show, fact_id), LOOKUP_TIMEOUT)).fact
        except (TimeoutError, BotError):
            return None

    @app_commands.command(name="remove", description="Remove a fact so it is no longer answered")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact id (type to search by question)")
    @moderators_only()
    async def remove(self, interaction: discord.Interaction, fact_id: FactId) -> None:
        actor, lang, moderation = actor_of(interaction), lang_of(interaction), services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.remove(actor, fact_id),
            lambda fact: notice(say("removed", lang, id=fact.id)),
            ephemeral=True,
        )

    @app_commands.command(name="restore", description="Bring a removed fact back")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The id of a removed fact")
    @moderators_only()
    async def restore(self, interaction: discord.Interaction, fact_id: FactId) -> None:
        actor, lang, moderation = actor_of(interaction), lang_of(interaction), services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.restore(actor, fact_id),
            lambda fact: notice(say("restored", lang, id=fact.id)),
            ephemeral=True,
        )

    @app_commands.command(name="undo", description="Undo your last change")
    @moderators_only()
    async def undo(self, interaction: discord.Interaction) -> None:
        actor, lang, moderation = actor_of(interaction), lang_of(interaction), services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.undo(actor),
            lambda fact: notice(say("undone", lang, id=fact.id, state=state(fact, lang))),
            ephemeral=True,
        )

    @app_commands.command(name="list", description="List the facts, optionally filtered")
    @app_commands.describe(search="Words in the id, questions or answers")
    @moderators_only()
    async def list_(
        self, interaction: discord.Interaction, search: app_commands.Range[str, 1, 50] | None = None
    ) -> None:
        lang, moderation = lang_of(interaction), services(interaction).bot.moderation
        text = clean(search or "")[:50]
        await answer_in_time(
            interaction, lambda: moderation.list(text), lambda page: list_reply(page, text, lang), ephemeral=True
        )

    @app_commands.command(name="show", description="Show a fact with its history and votes")
    @app_commands.rename(fact_id="id")
    @app_commands.describe(fact_id="The fact id (type to search by question)")
    @moderators_only()
    async def show(self, interaction: discord.Interaction, fact_id: FactId) -> None:
        lang, moderation = lang_of(interaction), services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.show(fact_id),
            lambda details: Reply(embeds=(details_embed(details, lang),), ephemeral=True),
            ephemeral=True,
        )

    @app_commands.command(name="unanswered", description="The most frequent questions without an answer")
    @moderators_only()
    async def unanswered(self, interaction: discord.Interaction) -> None:
        moderation = services(interaction).bot.moderation
        await answer_in_time(
            interaction,
            lambda: moderation.unanswered(UNANSWERED),
            lambda items: unanswered_reply(items, interaction),
            ephemeral=True,
        )

    @edit.autocomplete("fact_id")
    @remove.autocomplete("fact_id")
    @show.autocomplete("fact_id")
    async def active_fact_ids(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """Search by question text or id prefix; nothing for non-moderators."""
        if not is_moderator(interaction):
            return []
        s, lang = services(interaction), lang_of(interaction)
        try:
            return await s.read(fact_choices, s.bot, current, lang, within=LOOKUP_TIMEOUT)
        except TimeoutError:
            return []

    @restore.autocomplete("fact_id")
    async def removed_fact_ids(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if not is_moderator(interaction):
            return []
        lang = lang_of(interaction)
        try:
            facts = await self._removed.matching(services(interaction).bot, current)
        except (TimeoutError, BotError):
            return []
        return [choice(fact.id, fact.first_question(lang)) for fact in facts[:CHOICES]]
