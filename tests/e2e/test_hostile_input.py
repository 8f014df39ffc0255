"""Hostile input over the whole path: whatever users ask and moderators write, the core answers without an
exception, Telegram gets HTML its parser accepts within 4096 characters, Discord gets embeds within every limit
and no mention that could ping, and a question over the length limit gets the clear "too long" message.

Arbitrary Unicode (RTL and bidi overrides, combining marks, emoji, zero-width and control characters), HTML and
Markdown markup, Discord mentions, SQL-looking text and 100 kB inputs go through the core (`ask`, `Moderation.add`)
and the platforms' render functions, checked by the emulators' own validators (hypothesis); a handful of examples
then go end to end through the real bot against each emulator.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup

from bot.adapters.discord_fact_render import details_embed, unanswered_embed
from bot.adapters.discord_render import DESCRIPTION, EMBED_TOTAL, FIELD_VALUE, FOOTER, TITLE
from bot.adapters.discord_reply import Reply, error_reply
from bot.adapters.discord_views import answer_reply, list_reply
from bot.adapters.telegram_admin_render import (
    fact_html,
    facts_page_html,
    facts_page_keyboard,
    unanswered_html,
    unanswered_keyboard,
)
from bot.adapters.telegram_callbacks import Memo
from bot.adapters.telegram_render import MESSAGE_LIMIT, answer_html, answer_keyboard, plain
from bot.bootstrap import App, build
from bot.config import Settings
from bot.core import messages
from bot.core.answering import MAX_QUESTION_CHARS
from bot.core.errors import InvalidInput
from bot.core.factfile import lang_text
from bot.core.model import LANGS, Actor, Answer, AnswerKind, FactDraft, Page, Unanswered
from bot.core.service import FactBot
from bot.core.text import clean
from tests.adapters.discord_emulator import DiscordEmulator, check_message, serving
from tests.adapters.telegram_emulator import Harness, check_markup, message_text, units
from tests.conftest import make_settings

# the fixtures that run the real Telegram Application against the emulator
from tests.adapters.telegram_emulator import telegram, telegram_api  # noqa: F401  # isort: skip

QUOTE = (
    "Wenige Tage zuvor war der US-Sondergesandte Keith Kellogg in Belarus eingetroffen, "
    "um sich mit Lukaschenko zu treffen."
)
MODERATOR = Actor("test", "mod-hostile", "Mod <b>&amp;</b> @everyone", is_moderator=True)
FRAGMENTS = [
    # markup Telegram's HTML parser and Discord's Markdown treat specially
    "<b>", "</b>", "<blockquote>", "</blockquote>", "<a href='javascript:alert(1)'>", "</a>", "<script>", "&",
    "&amp;", "&lt;", "&#0;", "&#xD800;", "&bogus;", "<", ">", "**", "*", "__", "_", "`", "```", "||", "~~", "> ",
    "# ", "-# ", "[link](https://example.org)", "\\", "</", "<tg-spoiler>",
    # mentions
    "@everyone", "@here", "<@123>", "<@!123>", "<@&456>", "<#789>", "</fact add:1>", "@factbot_test_bot",
    # SQL and format strings
    "'; DROP TABLE facts; --", '" OR 1=1 --', "%s", "%(question)s", "{0}", "{question}", "{{", "}",
    # scripts, bidi, combining, emoji, zero-width, controls
    "\u202e", "\u202c", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u0301", "e\u0301",
    "Z\u0351\u0364\u0334a\u0336l\u0338go", "🙂", "👨‍👩‍👧‍👦", "🇧🇾", "🏳️‍🌈", "שלום", "مرحبا", "Лукашенко", "\ufdfa",
    "\x00", "\x07", "\x1b[31m", "\r\n", "\n", "\t", "\u2028", "\x85", "\U000e0041", "\U0010fffd",
    # words the bot knows, so hostile text also reaches real answers
    "How many political prisoners were released?", "Wie viele politische Gefangene?", "Kellogg", "Minsk", " ",
]  # fmt: skip
KNOWN = [
    "How many political prisoners were released?",
    "Wie viele politische Gefangene wurden freigelassen?",
    "What did Lukashenko say at the Eurasian Economic Forum?",
    "Wann war Kellogg in Minsk?",
]
fragment = st.sampled_from(FRAGMENTS)
decoration = st.one_of(fragment, st.text(max_size=8))
hostile = st.one_of(
    st.text(max_size=300),  # arbitrary Unicode
    st.builds("{}{}{}".format, decoration, st.sampled_from(KNOWN), decoration),  # reaches cited answers
    st.lists(decoration, max_size=40).map("".join),  # markup, mentions, SQL, scripts and controls mixed
    # just over the question limit, over Telegram's message limit, and 100 kB
    st.builds(lambda piece, n: (piece * (n // len(piece) + 1))[:n], fragment, st.sampled_from([501, 4097, 100_000])),
)
HOSTILE_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the validators: what Telegram and Discord would accept ---------------------------------------


def telegram_ok(html: str, markup: InlineKeyboardMarkup | None = None) -> str:
    """The text users read; raises the emulator's ApiError where Telegram would answer 400."""
    text, _ = message_text({"text": html, "parse_mode": "HTML"})
    assert units(text) <= MESSAGE_LIMIT
    if markup is not None:
        check_markup(markup.to_dict())
    return text


