"""Telegram HTML for what users see: every supplied string is escaped, no message exceeds 4096 characters."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters import telegram_callbacks as cb
from bot.adapters.render import ELLIPSIS, shorten, source_line
from bot.adapters.telegram_texts import t
from bot.core import messages
from bot.core.model import Answer, AnswerKind, SourceInfo

MESSAGE_LIMIT = 4096
ALERT_LIMIT = 200  # answerCallbackQuery text
BUTTON_LIMIT = 60  # longer button labels are cut by the clients anyway


@dataclass(frozen=True, slots=True)
class Part:
    """Plain text and the one tag around it; when a message is too long only unfixed parts are shortened."""

    text: str
    tag: str = ""
    href: str | None = None
    fixed: bool = False


NL = Part("\n", fixed=True)
NL2 = Part("\n\n", fixed=True)


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units), so emoji never push a message over the limit."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """At most `limit` UTF-16 units, shortened at a sentence boundary where possible."""
    if units(text) <= limit:
        return text
    chars = limit
    while chars > len(ELLIPSIS) + 3:
        short = shorten(text, chars)
        if units(short) <= limit:
            return short
        chars -= units(short) - limit
    return ELLIPSIS


def fit(parts: Sequence[Part], limit: int = MESSAGE_LIMIT) -> str:
    """Join parts into HTML, shortening the longest unfixed text until the visible text fits `limit`."""
    texts = [p.text for p in parts]
    while (excess := sum(map(units, texts)) - limit) > 0:
        longest = max((i for i, p in enumerate(parts) if not p.fixed), key=lambda i: units(texts[i]), default=None)
        if longest is None or units(texts[longest]) <= len(ELLIPSIS):
            raise ValueError("the fixed parts alone exceed the message limit")
        texts[longest] = cut(texts[longest], units(texts[longest]) - excess)
    return "".join(_tagged(p, text) for p, text in zip(parts, texts, strict=True))


def _tagged(part: Part, text: str) -> str:
    body = html.escape(text)
    if part.href:
        return f'<a href="{html.escape(part.href)}">{body}</a>'
    return f"<{part.tag}>{body}</{part.tag}>" if part.tag else body


def link(url: str | None) -> list[Part]:
    """The URL as a link on its own line; anything that is not http(s) stays plain text."""
    if not url:
        return []
    web = url.startswith(("https://", "http://"))
    return [NL, Part(url, href=url if web else None, fixed=len(url) < 300)]


def answer_html(answer: Answer) -> str:
    """The answer, its verbatim quote in a blockquote and the source line."""
    parts: list[Part] = []
    if answer.kind == AnswerKind.FACT and answer.matched_question:
        parts += [Part(answer.matched_question, "b"), NL]
    if answer.kind == AnswerKind.PASSAGE:  # the quote below is the answer; do not print it twice
        parts.append(Part(messages.text("passage_answer", answer.lang)))
    else:
        parts.append(Part(answer.text))
    if c := answer.citation:
        parts += [NL2, Part(c.quote, "blockquote"), NL, Part(source_line(c, answer.lang), "i"), *link(c.url)]
    if answer.suggestions:
        parts += [NL2, Part(messages.text("did_you_mean", answer.lang), fixed=True)]
    return fit(parts)


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(cut(" ".join(text.split()), BUTTON_LIMIT) or "…", callback_data=data)


def feedback_row(fact_id: str) -> list[InlineKeyboardButton]:
    ref = cb.fact_ref(fact_id)
    return [button("👍", cb.pack(cb.VOTE, "+", ref)), button("👎", cb.pack(cb.VOTE, "-", ref))]


def answer_keyboard(answer: Answer) -> InlineKeyboardMarkup | None:
    """'Did you mean' buttons for near misses, feedback buttons under a cited fact."""
    rows = [[button(s.question, cb.pack(cb.SUGGEST, answer.lang, cb.fact_ref(s.fact_id)))] for s in answer.suggestions]
    if answer.fact_id:
        rows.append(feedback_row(answer.fact_id))
    return InlineKeyboardMarkup(rows) if rows else None


def help_html(lang: str, username: str, examples: Sequence[str], *, moderator: bool) -> str:
    parts = [Part(t("help_title", lang), "b", fixed=True), NL, Part(t("help_body", lang, bot=username)), NL2]
    parts += [Part(t("help_examples", lang), fixed=True)]
    for example in examples:
        parts += [NL, Part(f"• {example}")]
    parts += [NL2, Part(t("help_commands", lang))]
    if moderator:
        parts += [NL2, Part(t("help_moderator", lang))]
    return fit(parts)


def sources_html(infos: Sequence[SourceInfo], lang: str) -> str:
    """Title, date, link and number of facts of every article behind the bot."""
    parts = [Part(t("sources_title", lang), "b", fixed=True)]
    for info in infos:
        s = info.source
        parts += [NL2, Part(s.title, "b"), Part(f" ({s.date})"), *link(s.url)]
        parts += [NL, Part(t("source_facts", lang, count=info.fact_count), fixed=True)]
    return fit(parts)


def lang_keyboard(prefix: str, lang: str) -> InlineKeyboardMarkup:
    """Two buttons, Deutsch and English, with callback data `prefix:de` / `prefix:en`."""
    return InlineKeyboardMarkup([[button(t(f"lang_{code}", lang), cb.pack(prefix, code)) for code in ("de", "en")]])


def plain(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One escaped text, shortened to fit."""
    return fit([Part(text)], limit)
