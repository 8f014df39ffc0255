"""Asking: private messages, group mentions/replies and /ask, suggestion and feedback buttons, /start /help ..."""

from __future__ import annotations

import asyncio
import re

from telegram import Message, ReplyParameters, Update
from telegram.constants import ChatType

from bot.adapters import telegram_callbacks as cb
from bot.adapters.telegram_context import LANG_KEY, PLATFORM, Context
from bot.adapters.telegram_render import answer_html, answer_keyboard, help_html, lang_keyboard, sources_html
from bot.adapters.telegram_replies import alert, command_text, reply, say
from bot.adapters.telegram_texts import t
from bot.core import messages
from bot.core.errors import NotFound
from bot.core.model import Answer


async def start(update: Update, context: Context) -> None:
    """Greeting with what the bot knows and example questions."""
    lang = context.lang(update)
    await say(update, context.deps.bot.intro(lang))


async def help_command(update: Update, context: Context) -> None:
    """How to ask, three example questions, the commands (moderators see theirs too)."""
    lang = context.lang(update)
    examples = context.deps.bot.examples(lang)
    text = help_html(lang, context.bot.username, examples, moderator=await context.is_moderator(update))
    await reply(update, text)


async def source(update: Update, context: Context) -> None:
    """The articles behind the bot: title, date, link, number of facts."""
    await reply(update, sources_html(context.deps.bot.sources(), context.lang(update)))


async def lang_command(update: Update, context: Context) -> None:
    """`/lang de|en` overrides the interface language; without an argument it offers both."""
    choice = (context.args or [""])[0].lower()
    if choice in ("de", "en"):
        context.user_data[LANG_KEY] = choice
        await say(update, t("lang_set", choice))
        return
    lang = context.lang(update)
    await say(update, t("lang_usage", lang), lang_keyboard(cb.UI_LANG, lang))


async def lang_pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    fields = cb.unpack(query.data, 1)
    if not fields or fields[0] not in ("de", "en"):
        await query.answer()
        return
    context.user_data[LANG_KEY] = fields[0]
    await query.answer(t("lang_set", fields[0]))


async def private_text(update: Update, context: Context) -> None:
    """In a private chat every text message is a question."""
    await answer_question(update, context, update.effective_message.text or "")


async def ask_command(update: Update, context: Context) -> None:
    """`/ask question` works everywhere, also in groups with privacy mode on."""
    await answer_question(update, context, command_text(update.effective_message))


async def group_text(update: Update, context: Context) -> None:
    """In groups only a mention of the bot or a reply to one of its messages is a question."""
    question = addressed_question(update.effective_message, context.bot.username, context.bot.id)
    if question is not None:
        await answer_question(update, context, question)


def addressed_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question without the mention, or None when the message is not meant for the bot."""
    text = message.text or ""
    mention = re.compile(rf"(?<![\w@])@{re.escape(username)}\b", re.IGNORECASE)
    if mention.search(text):
        return " ".join(mention.sub(" ", text).split())
    reply = message.reply_to_message
    if reply is None or reply.from_user is None or reply.from_user.id != bot_id:
        return None
    # in forum topics every message "replies" to the topic's first message; that is no reply to the bot
    return None if message.is_topic_message and reply.message_id == message.message_thread_id else text


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Rate-limit, answer off the event loop (the core may log to the database), reply with buttons."""
    if not await _allowed(update, context):
        return
    answer = await asyncio.to_thread(context.deps.bot.ask, question, lang_hint=context.lang(update), platform=PLATFORM)
    await reply(update, answer_html(answer), answer_keyboard(answer))


async def suggestion_pressed(update: Update, context: Context) -> None:
    """A 'Did you mean' button: answer that fact; a removed or unknown fact gets a friendly alert."""
    query = update.callback_query
    lang = context.lang(update)
    fields, fact_id = _pressed_fact(update, context)
    if not await _allowed(update, context):
        await alert(update, messages.text("rate_limited", lang))
        return
    try:
        answer = context.deps.bot.answer_fact(fact_id or "", fields[0] if fields else lang)
    except NotFound:
        await alert(update, messages.text("fact_gone", lang))
        return
    await query.answer()
    await _send_below(update, context, answer)


async def vote_pressed(update: Update, context: Context) -> None:
    """👍/👎: one vote per user and fact, a second press changes it."""
    query = update.callback_query
    lang = context.lang(update)
    fields, fact_id = _pressed_fact(update, context)
    if not fields or fields[0] not in ("+", "-") or fact_id is None:
        await alert(update, messages.text("fact_gone", lang))
        return
    value = 1 if fields[0] == "+" else -1
    try:
        await asyncio.to_thread(context.deps.bot.vote, PLATFORM, str(query.from_user.id), fact_id, value)
    except NotFound:
        await alert(update, messages.text("fact_gone", lang))
        return
    await query.answer(t("vote_thanks", lang))


async def non_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice …: a short hint in private chats, silence in groups."""
    if update.effective_chat.type == ChatType.PRIVATE:
        await say(update, t("only_text", context.lang(update)))


def _pressed_fact(update: Update, context: Context) -> tuple[list[str] | None, str | None]:
    """The two fields of suggestion or vote data and the fact its last field refers to."""
    fields = cb.unpack(update.callback_query.data, 2)
    return fields, cb.resolve(fields[1], (f.id for f in context.deps.bot.index.facts())) if fields else None


async def _allowed(update: Update, context: Context) -> bool:
    """The per-user question limit; the user is told once, then further questions are dropped silently."""
    deps = context.deps
    key = f"{PLATFORM}:{update.effective_user.id}"
    if deps.limiter.allow(key):
        deps.limited.discard(key)
        return True
    if key not in deps.limited and update.effective_message and not update.callback_query:
        deps.limited.add(key)
        await say(update, messages.text("rate_limited", context.lang(update)))
    return False


async def _send_below(update: Update, context: Context, answer: Answer) -> None:
    """Post an answer under the message whose button was pressed (it may be too old to reply to)."""
    message = update.callback_query.message
    if message is None:  # a button of an inline-mode message: there is no chat to post into
        return
    await context.bot.send_message(
        message.chat.id,
        answer_html(answer),
        reply_markup=answer_keyboard(answer),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        message_thread_id=getattr(message, "message_thread_id", None),
    )
