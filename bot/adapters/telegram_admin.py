"""Moderator commands without a dialogue: /delfact /restorefact /undo /facts /fact /unanswered."""

from __future__ import annotations

import asyncio
import contextlib

from telegram import Update
from telegram.error import BadRequest

from bot.adapters import telegram_callbacks as cb
from bot.adapters.telegram_admin_render import (
    fact_html,
    facts_page_html,
    facts_page_keyboard,
    unanswered_html,
    unanswered_keyboard,
)
from bot.adapters.telegram_context import Context
from bot.adapters.telegram_replies import alert, reply, say
from bot.adapters.telegram_texts import t
from bot.core.errors import NotModerator
from bot.core.model import Citation, Fact

PER_PAGE = 10
UNANSWERED_SHOWN = 10


async def delfact(update: Update, context: Context) -> None:
    """Remove a fact: it is no longer answered or suggested (the core checks the permission)."""
    if fact_id := await fact_id_arg(update, context, "delfact"):
        actor = await context.actor(update)
        fact = await asyncio.to_thread(context.deps.bot.moderation.remove, actor, fact_id)
        await say(update, t("removed", context.lang(update), id=fact.id))


async def restorefact(update: Update, context: Context) -> None:
    """Bring a removed fact back."""
    if fact_id := await fact_id_arg(update, context, "restorefact"):
        actor = await context.actor(update)
        fact = await asyncio.to_thread(context.deps.bot.moderation.restore, actor, fact_id)
        await say(update, t("restored", context.lang(update), id=fact.id))


async def undo(update: Update, context: Context) -> None:
    """Revert the moderator's own last change."""
    actor = await context.actor(update)
    fact = await asyncio.to_thread(context.deps.bot.moderation.undo, actor)
    lang = context.lang(update)
    state = t("state_removed" if fact.removed else "state_active", lang)
    await say(update, t("undone", lang, id=fact.id, state=state, version=fact.version))


async def facts(update: Update, context: Context) -> None:
    """`/facts [search]`: a page of facts (removed ones marked) with ◀ ▶ buttons."""
    await _require_moderator(update, context)
    search = " ".join(context.args or [])
    page = await asyncio.to_thread(context.deps.bot.moderation.list, search, 1, PER_PAGE, True)
    lang = context.lang(update)
    keyboard = facts_page_keyboard(page, context.deps.memo.put(search))
    await reply(update, facts_page_html(page, lang), keyboard)


async def facts_page_pressed(update: Update, context: Context) -> None:
    """◀ / ▶ under a fact list: show that page in the same message."""
    query = update.callback_query
    lang = context.lang(update)
    if not await context.is_moderator(update):
        await alert(update, NotModerator().message(lang))
        return
    fields = cb.unpack(query.data, 2)
    search = context.deps.memo.get(fields[0]) if fields else None
    if search is None or not fields[1].isdecimal():
        await alert(update, t("button_expired", lang))
        return
    page = await asyncio.to_thread(context.deps.bot.moderation.list, search, int(fields[1]), PER_PAGE, True)
    await query.answer()
    with contextlib.suppress(BadRequest):  # "message is not modified" after a double tap
        await query.edit_message_text(facts_page_html(page, lang), reply_markup=facts_page_keyboard(page, fields[0]))


async def fact(update: Update, context: Context) -> None:
    """`/fact ID`: texts, quote, source, votes and history of one fact."""
    await _require_moderator(update, context)
    if fact_id := await fact_id_arg(update, context, "fact"):
        details = await asyncio.to_thread(context.deps.bot.moderation.show, fact_id)
        lang = context.lang(update)
        await reply(update, fact_html(details, _citation(context, details.fact), lang))


async def unanswered(update: Update, context: Context) -> None:
    """The most frequent questions without an answer, each with a button that starts /addfact prefilled."""
    await _require_moderator(update, context)
    items = await asyncio.to_thread(context.deps.bot.moderation.unanswered, UNANSWERED_SHOWN)
    lang = context.lang(update)
    keyboard = unanswered_keyboard(items, context.deps.memo)
    await reply(update, unanswered_html(items, lang), keyboard)


async def fact_id_arg(update: Update, context: Context, command: str) -> str | None:
    """The fact id after the command, or None after telling the user how to give one."""
    if context.args:
        return context.args[0].strip().lower()
    await _require_moderator(update, context)  # only moderators learn how the command is used
    examples = [f.id for f in context.deps.bot.index.facts()[:1]] or ["prisoners-released"]
    await say(update, t("usage_id", context.lang(update), command=command, example=examples[0]))
    return None


async def _require_moderator(update: Update, context: Context) -> None:
    """Reads are not checked by the core, so the adapter refuses them here (the error handler replies)."""
    if not await context.is_moderator(update):
        raise NotModerator()


def _citation(context: Context, fact: Fact) -> Citation | None:
    """Source title, section and date as users see them (a removed fact is not in the index any more)."""
    return context.deps.bot.answerer.fact_answer(fact, next(iter(fact.texts))).citation if fact.texts else None
