"""Moderating from Telegram: the /addfact and /editfact dialogues and the one-shot moderator commands."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.adapters.telegram_draft import DRAFT_KEY
from bot.bootstrap import App
from bot.config import Settings
from bot.core.service import FactBot
from tests.adapters.telegram_emulator import Call, Harness, TelegramEmulator, running_bot

CANADA_QUOTE = (
    "Darüber hinaus sandte Lukaschenko diese Woche anlässlich des „Canada Day“ eine Botschaft an die Kanadier, "
    "in der er erklärte, dass „beide Länder bald ihre Beziehungen und eine umfassende Zusammenarbeit auf der "
    "Grundlage der gemeinsamen Interessen ihrer Völker wieder aufnehmen werden“."
)
PRISONERS = "How many political prisoners were released?"


async def say(telegram: Harness, text: str, count: int = 1) -> list[Call]:
    """The moderator writes privately; the bot's next `count` messages."""
    return await telegram.messages(telegram.api.send(telegram.moderator, text), count)


async def press(telegram: Harness, message: Call, label: str, count: int = 1) -> list[Call]:
    pushed = telegram.api.press(telegram.moderator, message.result, message.data(label))
    assert (await telegram.api.reply(pushed)).error is None
    return await telegram.messages(pushed, count, chat_id=telegram.moderator["id"])


async def test_addfact_dialogue_and_the_new_fact_is_answered_right_away(telegram: Harness, bot: FactBot) -> None:
    (prompt,) = await say(telegram, "/addfact")
    assert prompt.text.startswith("New fact, step 1 of 5")
    (prompt,) = await say(
        telegram, "Which greeting did Lukashenko send to Canada on its national day?\n• Canada Day greeting"
    )
    assert prompt.text.startswith("Step 2 of 5")
    (prompt,) = await say(
        telegram, "On Canada Day Lukashenko wrote that both countries would soon resume their relations."
    )
    assert prompt.text.startswith("Step 3 of 5")
    found, language = await say(telegram, CANADA_QUOTE.replace("„", '"').replace("“", '"'), 2)
    assert found.text.startswith("Found in „Belarus und der Westen") and "Closest match" in found.text
    assert f"<b>{CANADA_QUOTE}</b>" in found.html
    assert language.text.startswith("Step 4 of 5") and "Probably English." in language.text
    header, preview, confirm = await press(telegram, language, "English", 3)
    assert header.text.startswith("Step 5 of 5")
    assert preview.html.startswith("<b>Which greeting did Lukashenko send to Canada on its national day?</b>")
    assert f"<blockquote>{CANADA_QUOTE}</blockquote>" in preview.html
    (saved,) = await press(telegram, confirm, "Save")
    fact_id = saved.text.split()[2].rstrip(".")
    assert fact_id.startswith("which-greeting-did-lukashenko-send-to-canada")

    answer = await telegram.ask(telegram.user, "Canada Day greeting")
    assert (
        answer.text.splitlines()[1]
        == "On Canada Day Lukashenko wrote that both countries would soon resume their relations."
    )
    (entry,) = bot.moderation.show(fact_id).history
    assert (entry.action, entry.platform, entry.user_id, entry.user_name) == ("add", "telegram", "1001", "Mona")


async def test_editfact_keeps_what_is_skipped(telegram: Harness, bot: FactBot) -> None:
    (choose,) = await say(telegram, "/editfact prisoners-released")
    assert choose.text.startswith("Editing prisoners-released")
    (questions,) = await press(telegram, choose, "English")
    assert PRISONERS in questions.text
    (answer,) = await say(telegram, "/skip")
    assert "After the visit of US special envoy" in answer.text
    (quote,) = await say(telegram, "Minsk freed 14 political prisoners right after Kellogg's visit.")
    assert quote.text.startswith("Step 3 of 5, the quote")
    _, preview, confirm = await say(telegram, "/skip", 3)
    assert "Minsk freed 14 political prisoners right after Kellogg" in preview.text
    (saved,) = await press(telegram, confirm, "Save")
    assert saved.text == "Saved prisoners-released (version 2). /undo reverts it."
    assert "Minsk freed 14" in (await telegram.ask(telegram.user, PRISONERS)).text
    fact = bot.index.fact("prisoners-released")
    assert fact is not None and "de" in fact.texts and fact.texts["en"].questions[0] == PRISONERS


