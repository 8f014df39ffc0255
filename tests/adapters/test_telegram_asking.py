"""Asking in private chats and groups, suggestion and feedback buttons, /start /help /source /lang."""

from __future__ import annotations

import pytest

from bot.core.model import Actor
from bot.core.service import FactBot
from tests.adapters.telegram_emulator import Harness

PRISONERS = "How many political prisoners were released?"
QUOTE = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."
BOT = "@factbot_test_bot"


def unsure_question(bot: FactBot) -> str:
    """A question the knowledge base is unsure about; the matcher is tuned elsewhere, so look one up."""
    for question in ("trade", "Belarus", "Minsk", "USA", "relations", "Handel"):
        if len(bot.answerer.ask(question, "en").suggestions) >= 2:
            return question
    pytest.fail("the bot is sure about every candidate question")


async def test_private_question_gets_the_answer_quote_and_source(telegram: Harness) -> None:
    reply = await telegram.ask(telegram.user, PRISONERS)
    assert reply.html.startswith(f"<b>{PRISONERS}</b>\nAfter the visit of US special envoy Keith Kellogg")
    assert f"<blockquote>{QUOTE}</blockquote>" in reply.html
    assert (
        "<i>Source: Belarus und der Westen: Rückkehr zur Politik des Ausgleichs?, paragraph 1, 2025-07</i>"
        in reply.html
    )
    assert reply.params["parse_mode"] == "HTML"
    assert [label for label, _ in reply.buttons()] == ["👍", "👎"]


async def test_the_answer_follows_the_language_of_the_question(telegram: Harness) -> None:
    reply = await telegram.ask(telegram.user, "Wie viele politische Gefangene wurden freigelassen?")
    assert "14 politische" in reply.text
    assert "Quelle: Belarus und der Westen" in reply.text


async def test_group_stays_silent_unless_mentioned_replied_to_or_asked(telegram: Harness) -> None:
    api = telegram.api
    group = api.group()
    silent = api.send(telegram.user, PRISONERS, chat=group)
    mentioned = await telegram.ask(telegram.user, f"{BOT} {PRISONERS}", chat=group)
    assert "14 political prisoners" in mentioned.text
    assert mentioned.params["reply_parameters"]["message_id"] == silent.update["message"]["message_id"] + 1
    assert len(api.since(silent.mark, "sendMessage", chat_id=group["id"])) == 1  # nothing for the plain message

    replied = await telegram.ask(
        telegram.user, "When did Keith Kellogg visit Belarus?", chat=group, reply_to=mentioned.result
    )
    assert "Kellogg" in replied.text and "<blockquote>" in replied.html
    asked = await telegram.ask(telegram.user, f"/ask{BOT} {PRISONERS}", chat=group)
    assert "14 political prisoners" in asked.text
    empty = await telegram.ask(telegram.user, "/ask", chat=group)
    assert "Please ask a question, for example" in empty.text

    other = api.send(telegram.moderator, "Thanks!", chat=group, reply_to=silent.update["message"])
    api.send(telegram.user, f"@some_other_bot {PRISONERS}", chat=group)
    await telegram.settle(group)
    (only,) = api.since(other.mark, "sendMessage", chat_id=group["id"])
    assert only.html.startswith("<b>How to ask me</b>")  # neither the reply to a person nor the other mention


async def test_a_suggestion_button_answers_that_fact(telegram: Harness, bot: FactBot) -> None:
    unsure = await telegram.ask(telegram.user, unsure_question(bot))
    assert "Did you mean:" in unsure.text
    assert 2 <= len(unsure.buttons()) <= 3 and all(len(data.encode()) <= 64 for _, data in unsure.buttons())
    data = unsure.buttons()[0][1]
    pressed = telegram.api.press(telegram.user, unsure.result, data)
    assert (await telegram.api.reply(pressed)).params.get("show_alert") is not True
    answer = (await telegram.messages(pressed, 1, chat_id=telegram.user["id"]))[0]
    assert answer.params["reply_parameters"]["message_id"] == unsure.result["message_id"]
    assert "<blockquote>" in answer.html and [b for b, _ in answer.buttons()] == ["👍", "👎"]


