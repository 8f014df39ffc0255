"""Telegram HTML for what moderators see: fact lists, one fact with its history, unanswered questions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.adapters import telegram_callbacks as cb
from bot.adapters.render import source_line
from bot.adapters.telegram_render import NL, NL2, Part, button, cut, fit
from bot.adapters.telegram_texts import t
from bot.core.model import LANGS, Citation, FactDetails, Page, Passage, QuoteMatch, Unanswered

SHOWN_QUESTIONS = 10
SHOWN_HISTORY = 10
LINE_LIMIT = 150


def facts_page_html(page: Page, lang: str) -> str:
    if not page.items:
        return fit([Part(t("facts_none", lang))])
    parts: list[Part] = []
    for fact in page.items:
        parts += [Part("• "), Part(fact.id, "code"), Part(" — " + cut(fact.first_question(lang), LINE_LIMIT))]
        parts += [*_removed_mark(fact.removed, lang), NL]
    parts.append(Part(t("facts_page", lang, page=page.page, pages=page.pages, total=page.total), fixed=True))
    return fit(parts)


def facts_page_keyboard(page: Page, search_key: str) -> InlineKeyboardMarkup | None:
    """◀ / ▶ buttons; the search itself stays in the memo, the button only holds its key."""
    row = []
    if page.page > 1:
        row.append(button("◀", cb.pack(cb.FACTS_PAGE, search_key, str(page.page - 1))))
    if page.page < page.pages:
        row.append(button("▶", cb.pack(cb.FACTS_PAGE, search_key, str(page.page + 1))))
    return InlineKeyboardMarkup([row]) if row else None


def fact_html(details: FactDetails, citation: Citation | None, lang: str) -> str:
    """Everything about one fact: state, votes, texts per language, quote, source and history."""
    fact = details.fact
    parts = [Part(fact.id, "b"), *_removed_mark(fact.removed, lang)]
    meta = t("fact_meta", lang, version=fact.version, origin=fact.origin, up=details.votes_up, down=details.votes_down)
    parts += [NL, Part(meta)]
    for code in LANGS:
        if text := fact.texts.get(code):
            parts += [NL2, Part(code.upper(), "b"), Part(": " + text.answer)]
            parts += [p for q in text.questions[:SHOWN_QUESTIONS] for p in (NL, Part("• " + cut(q, LINE_LIMIT)))]
    parts += [NL2, Part(fact.quote, "blockquote")]
    if citation:
        parts += [NL, Part(source_line(citation, lang), "i")]
    if details.history:
        parts += [NL2, Part(t("history", lang), "b")]
        for entry in details.history[-SHOWN_HISTORY:]:
            undone = f" {t('undone_mark', lang)}" if entry.undone else ""
            line = f"{entry.at:%Y-%m-%d %H:%M} {entry.action}{undone} – {entry.user_name} ({entry.platform})"
            parts += [NL, Part(line)]
    return fit(parts)


def _removed_mark(removed: bool, lang: str) -> list[Part]:
    return [Part(" ", fixed=True), Part(t("state_removed", lang), "i", fixed=True)] if removed else []


def unanswered_html(items: Sequence[Unanswered], lang: str) -> str:
    if not items:
        return fit([Part(t("unanswered_none", lang))])
    parts = [Part(t("unanswered_title", lang), "b", fixed=True)]
    for n, item in enumerate(items, 1):
        parts += [NL, Part(f"{n}. {item.count}× [{item.lang}] "), Part(cut(item.text, LINE_LIMIT))]
    return fit(parts)


def unanswered_keyboard(items: Sequence[Unanswered], memo: cb.Memo) -> InlineKeyboardMarkup | None:
    """One '➕ add fact' button per question; the question text waits in the memo."""
    rows = [
        [button(f"➕ {n}. {item.text}", cb.pack(cb.UNANSWERED, memo.put(item.text)))] for n, item in enumerate(items, 1)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def passage_html(match: QuoteMatch, source_title: str, lang: str) -> str:
    """The passage a pasted quote was found in, the quoted sentences in bold."""
    parts = [Part(t("quote_found", lang, source=f"„{source_title}“, §{match.passage.paragraph}"))]
    if not match.exact:
        parts += [NL, Part(t("quote_close", lang, similarity=round(match.similarity)), "i")]
    parts += [NL2, *_highlighted(match.passage, match.quote)]
    return fit(parts)


def _highlighted(passage: Passage, quote: str) -> list[Part]:
    text = passage.text
    start = text.find(quote)
    if start < 0:
        return [Part(text)]
    end = start + len(quote)
    return [Part(text[:start]), Part(quote, "b"), Part(text[end:])]
