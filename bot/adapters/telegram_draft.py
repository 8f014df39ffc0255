"""The /addfact dialogue's state: the draft, the prompt that leads to each next step, and what ends it when idle."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.adapters import telegram_callbacks as cb
from bot.adapters.telegram_context import Context
from bot.adapters.telegram_render import answer_html, button, lang_keyboard
from bot.adapters.telegram_replies import reply, say
from bot.adapters.telegram_texts import duration, t
from bot.core.factfile import MAX_ANSWER, lang_text
from bot.core.model import Fact, FactDraft, LangText
from bot.core.text import detect_language

QUESTIONS, ANSWER, QUOTE, LANG, CONFIRM = range(5)
END = ConversationHandler.END
DRAFT_KEY = "draft"
_YES = frozenset({"yes", "y", "ja", "j", "ok", "save", "speichern"})
_NO = frozenset({"no", "n", "nein", "cancel", "abbrechen"})


@dataclass
class Draft:
    """A fact being written; when editing, `fact_id`, `version` and the current texts are set."""

    fact_id: str | None = None
    version: int | None = None
    texts: dict[str, LangText] = field(default_factory=dict)
    lang: str = ""  # chosen last when adding, first when editing
    questions: tuple[str, ...] = ()
    answer: str = ""
    quote: str = ""
    source_id: str | None = None
    paragraph: int = 0
    state: int = QUESTIONS

    def fact_draft(self) -> FactDraft:
        """What the core validates and saves: this language's text, the other language kept as it was."""
        texts = {**self.texts, self.lang: lang_text(self.answer, self.questions)}
        return FactDraft(quote=self.quote, texts=texts, source_id=self.source_id)


Step = Callable[[Update, Context, Draft], Coroutine[Any, Any, int]]


def step(handler: Step) -> Callable[[Update, Context], Coroutine[Any, Any, int]]:
    """Hands a dialogue step its draft; a step racing the timeout (the draft just dropped) ends the dialogue."""

    @functools.wraps(handler)
    async def run(update: Update, context: Context) -> int:
        await acknowledge(update)
        draft = context.user_data.get(DRAFT_KEY)
        if draft is None:
            await say(update, expired_text(context, update))
            return END
        return await handler(update, context, draft)

    return run


async def timed_out(update: Update, context: Context) -> None:
    """ConversationHandler.TIMEOUT: the dialogue was idle too long; the draft is dropped, the moderator told."""
    context.user_data.pop(DRAFT_KEY, None)
    if update.effective_message:  # the last message or pressed button of the dialogue
        await say(update, expired_text(context, update))


def expired_text(context: Context, update: Update) -> str:
    lang = context.lang(update)
    return t("timed_out", lang, duration=duration(context.deps.conversation_timeout, lang))


# --- prompts: each sends what the next step needs and returns that step ------------------------


async def ask_questions(update: Update, context: Context, draft: Draft) -> int:
    lang = context.lang(update)
    if draft.questions:
        listed = "\n".join(f"• {q}" for q in draft.questions)
        await say(update, t("keep_questions", lang, questions=listed))
    else:
        await say(update, t("add_questions", lang))
    draft.state = QUESTIONS
    return QUESTIONS


async def ask_answer(update: Update, context: Context, draft: Draft) -> int:
    lang = context.lang(update)
    if draft.answer:
        await say(update, t("keep_answer", lang, answer=draft.answer))
    else:
        await say(update, t("ask_answer", lang, limit=MAX_ANSWER))
    draft.state = ANSWER
    return ANSWER


async def ask_quote(update: Update, context: Context, draft: Draft) -> int:
    lang = context.lang(update)
    await say(update, t("keep_quote", lang, quote=draft.quote) if draft.quote else t("ask_quote", lang))
    draft.state = QUOTE
    return QUOTE


async def after_quote(update: Update, context: Context, draft: Draft) -> int:
    """Adding: ask the language next; editing: the language is known, so straight to the preview."""
    if draft.lang:
        return await preview(update, context, draft)
    lang = context.lang(update)
    text = t("ask_lang", lang)
    if guess := detect_language(" ".join((*draft.questions, draft.answer))):
        text += " " + t("lang_guess", lang, guess=t(f"lang_{guess}", lang))
    await say(update, text, lang_keyboard(cb.DRAFT, lang))
    draft.state = LANG
    return LANG


async def preview(update: Update, context: Context, draft: Draft) -> int:
    """The answer exactly as users will get it, rendered by the same code from a not yet saved fact."""
    lang = context.lang(update)
    unsaved = Fact(
        id=draft.fact_id or "preview",
        source_id=draft.source_id or "",
        paragraph=draft.paragraph,
        quote=draft.quote,
        texts={draft.lang: lang_text(draft.answer, draft.questions)},
    )
    await say(update, t("preview", lang))
    await reply(update, answer_html(context.deps.bot.answerer.fact_answer(unsaved, draft.lang)))
    await say(update, t("confirm", lang), confirm_keyboard(lang))
    draft.state = CONFIRM
    return CONFIRM


# --- helpers ------------------------------------------------------------------------------------


def lines(text: str) -> tuple[str, ...]:
    """One question per line; list bullets pasted along are dropped."""
    return lang_text("", (line.strip().lstrip("•*-–").strip() for line in text.splitlines())).questions


def chosen(update: Update) -> str | None:
    """'de', 'en', 'save' or 'cancel' from a button, or the same typed as text."""
    if query := update.callback_query:
        fields = cb.unpack(query.data, 1)
        return fields[0] if fields else None
    word = (update.effective_message.text or "").strip().lower()
    if word in ("de", "en", "deutsch", "english", "german", "englisch"):
        return "de" if word in ("de", "deutsch", "german") else "en"
    return "save" if word in _YES else "cancel" if word in _NO else None


def confirm_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t("save", lang), cb.pack(cb.DRAFT, "save")), button(t("cancel", lang), cb.pack(cb.DRAFT, "cancel"))]]
    )


async def acknowledge(update: Update) -> None:
    """A pressed dialogue button is answered and loses its keyboard, so it cannot be pressed twice."""
    if query := update.callback_query:
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)