def discord_ok(reply: Reply) -> dict[str, Any]:
    """The message as discord.py sends it, checked against Discord's limits; no mention may ping."""
    fields = reply.fields()
    view = fields.get("view")
    payload = {
        "content": fields["content"],
        "embeds": [embed.to_dict() for embed in fields["embeds"]],
        "components": view.to_components() if view else [],
        "allowed_mentions": fields["allowed_mentions"].to_dict(),
    }
    check_message(payload)
    assert payload["allowed_mentions"] == {"parse": []}
    for embed in fields["embeds"]:
        assert len(embed.title or "") <= TITLE and len(embed.description or "") <= DESCRIPTION
        assert all(len(f.value or "") <= FIELD_VALUE for f in embed.fields)
        assert len(embed.footer.text or "") <= FOOTER and len(embed) <= EMBED_TOTAL
    return payload


def too_long(answer: Answer) -> str:
    return messages.text("too_long", answer.lang, limit=MAX_QUESTION_CHARS)


def says_too_long(text: str) -> bool:
    """The "too long" message in either language (markdown escapes aside)."""
    return any(messages.text("too_long", lang, limit=MAX_QUESTION_CHARS) in text.replace("\\", "") for lang in LANGS)


def check_answer(answer: Answer) -> None:
    """One answer rendered for both platforms; a question over the limit is told so on both."""
    shown = telegram_ok(answer_html(answer), answer_keyboard(answer))
    sent = discord_ok(answer_reply(answer, ephemeral=False))
    if len(clean(answer.question)) > MAX_QUESTION_CHARS:
        assert answer.kind == AnswerKind.TOO_LONG
        assert too_long(answer) in shown
        assert too_long(answer) in (sent["content"] or "").replace("\\", "")


# --- render functions directly, driven by hypothesis ----------------------------------------------