async def test_delfact_undo_and_restorefact(telegram: Harness, bot: FactBot) -> None:
    (removed,) = await say(telegram, "/delfact prisoners-released")
    assert removed.text == "Removed prisoners-released. /undo brings it back."
    assert "prisoners-released" not in str((await telegram.ask(telegram.user, PRISONERS)).params)
    (undone,) = await say(telegram, "/undo")
    assert undone.text == "Undone: prisoners-released is now active (version 3)."
    assert "v:+:prisoners-released" in str((await telegram.ask(telegram.user, PRISONERS)).params)
    await say(telegram, "/delfact prisoners-released")
    (restored,) = await say(telegram, "/restorefact prisoners-released")
    assert restored.text == "Restored prisoners-released."
    (again,) = await say(telegram, "/restorefact prisoners-released")
    assert again.text == "Invalid input: fact 'prisoners-released' is already active"
    (usage,) = await say(telegram, "/delfact")
    assert usage.text.startswith("Please give the id, e.g. /delfact")
    actions = [e.action for e in bot.moderation.show("prisoners-released").history]
    assert actions == ["remove", "undo", "remove", "restore"]


async def test_facts_are_paged_with_buttons_and_searchable(telegram: Harness, bot: FactBot) -> None:
    (first,) = await say(telegram, "/facts")
    pages = -(-len(bot.index.facts()) // 10)
    assert first.text.endswith(f"Page 1/{pages} · {len(bot.index.facts())} facts")
    assert [label for label, _ in first.buttons()] == ["▶"]
    pushed = telegram.api.press(telegram.moderator, first.result, first.data("▶"))
    await telegram.api.reply(pushed)
    edited = await telegram.api.wait_call("editMessageText", after=pushed.mark)
    assert f"Page 2/{pages}" in edited.text and [label for label, _ in edited.buttons()] == ["◀", "▶"]
    (found,) = await say(telegram, "/facts Kellogg")
    assert "kellogg-visit" in found.text and "canada-day-message" not in found.text


async def test_fact_shows_texts_votes_and_history(telegram: Harness) -> None:
    await say(telegram, "/delfact kellogg-visit")
    (details,) = await say(telegram, "/fact kellogg-visit")
    assert details.html.startswith("<b>kellogg-visit</b> <i>removed</i>\nVersion 2 · origin seed · 👍 0 · 👎 0")
    assert "<b>DE</b>" in details.html and "<blockquote>" in details.html and "remove – Mona (telegram)" in details.text
    (missing,) = await say(telegram, "/fact no-such-fact")
    assert missing.text == "Not found: fact 'no-such-fact'"


async def test_unanswered_lists_questions_and_starts_a_prefilled_dialogue(telegram: Harness) -> None:
    for _ in range(2):
        await telegram.ask(telegram.user, "Tell me about the weather in Minsk")
    (listing,) = await say(telegram, "/unanswered")
    assert "2× [en] tell me about the weather in minsk" in listing.text.lower()
    (prompt,) = await press(telegram, listing, "weather")
    assert prompt.text.startswith("Step 1 of 5, the questions") and "weather in minsk" in prompt.text.lower()
    (answer,) = await say(telegram, "/skip")
    assert answer.text.startswith("Step 2 of 5")
    (cancelled,) = await say(telegram, "/cancel")
    assert cancelled.text == "Cancelled, nothing was saved."
    (nothing,) = await say(telegram, "/cancel")
    assert nothing.text == "There is nothing to cancel."


COMMANDS = [
    "/addfact",
    "/editfact prisoners-released",
    "/delfact prisoners-released",
    "/restorefact prisoners-released",
    "/undo",
    "/facts",
    "/fact prisoners-released",
    "/unanswered",
    "/delfact",
]


async def test_non_moderators_are_refused_and_nothing_changes(telegram: Harness, app: App) -> None:
    refusal = "Only moderators can change the knowledge base."
    for command in COMMANDS:
        assert (await telegram.ask(telegram.user, command)).text == refusal, command
    with app.uow() as uow:
        assert not any(uow.audit.history(fact.id) for fact in uow.facts.all())
    assert "14 political prisoners" in (await telegram.ask(telegram.user, PRISONERS)).text
    (listing,) = await say(telegram, "/facts")
    alert = await telegram.api.reply(telegram.api.press(telegram.user, listing.result, listing.data("▶")))
    assert alert.params["text"] == refusal and alert.params["show_alert"] is True


async def test_administrators_of_the_moderator_group_are_moderators(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings
) -> None:
    group = telegram_api.group(-100777, admins={3003})
    async with running_bot(telegram_api, bot, settings, telegram_moderator_chat_id=group["id"]) as telegram:
        admin = telegram_api.user(3003, "Ada")
        assert (await telegram.ask(admin, "/delfact kellogg-visit")).text.startswith("Removed kellogg-visit")
        assert (await telegram.ask(telegram.user, "/undo")).text.startswith("Only moderators")
        assert (await telegram.ask(admin, "/undo")).text.startswith("Undone: kellogg-visit is now active")
    scopes = [scope for scope, _ in telegram_api.commands]
    assert any('"chat_administrators"' in scope and "-100777" in scope for scope in scopes)


async def test_dialogue_checks_each_step(telegram: Harness) -> None:
    group = telegram.api.group()
    assert (
        await telegram.ask(telegram.moderator, "/addfact", chat=group)
    ).text == "Please do this in a private chat with me."
    await say(telegram, "/addfact Who visited Minsk?")
    (answer,) = await say(telegram, "/skip")
    (too_long,) = await say(telegram, "x" * 1001)
    assert too_long.text == "Please send an answer of 1 to 1000 characters."
    (quote,) = await say(telegram, "Keith Kellogg came to Minsk.")
    (wrong,) = await say(telegram, "This sentence is certainly not in the article.")
    assert wrong.text.startswith("Invalid input: the quote was not found in any source")
    assert quote.text.startswith("Step 3 of 5") and answer.text.startswith("Step 2 of 5")


async def test_an_idle_dialogue_expires_in_the_moderators_language(
    telegram_api: TelegramEmulator, bot: FactBot, settings: Settings
) -> None:
    """PTB's conversation_timeout (JobQueue), shortened: each step restarts it, expiry drops the draft."""
    timeout = 1.0
    german = telegram_api.user(1003, "Mia", language_code="de")
    overrides = {"telegram_moderator_ids": [1001, german["id"]]}
    async with running_bot(telegram_api, bot, settings, conversation_timeout=timeout, **overrides) as telegram:
        english = telegram.moderator
        prompt_de = await telegram_api.reply(telegram_api.send(german, "/addfact"))
        await say(telegram, "/addfact")
        await asyncio.sleep(0.6 * timeout)
        (step2,) = await say(telegram, "Who visited Minsk?")  # restarts the timer
        restarted = time.monotonic()
        assert step2.text.startswith("Step 2 of 5")
        expired = await telegram_api.wait_call("sendMessage", after=step2.index + 1, chat_id=english["id"])
        assert time.monotonic() - restarted >= 0.8 * timeout
        assert expired.text == "Your draft expired after 1 second without a reply; nothing was saved."
        expired_de = await telegram_api.wait_call("sendMessage", after=prompt_de.index + 1, chat_id=german["id"])
        assert expired_de.text == "Dein Entwurf ist nach 1 Sekunde ohne Antwort verfallen; nichts wurde gespeichert."
        assert "14 political" in (await say(telegram, PRISONERS))[0].text  # no dialogue any more: a question
        assert (await say(telegram, "/cancel"))[0].text == "There is nothing to cancel."
        assert DRAFT_KEY not in telegram.application.user_data[english["id"]]


@pytest.mark.parametrize("hostile", ["<script>alert('x')</script> & </blockquote>", "<b>bold</b> &amp; <i>"])
async def test_moderator_content_is_escaped_everywhere(telegram: Harness, hostile: str) -> None:
    await say(telegram, f"/addfact What does {hostile} mean?")
    await say(telegram, "/skip")
    await say(telegram, f"Answer with {hostile} inside.")
    await say(telegram, CANADA_QUOTE, 2)
    language = telegram.api.since(0, "sendMessage")[-1]
    _, preview, confirm = await press(telegram, language, "English", 3)
    assert f"Answer with {hostile} inside." in preview.text
    await press(telegram, confirm, "Save")
    answer = await telegram.ask(telegram.user, f"What does {hostile} mean?")
    assert f"Answer with {hostile} inside." in answer.text
    (listing,) = await say(telegram, f"/facts {hostile}")
    assert hostile in listing.text
