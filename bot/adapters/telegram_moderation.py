"""/addfact and /editfact: questions → answer → quote → language → preview → confirm, one ConversationHandler."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.adapters import telegram_callbacks as cb
from bot.adapters.telegram_admin import fact_id_arg
from bot.adapters.telegram_admin_render import passage_html
from bot.adapters.telegram_context import Context
from bot.adapters.telegram_draft import (
    ANSWER,
    CONFIRM,
    DRAFT_KEY,
    END,
    LANG,
    QUESTIONS,
    QUOTE,
    Draft,
    after_quote,
    ask_answer,
    ask_questions,
    ask_quote,
    chosen,
    confirm_keyboard,
    lines,
    preview,
    step,
    timed_out,
)
from bot.adapters.telegram_render import lang_keyboard
from bot.adapters.telegram_replies import alert, command_text, reply, say
from bot.adapters.telegram_texts import t
from bot.core.errors import BotError, NotModerator, StoreUnavailable
from bot.core.factfile import MAX_ANSWER, MAX_QUESTION, MAX_QUESTIONS

_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


# --- entry points -------------------------------------------------------------------------------


async def start_add(update: Update, context: Context) -> int:
    """`/addfact` (optionally followed by questions, one per line)."""
    if not await _may_start(update, context):
        return END
    draft = _new(context, questions=lines(command_text(update.effective_message)))
    return await ask_questions(update, context, draft)


async def start_from_unanswered(update: Update, context: Context) -> int:
    """The '➕' button of /unanswered: a new fact prefilled with that question."""
    query = update.callback_query
    fields = cb.unpack(query.data, 1)
    question = context.deps.memo.get(fields[0]) if fields else None
    if not await _may_start(update, context):
        return END
    if question is None:
        await alert(update, t("button_expired", context.lang(update)))
        return END
    await query.answer()  # the list keeps its buttons for the next question
    return await ask_questions(update, context, _new(context, questions=lines(question)))


async def start_edit(update: Update, context: Context) -> int:
    """`/editfact ID`: first the language to edit, then the same steps with /skip to keep a value."""
    if not await _may_start(update, context) or not (fact_id := await fact_id_arg(update, context, "editfact")):
        return END
    fact = (await asyncio.to_thread(context.deps.bot.moderation.show, fact_id)).fact
    draft = _new(context, fact_id=fact.id, version=fact.version, texts=dict(fact.texts), state=LANG)
    draft.quote, draft.source_id, draft.paragraph = fact.quote, fact.source_id, fact.paragraph
    lang = context.lang(update)
    await say(update, t("edit_lang", lang, id=fact.id), lang_keyboard(cb.DRAFT, lang))
    return LANG


# --- steps --------------------------------------------------------------------------------------


@step
async def got_questions(update: Update, context: Context, draft: Draft) -> int:
    questions = lines(update.effective_message.text or "")
    if not 0 < len(questions) <= MAX_QUESTIONS or any(len(q) > MAX_QUESTION for q in questions):
        lang = context.lang(update)
        await say(update, t("questions_invalid", lang, count=MAX_QUESTIONS, limit=MAX_QUESTION))
        return QUESTIONS
    draft.questions = questions
    return await ask_answer(update, context, draft)


@step
async def got_answer(update: Update, context: Context, draft: Draft) -> int:
    answer = " ".join((update.effective_message.text or "").split())
    if not 0 < len(answer) <= MAX_ANSWER:
        await say(update, t("answer_invalid", context.lang(update), limit=MAX_ANSWER))
        return ANSWER
    draft.answer = answer
    return await ask_quote(update, context, draft)


@step
async def got_quote(update: Update, context: Context, draft: Draft) -> int:
    """The core locates the pasted quote (exact, or the closest whole sentences) and it is shown back."""
    lang = context.lang(update)
    try:
        match = await asyncio.to_thread(context.deps.bot.moderation.locate_quote, update.effective_message.text or "")
    except BotError as exc:
        await say(update, exc.message(lang))
        return QUOTE
    draft.quote, draft.source_id, draft.paragraph = match.quote, match.passage.source_id, match.passage.paragraph
    source = context.deps.bot.index.source(match.passage.source_id)
    await reply(update, passage_html(match, source.title if source else draft.source_id, lang))
    return await after_quote(update, context, draft)


@step
async def skip(update: Update, context: Context, draft: Draft) -> int:
    """/skip keeps the current value of a step (when editing, or questions prefilled from /unanswered)."""
    kept = {QUESTIONS: draft.questions, ANSWER: draft.answer, QUOTE: draft.quote}[draft.state]
    if not kept:
        await say(update, t("nothing_to_keep", context.lang(update)))
        return draft.state
    return await {QUESTIONS: ask_answer, ANSWER: ask_quote, QUOTE: after_quote}[draft.state](update, context, draft)


@step
async def langchosen(update: Update, context: Context, draft: Draft) -> int:
    """A language button (or 'de'/'en' typed): when editing it comes first, when adding it comes last."""
    choice = chosen(update)
    if choice is None:
        lang = context.lang(update)
        await say(update, t("choose_lang", lang), lang_keyboard(cb.DRAFT, lang))
        return LANG
    editing_first = draft.fact_id is not None and not draft.lang
    draft.lang = choice
    if editing_first:
        current = draft.texts.get(choice)
        draft.questions, draft.answer = (current.questions, current.answer) if current else ((), "")
        return await ask_questions(update, context, draft)
    return await preview(update, context, draft)


@step
async def confirmed(update: Update, context: Context, draft: Draft) -> int:
    """Save through the core (validation, audit trail, index) or cancel."""
    choice = chosen(update)
    lang = context.lang(update)
    if choice not in ("save", "cancel"):
        await say(update, t("confirm", lang), confirm_keyboard(lang))
        return CONFIRM
    if choice == "cancel":
        return await cancel(update, context)
    actor = await context.actor(update)
    mod = context.deps.bot.moderation
    try:
        if draft.fact_id:
            fact = await asyncio.to_thread(mod.edit, actor, draft.fact_id, draft.fact_draft(), draft.version)
        else:
            fact = await asyncio.to_thread(mod.add, actor, draft.fact_draft())
    except StoreUnavailable as exc:  # worth another try: the draft stays
        await say(update, exc.message(lang), confirm_keyboard(lang))
        return CONFIRM
    except BotError as exc:
        context.user_data.pop(DRAFT_KEY, None)
        await say(update, exc.message(lang))
        return END
    context.user_data.pop(DRAFT_KEY, None)
    if draft.fact_id:
        await say(update, t("saved_edit", lang, id=fact.id, version=fact.version))
    else:
        await say(update, t("saved_add", lang, id=fact.id, question=fact.first_question(draft.lang)))
    return END


async def cancel(update: Update, context: Context) -> int:
    """/cancel at any step: nothing is saved."""
    context.user_data.pop(DRAFT_KEY, None)
    await say(update, t("cancelled", context.lang(update)))
    return END


async def stale_button(update: Update, context: Context) -> None:
    """A language or save button of a dialogue that already ended."""
    await alert(update, t("button_expired", context.lang(update)))


async def nothing_to_cancel(update: Update, context: Context) -> None:
    await say(update, t("nothing_to_cancel", context.lang(update)))


def build_conversation(timeout: float) -> ConversationHandler:
    """The dialogue; /cancel leaves it at any step, /addfact or a ➕ button starts it afresh, `timeout` idle ends it."""
    skip_command = CommandHandler("skip", skip, filters=filters.UpdateType.MESSAGE)
    with warnings.catch_warnings():  # buttons are answered per chat and user on purpose, not per message
        warnings.filterwarnings("ignore", message=".*CallbackQueryHandler", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("addfact", start_add, filters=filters.UpdateType.MESSAGE),
                CommandHandler("editfact", start_edit, filters=filters.UpdateType.MESSAGE),
                CallbackQueryHandler(start_from_unanswered, pattern=cb.pattern(cb.UNANSWERED)),
            ],
            states={
                QUESTIONS: [MessageHandler(_TEXT, got_questions), skip_command],
                ANSWER: [MessageHandler(_TEXT, got_answer), skip_command],
                QUOTE: [MessageHandler(_TEXT, got_quote), skip_command],
                LANG: [CallbackQueryHandler(langchosen, pattern=r"^af:(de|en)$"), MessageHandler(_TEXT, langchosen)],
                CONFIRM: [
                    CallbackQueryHandler(confirmed, pattern=r"^af:(save|cancel)$"),
                    MessageHandler(_TEXT, confirmed),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[CommandHandler("cancel", step(_cancel_step), filters=filters.UpdateType.MESSAGE)],
            allow_reentry=True,
            conversation_timeout=timeout,  # runs on the Application's JobQueue
        )


# --- helpers ------------------------------------------------------------------------------------


async def _cancel_step(update: Update, context: Context, draft: Draft) -> int:
    return await cancel(update, context)


async def _may_start(update: Update, context: Context) -> bool:
    """Dialogues run in private chats only; non-moderators are refused (the core would refuse the save too)."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:
        text = t("private_only", context.lang(update))
        if update.callback_query:
            await alert(update, text)
        else:
            await say(update, text)
        return False
    if not await context.is_moderator(update):
        raise NotModerator()
    return True


def _new(context: Context, **values: Any) -> Draft:
    draft = Draft(**values)
    context.user_data[DRAFT_KEY] = draft
    return draft
