"""Inline mode: `@botname question` in any chat lists matching cited answers; an empty query lists popular ones."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InlineQueryResultsButton, InputTextMessageContent, Update

from bot.adapters import telegram_callbacks as cb
from bot.adapters.render import shorten
from bot.adapters.telegram_context import Context
from bot.adapters.telegram_render import answer_html, answer_keyboard
from bot.adapters.telegram_texts import t
from bot.core.model import Answer
from bot.core.service import FactBot
from bot.core.text import detect_language

RESULTS = 5
CACHE_SECONDS = 30
TITLE_LIMIT = 100
DESCRIPTION_LIMIT = 200


async def inline_query(update: Update, context: Context) -> None:
    """Up to five answers (title = question, description = short answer, message = the full cited answer)."""
    query = update.inline_query
    lang = detect_language(query.query) or context.lang(update)
    answers = _matches(context.deps.bot, query.query, lang)
    results = [
        InlineQueryResultArticle(
            id=cb.fact_ref(answer.fact_id or str(n)),
            title=shorten(answer.matched_question or answer.question, TITLE_LIMIT),
            description=shorten(answer.text, DESCRIPTION_LIMIT),
            input_message_content=InputTextMessageContent(answer_html(answer)),
            reply_markup=answer_keyboard(answer),
        )
        for n, answer in enumerate(answers)
    ]
    button = None if results else InlineQueryResultsButton(t("inline_private", lang), start_parameter="inline")
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True, button=button)


def _matches(bot: FactBot, text: str, lang: str) -> list[Answer]:
    """In memory only: typing in inline mode sends a query per keystroke."""
    if text.strip():
        return bot.search(text, lang, limit=RESULTS)
    facts = (bot.index.fact(s.fact_id) for s in bot.popular(lang, RESULTS))
    # the answerer directly: listing popular questions must not count as asking them
    return [bot.answerer.fact_answer(fact, lang) for fact in facts if fact is not None]