async def test_an_outdated_suggestion_gets_a_friendly_alert(telegram: Harness, bot: FactBot, moderator: Actor) -> None:
    unsure = await telegram.ask(telegram.user, unsure_question(bot))
    fact_id = unsure.buttons()[0][1].split(":")[2]
    bot.moderation.remove(moderator, fact_id)
    for data in (unsure.buttons()[0][1], "s:en:no-such-fact", "s:en:#0123456789abcdef", "s:broken"):
        alert = await telegram.api.reply(telegram.api.press(telegram.user, unsure.result, data))
        assert alert.params["show_alert"] is True
        assert alert.params["text"] == "This entry no longer exists. Please ask your question again."


async def test_feedback_is_stored_per_user_and_can_be_changed(telegram: Harness, bot: FactBot) -> None:
    answer = await telegram.ask(telegram.user, PRISONERS)
    thanks = await telegram.api.reply(telegram.api.press(telegram.user, answer.result, answer.data("👍")))
    assert thanks.params["text"] == "Thanks for your feedback!"
    assert bot.moderation.show("prisoners-released").votes_up == 1
    await telegram.api.reply(telegram.api.press(telegram.user, answer.result, answer.data("👎")))
    await telegram.api.reply(telegram.api.press(telegram.moderator, answer.result, answer.data("👎")))
    details = bot.moderation.show("prisoners-released")
    assert (details.votes_up, details.votes_down) == (0, 2)


async def test_start_help_and_source(telegram: Harness, bot: FactBot) -> None:
    start = await telegram.ask(telegram.user, "/start")
    assert start.text.startswith("Hello! I answer questions about relations between Belarus and the West")
    help_ = await telegram.ask(telegram.user, "/help")
    assert help_.html.startswith("<b>How to ask me</b>")
    assert all(example in help_.text for example in bot.examples("en"))
    assert "/ask question" in help_.text and "For moderators" not in help_.text
    assert "For moderators: /addfact" in (await telegram.ask(telegram.moderator, "/help")).text
    source = await telegram.ask(telegram.user, "/source")
    assert "<b>Belarus und der Westen: Rückkehr zur Politik des Ausgleichs?</b> (2025-07)" in source.html
    assert f"{len(bot.index.facts())} facts" in source.text


async def test_interface_language_from_the_client_and_from_lang(telegram: Harness) -> None:
    german = telegram.api.user(4004, "Greta", language_code="de-AT")
    assert (await telegram.ask(german, "/help")).html.startswith("<b>So fragst du mich</b>")
    assert (await telegram.ask(german, "/lang en")).text == "The interface is now in English."
    assert (await telegram.ask(german, "/help")).html.startswith("<b>How to ask me</b>")
    menu = await telegram.ask(telegram.user, "/lang")
    assert [label for label, _ in menu.buttons()] == ["German", "English"]
    chosen = await telegram.api.reply(telegram.api.press(telegram.user, menu.result, menu.data("German")))
    assert chosen.params["text"] == "Die Oberfläche ist jetzt auf Deutsch."
    assert (await telegram.ask(telegram.user, "/help")).html.startswith("<b>So fragst du mich</b>")


async def test_command_menus_in_both_languages_and_for_moderators(telegram: Harness) -> None:
    menus = telegram.api.commands
    default = {lang: [c["command"] for c in cmds] for (scope, lang), cmds in menus.items() if '"default"' in scope}
    assert set(default) == {"", "en", "de"} and "ask" in default["de"] and "addfact" not in default["de"]
    moderator = [cmds for (scope, _), cmds in menus.items() if '"chat_id": 1001' in scope]
    assert len(moderator) == 3 and all("addfact" in [c["command"] for c in cmds] for cmds in moderator)
