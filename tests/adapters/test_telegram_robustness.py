"""Hostile input, odd updates, the rate limit, errors and a slow database: never a Bot API error or a crash."""

from __future__ import annotations

import logging
import threading

import pytest

from bot.config import Settings
from bot.core.errors import StoreUnavailable
from bot.core.service import FactBot
from tests.adapters.telegram_emulator import Harness, TelegramEmulator, running_bot

HOSTILE = [
    "<script>alert('x')</script>",
    "</blockquote>",
    "<b>unclosed & <i>wrong</b></i> &amp; &lt;",
    "x" * 10_000,
    "Why? " * 2000,
    "🙂🙃🤔" * 40,
    "\u200b\u200c\u200d\ufeff",
    "political\u200bprisoners\u200b released?",
    "**bold** _italic_ `code` [link](http://example.com) ~~strike~~ ||spoiler||",
    "\u202egnirts desrever\u202c Minsk",
    "@factbot_test_bot",
    "/ask",
    "  \n\t  ",
]


async def test_hostile_input_is_answered_without_a_bot_api_error(telegram: Harness) -> None:
    group = telegram.api.group()
    for text in HOSTILE:
        private = await telegram.ask(telegram.user, text)
        assert private.error is None and private.text.strip()
        addressed = text if text.startswith(("/", "@")) else f"@factbot_test_bot {text}"
        in_group = await telegram.ask(telegram.user, addressed, chat=group)
        assert in_group.error is None
        inline = await telegram.api.reply(telegram.api.inline(telegram.user, text[:256]))
        assert inline.error is None
    # the fixture also asserts that no call at all failed


async def test_stickers_photos_edits_channel_posts_and_other_bots(telegram: Harness) -> None:
    api, user = telegram.api, telegram.user
    private, group = api.chats[user["id"]], api.group()
    channel = api.chats.setdefault(-1009876, {"id": -1009876, "type": "channel", "title": "News"})
    sticker = {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512}
    sticker |= {"is_animated": False, "is_video": False}
    hint = await api.reply(api.send_update("message", api.new_message(user, private, sticker=sticker)))
    assert hint.text == "I can only answer questions sent as text. /help shows examples."

    other_bot = api.user(5005, "Spam", is_bot=True)
    photo = [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]
    mark = len(api.calls)
    api.send_update("message", api.new_message(user, group, photo=photo, caption="@factbot_test_bot what?"))
    api.send_update("message", api.new_message(other_bot, group, text="@factbot_test_bot How many prisoners?"))
    api.send_update("message", api.new_message(user, group, text="@factbot_test_bot hi", via_bot=api.bot_user))
    edited = api.new_message(user, group, text="@factbot_test_bot How many prisoners?", edit_date=1)
    api.send_update("edited_message", edited)
    api.send_update("channel_post", api.new_message(None, channel, text="@factbot_test_bot How many prisoners?"))
    api.send_update("edited_message", api.new_message(user, private, text="How many prisoners?", edit_date=1))
    await telegram.settle(group)
    await telegram.settle(private)
    replies = api.since(mark, "sendMessage")
    assert [r.html.startswith("<b>How to ask me</b>") for r in replies] == [True, True]


async def test_rate_limit_tells_once_then_stays_quiet(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings
) -> None:
    async with running_bot(telegram_api, bot, settings, rate_limit_per_minute=2) as telegram:
        for _ in range(2):
            assert (
                "14 political prisoners" in (await telegram.ask(telegram.user, "How many prisoners were freed?")).text
            )
        limited = await telegram.ask(telegram.user, "How many prisoners were freed?")
        assert limited.text == "You are asking a lot of questions right now. Please wait a moment and try again."
        quiet = telegram.api.send(telegram.user, "How many prisoners were freed?")
        await telegram.settle(telegram.api.chats[telegram.user["id"]])
        assert [c.html[:20] for c in telegram.api.since(quiet.mark, "sendMessage")] == ["<b>How to ask me</b>"]
        assert "14 political" in (await telegram.ask(telegram.moderator, "How many prisoners were freed?")).text


async def test_an_unexpected_error_is_logged_and_the_user_told(
    telegram: Harness, bot: FactBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(question: str, **_: object) -> None:
        if "database" in question:
            raise StoreUnavailable()
        raise RuntimeError("boom")

    monkeypatch.setattr(bot, "ask", broken)
    with caplog.at_level(logging.INFO):
        failed = await telegram.ask(telegram.user, "anything")
        unavailable = await telegram.ask(telegram.user, "database down?")
    assert failed.text == "Something went wrong. Please try again."
    assert unavailable.text == "The database is not reachable right now. Please try again in a moment."
    logged = [r for r in caplog.records if r.message == "telegram: update failed"]
    assert len(logged) == 1 and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])


async def test_a_slow_database_does_not_block_other_chats(
    telegram: Harness, bot: FactBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    ask = bot.ask

    def slow(question: str, **kwargs: object) -> object:
        if question == "slow":
            release.wait(5)
        return ask(question, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bot, "ask", slow)
    blocked = telegram.api.send(telegram.user, "slow")
    other = await telegram.ask(telegram.moderator, "How many political prisoners were released?")
    assert "14 political prisoners" in other.text
    assert not telegram.api.since(blocked.mark, "sendMessage", chat_id=telegram.user["id"])
    release.set()
    assert (await telegram.api.reply(blocked)).error is None