@pytest.fixture(scope="module")
def kb(seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """One store for all examples: hostile facts pile up in it, as they would in a real one."""
    path = tmp_path_factory.mktemp("hostile") / "bot.sqlite3"
    shutil.copy(seeded_sqlite, path)
    app = build(make_settings(f"sqlite:///{path}"))
    yield app
    app.close()


@HOSTILE_SETTINGS
@given(question=hostile, hint=st.sampled_from([None, "de", "en"]), platform=st.sampled_from(["telegram", "discord"]))
def test_any_question_is_answered_within_both_platforms_rules(
    kb: App, question: str, hint: str | None, platform: str
) -> None:
    answer = kb.bot.ask(question, lang_hint=hint, platform=platform)
    event(f"answer kind: {answer.kind}")
    check_answer(answer)
    lang = hint or "en"
    item = Unanswered(clean(question)[:2000] or "?", lang, platform, 3, datetime.now(UTC), datetime.now(UTC))
    telegram_ok(unanswered_html([item], lang), unanswered_keyboard([item], Memo()))
    discord_ok(Reply(embeds=(unanswered_embed([item], lang),)))


@HOSTILE_SETTINGS
@given(answer=hostile, questions=st.lists(hostile, min_size=1, max_size=3), lang=st.sampled_from(LANGS))
def test_any_moderator_fact_is_saved_or_refused_clearly_and_always_renders(
    kb: App, answer: str, questions: list[str], lang: str
) -> None:
    bot, mod = kb.bot, kb.bot.moderation
    try:
        fact = mod.add(MODERATOR, FactDraft(QUOTE, {lang: lang_text(answer, questions)}))
    except InvalidInput as exc:  # too long, empty …: the moderator reads why, on either platform
        event("refused by the core")
        telegram_ok(plain(exc.message(lang)))
        discord_ok(error_reply(exc, lang))
        return
    event("saved")
    preview = bot.answerer.fact_answer(fact, lang)
    check_answer(preview)
    for question in fact.texts[lang].questions[:2]:
        check_answer(bot.ask(question, lang_hint=lang, platform="telegram"))
    details = mod.show(fact.id)
    page = Page((fact, *bot.index.facts()[:9]), 1, 2, 20)
    telegram_ok(fact_html(details, preview.citation, lang))
    telegram_ok(facts_page_html(page, lang), facts_page_keyboard(page, "0123456789ab"))
    discord_ok(Reply(embeds=(details_embed(details, lang),)))
    discord_ok(list_reply(page, clean(questions[0])[:50], lang))


# --- a handful of examples end to end, through each emulator --------------------------------------

HOSTILE_ANSWER = "**Kellogg** </blockquote> <b>&amp; @everyone <@&456> ||spoiler|| `code\u202e 🇧🇾 e\u0301"
HOSTILE_QUESTION = "<b>Which</b> @here envoy came?\u200b '; DROP TABLE facts; --"
E2E_QUESTIONS = [
    HOSTILE_QUESTION,
    "<b>How many</b> political prisoners were released? </blockquote> &amp; ||spoiler|| **bold** `code`",
    "@everyone @here <@123> <@!123> <@&456> <#789> Kellogg?",
    "'; DROP TABLE facts; -- \u202eLukaschenko\u202c \u200b\u200d 🇧🇾👨‍👩‍👧 e\u0301 مرحبا \x00\x07\x1b[31m\r\n",
    "Wie viele politische Gefangene wurden freigelassen? " * 20,
    "x" * 100_000,
]


def add_hostile_fact(bot: FactBot) -> str:
    fact = bot.moderation.add(MODERATOR, FactDraft(QUOTE, {"en": lang_text(HOSTILE_ANSWER, [HOSTILE_QUESTION])}))
    return fact.id


async def test_hostile_questions_through_the_telegram_bot(telegram: Harness, bot: FactBot) -> None:  # noqa: F811
    add_hostile_fact(bot)
    group = telegram.api.group()
    for question in E2E_QUESTIONS:
        for chat, text in ((None, question), (group, f"@factbot_test_bot {question}"), (None, f"/ask {question}")):
            reply = await telegram.ask(telegram.user, text, chat=chat)
            assert reply.error is None and reply.text.strip(), (question[:80], reply.error)
            if len(clean(question)) > MAX_QUESTION_CHARS:
                assert says_too_long(reply.text), reply.text
        inline = await telegram.api.reply(telegram.api.inline(telegram.user, question[:256]))
        assert inline.error is None, inline.error
    answer = await telegram.ask(telegram.user, HOSTILE_QUESTION)
    assert clean(HOSTILE_ANSWER) in answer.text, (
        "the moderator's text arrives as typed (minus invisible characters), not as markup"
    )
    # running_bot asserts at the end that Telegram refused no call at all


@pytest.fixture
async def discord_bot(bot: FactBot, settings: Settings) -> AsyncIterator[DiscordEmulator]:
    async with DiscordEmulator() as emulator:
        async with serving(emulator, bot, settings):
            yield emulator
        assert emulator.rejected == [], "the bot sent something Discord would reject"


async def test_hostile_questions_through_the_discord_bot(discord_bot: DiscordEmulator, bot: FactBot) -> None:
    add_hostile_fact(bot)
    for question in E2E_QUESTIONS:
        if len(question) <= MAX_QUESTION_CHARS:  # the client enforces /ask's max_length; longer ones come as messages
            message = await discord_bot.reply(await discord_bot.slash("ask", {"question": question}))
        else:
            message = await discord_bot.reply(await discord_bot.context_menu("Ask the fact bot", question[:4000]))
            assert says_too_long(message["content"]), message["content"]
        assert message["allowed_mentions"] == {"parse": []}
        check_message(message)
    answer = await discord_bot.reply(await discord_bot.slash("ask", {"question": HOSTILE_QUESTION}))
    (embed,) = answer["embeds"]
    assert "\\*\\*Kellogg\\*\\*" in embed["description"] and "\u202e" not in embed["description"]


async def test_a_forged_page_number_gets_a_polite_alert(telegram: Harness, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    """Callback data comes from the client: a moderator's client may send any page "number"."""
    listing = await telegram.ask(telegram.moderator, "/facts")
    key = listing.data("▶").split(":")[1]
    for page in ("-1", "٣", "9" * 40, "²"):  # each turns to another page: no "message is not modified"
        alert = await telegram.api.reply(telegram.api.press(telegram.moderator, listing.result, f"fp:{key}:{page}"))
        assert alert.params.get("text") != messages.text("internal_error", "en"), page
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


@pytest.mark.postgres
def test_a_nul_in_a_moderators_text_is_cleaned_or_refused_on_postgresql(pg_database_url: str) -> None:
    """Telegram's dialogue and `facts import` pass control characters on; SQLite stores NUL, PostgreSQL cannot."""
    app = build(make_settings(pg_database_url))
    try:
        draft = FactDraft(QUOTE, {"en": lang_text("Keith\x00 Kellogg.", ["Who came to Minsk?\x00"])})
        try:
            fact = app.bot.moderation.add(MODERATOR, draft)
        except InvalidInput:
            return
        assert "\x00" not in str(fact.texts)
    finally:
        app.close()
