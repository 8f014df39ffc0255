"""Inline mode: `@botname question` from any chat."""

from __future__ import annotations

from bot.core.service import FactBot
from tests.adapters.telegram_emulator import Harness, parse_html


async def test_inline_query_lists_matching_cited_answers(telegram: Harness) -> None:
    answer = await telegram.api.reply(telegram.api.inline(telegram.user, "political prisoners released"))
    results = answer.params["results"]
    assert 1 <= len(results) <= 5
    first = results[0]
    assert first["title"] == "How many political prisoners were released?"
    assert first["description"].startswith("After the visit of US special envoy Keith Kellogg")
    text, entities = parse_html(first["input_message_content"]["message_text"])
    assert "14 political prisoners" in text and any(e["type"] == "blockquote" for e in entities)
    assert answer.params["is_personal"] is True


async def test_an_empty_inline_query_lists_popular_questions(telegram: Harness, bot: FactBot) -> None:
    answer = await telegram.api.reply(telegram.api.inline(telegram.user, ""))
    titles = [r["title"] for r in answer.params["results"]]
    assert titles == [s.question for s in bot.popular("en", 5)]


async def test_inline_results_follow_the_language_and_offer_a_private_chat_when_nothing_matches(
    telegram: Harness,
) -> None:
    german = await telegram.api.reply(telegram.api.inline(telegram.user, "Wie viele Gefangene wurden freigelassen?"))
    assert "gefangene" in german.params["results"][0]["title"].lower()
    nothing = await telegram.api.reply(telegram.api.inline(telegram.user, "qwxz zzyzx"))
    assert nothing.params["results"] == []
    assert nothing.params["button"] == {"text": "Ask me privately", "start_parameter": "inline"}


async def test_a_vote_from_an_inline_message_is_stored(telegram: Harness, bot: FactBot) -> None:
    answer = await telegram.api.reply(telegram.api.inline(telegram.user, "political prisoners released"))
    buttons = answer.params["results"][0]["reply_markup"]["inline_keyboard"][0]
    pressed = telegram.api.press(telegram.moderator, None, buttons[0]["callback_data"])
    assert (await telegram.api.reply(pressed)).params["text"] == "Thanks for your feedback!"
    assert bot.moderation.show(answer.params["results"][0]["id"]).votes_up == 1
