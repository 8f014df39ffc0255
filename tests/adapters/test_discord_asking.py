"""The real discord.py client against the emulator: command sync, /ask, autocomplete, buttons, menus, limits."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.adapters import discord_reply
from bot.config import Settings
from bot.core import messages
from bot.core.errors import StoreUnavailable
from bot.core.model import Actor, Answer, AnswerKind, Suggestion
from bot.core.service import FactBot
from tests.adapters.discord_emulator import (
    ALICE,
    BOB,
    EPHEMERAL,
    GUILD_ID,
    DiscordEmulator,
    buttons,
    serving,
)

QUESTION = "How many political prisoners were released?"
FACT_ID = "prisoners-released"
QUOTE = "Nach dem Besuch kündigte Minsk die Freilassung von 14 politischen Gefangenen an."


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for b in buttons(message)]


async def ask(discord: DiscordEmulator, question: str, **kwargs: Any) -> dict[str, Any]:
    return await discord.reply(await discord.slash("ask", {"question": question}, **kwargs))


# --- command schema and sync ------------------------------------------------------------------


async def test_synced_command_schema(discord: DiscordEmulator) -> None:
    commands = {c["name"]: c for c in discord.global_commands}
    assert set(commands) == {"ask", "source", "help", "fact", "Ask the fact bot"}
    ask_options = {o["name"]: o for o in commands["ask"]["options"]}
    assert ask_options["question"]["autocomplete"] is True and ask_options["question"]["required"] is True
    assert ask_options["question"]["name_localizations"] == {"de": "frage"}
    assert ask_options["private"]["type"] == 5 and not ask_options["private"].get("required")
    assert commands["ask"]["name_localizations"] == {"de": "frage"}
    assert commands["ask"]["description_localizations"]["de"].startswith("Stelle eine Frage")
    assert commands["source"]["name_localizations"] == {"de": "quelle"}
    assert commands["help"]["name_localizations"] == {"de": "hilfe"}
    assert commands["Ask the fact bot"]["type"] == 3
    assert commands["Ask the fact bot"]["name_localizations"] == {"de": "Faktenbot fragen"}
    fact = commands["fact"]
    assert fact["default_member_permissions"] == str(1 << 13)  # Manage Messages
    assert fact["contexts"] == [0]  # servers only
    subcommands = {o["name"]: o for o in fact["options"]}
    assert set(subcommands) == {"add", "edit", "remove", "restore", "undo", "list", "show", "unanswered"}
    assert subcommands["undo"]["name_localizations"] == {"de": "rückgängig"}
    for name in ("edit", "remove", "restore", "show"):
        (id_option, *_) = subcommands[name]["options"]
        assert id_option["name"] == "id" and id_option["autocomplete"] is True
    for command in (c for c in discord.global_commands if c["name"] != "fact"):
        assert command["default_member_permissions"] is None


async def test_global_sync_only_when_the_schema_changed(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings
) -> None:
    async with serving(emulator, bot, settings):
        pass
    async with serving(emulator, bot, settings):
        pass
    assert len(emulator.syncs) == 1, "an unchanged schema must not be synced again"
    emulator.global_commands[0]["description"] = "an older description"
    async with serving(emulator, bot, settings):
        pass
    assert len(emulator.syncs) == 2


async def test_guild_ids_sync_to_those_guilds_instantly(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings
) -> None:
    async with serving(emulator, bot, settings, discord_guild_ids=[GUILD_ID]):
        assert emulator.global_commands == []
        assert {c["name"] for c in emulator.guild_commands[GUILD_ID]} >= {"ask", "fact"}
        interaction = await emulator.slash("ask", {"question": QUESTION})
        assert interaction.payload["data"]["guild_id"] == str(GUILD_ID)
        message = await emulator.reply(interaction)
        assert "14" in message["embeds"][0]["description"]


async def test_gateway_session_with_non_privileged_intents(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings
) -> None:
    emulator.heartbeat_ms = 100
    async with serving(emulator, bot, settings):
        await emulator.until(lambda: emulator.heartbeats >= 2, within=3)  # each one acknowledged, no reconnect
        (identify,) = emulator.identifies
        assert identify["intents"] & (1 << 15) == 0, "no message content intent"
        assert identify["intents"] & ((1 << 1) | (1 << 8)) == 0, "no members or presences intent"
        assert emulator.compression == ["zlib-stream"]


# --- asking ---------------------------------------------------------------------------------------


async def test_ask_answers_with_a_cited_embed_and_no_mentions(discord: DiscordEmulator) -> None:
    message = await ask(discord, QUESTION)
    (embed,) = message["embeds"]
    assert embed["title"] == QUESTION
    assert "14" in embed["description"]
    (quote,) = embed["fields"]
    assert quote["name"] == "Quote" and QUOTE in quote["value"]
    assert (
        embed["footer"]["text"].startswith("Source: Belarus und der Westen")
        and "paragraph 1" in embed["footer"]["text"]
    )
    assert message["allowed_mentions"] == {"parse": []}
    assert not message["flags"] & EPHEMERAL
    assert custom_ids(message) == [f"fb:vote:up:{FACT_ID}", f"fb:vote:down:{FACT_ID}"]


async def test_private_ask_is_ephemeral(discord: DiscordEmulator) -> None:
    message = await discord.reply(await discord.slash("ask", {"question": QUESTION, "private": True}))
    assert message["flags"] & EPHEMERAL


async def test_german_client_gets_german_interface_and_answer(discord: DiscordEmulator) -> None:
    message = await ask(discord, "Wie viele politische Gefangene wurden freigelassen?", locale="de")
    (embed,) = message["embeds"]
    assert embed["fields"][0]["name"] == "Zitat"
    assert embed["footer"]["text"].startswith("Quelle:")
    assert "14 politische" in embed["description"]


async def test_ask_in_a_direct_message(discord: DiscordEmulator) -> None:
    message = await ask(discord, QUESTION, guild_id=None)
    assert "14" in message["embeds"][0]["description"]


async def test_unknown_question_is_a_polite_message(discord: DiscordEmulator) -> None:
    message = await ask(discord, "What is the airspeed velocity of an unladen swallow?")
    assert message["content"] == messages.text("unknown", "en")
    assert message["allowed_mentions"] == {"parse": []}


async def test_autocomplete_offers_known_questions_in_the_users_language(discord: DiscordEmulator) -> None:
    started = time.perf_counter()
    choices = await discord.choices(await discord.slash("ask", {"question": "prisoners"}, focused="question"))
    assert time.perf_counter() - started < 1.0
    assert 1 <= len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 and c["value"] == c["name"] for c in choices)
    assert any("prisoner" in c["name"].lower() for c in choices)
    german = await discord.choices(
        await discord.slash("ask", {"question": "Gefangene"}, focused="question", locale="de")
    )
    assert german and any("gefangene" in c["name"].lower() for c in german)
    popular = await discord.choices(await discord.slash("ask", {"question": ""}, focused="question"))
    assert 1 <= len(popular) <= 25


async def test_feedback_buttons_vote_once_per_user_and_can_change(discord: DiscordEmulator, bot: FactBot) -> None:
    message = await ask(discord, QUESTION)
    up = await discord.reply(await discord.click(message, f"fb:vote:up:{FACT_ID}"))
    assert up["flags"] & EPHEMERAL and "👍 1 · 👎 0" in up["content"]
    again = await discord.reply(await discord.click(message, f"fb:vote:up:{FACT_ID}"))
    assert "👍 1 · 👎 0" in again["content"]
    changed = await discord.reply(await discord.click(message, f"fb:vote:down:{FACT_ID}"))
    assert "👍 0 · 👎 1" in changed["content"]
    other = await discord.reply(await discord.click(message, f"fb:vote:up:{FACT_ID}", user=BOB))
    assert "👍 1 · 👎 1" in other["content"]
    details = bot.moderation.show(FACT_ID)
    assert (details.votes_up, details.votes_down) == (1, 1)


def unsure(question: str, **_: Any) -> Answer:
    """The core's polite refusal with suggestions, for a deterministic button to press."""
    suggestions = (Suggestion(FACT_ID, QUESTION), Suggestion("kellogg-visit", "When was Keith Kellogg in Belarus?"))
    return Answer(question, AnswerKind.UNSURE, messages.text("unsure", "en"), "en", 0.4, suggestions=suggestions)


async def test_did_you_mean_buttons_answer_the_fact(
    discord: DiscordEmulator, bot: FactBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot, "ask", unsure)
    message = await ask(discord, "prisoners or Kellogg?", guild_id=GUILD_ID)
    assert messages.text("did_you_mean", "en") in message["content"]
    assert custom_ids(message) == [f"fb:ask:en:{FACT_ID}", "fb:ask:en:kellogg-visit"]
    assert buttons(message)[0]["label"] == QUESTION
    answer = await discord.reply(await discord.click(message, f"fb:ask:en:{FACT_ID}"))
    assert "14" in answer["embeds"][0]["description"]
    assert not answer["flags"] & EPHEMERAL


async def test_buttons_work_after_a_restart(
    emulator: DiscordEmulator, bot: FactBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(emulator, bot, settings):
        answered = await ask(emulator, QUESTION)
        monkeypatch.setattr(bot, "ask", unsure)
        suggested = await ask(emulator, "prisoners or Kellogg?")
    async with serving(emulator, bot, settings):  # a new client: nothing of the old one in memory
        vote = await emulator.reply(await emulator.click(answered, f"fb:vote:up:{FACT_ID}"))
        assert "👍 1" in vote["content"]
        answer = await emulator.reply(await emulator.click(suggested, "fb:ask:en:kellogg-visit"))
        assert answer["embeds"][0]["title"]


async def test_outdated_fact_button_gets_a_friendly_ephemeral(discord: DiscordEmulator, bot: FactBot) -> None:
    message = await ask(discord, QUESTION)
    bot.moderation.remove(Actor("test", "mod", "Mod", is_moderator=True), FACT_ID)
    reply = await discord.reply(await discord.click(message, f"fb:vote:up:{FACT_ID}"))
    assert reply["flags"] & EPHEMERAL
    assert reply["content"] == messages.text("fact_gone", "en")


async def test_message_context_menu_answers_the_message(discord: DiscordEmulator) -> None:
    message = await discord.reply(await discord.context_menu("Ask the fact bot", QUESTION))
    assert "14" in message["embeds"][0]["description"]
    empty = await discord.reply(await discord.context_menu("Ask the fact bot", ""))
    assert empty["flags"] & EPHEMERAL and "no text" in empty["content"]


async def test_source_and_help(discord: DiscordEmulator, bot: FactBot) -> None:
    source = await discord.reply(await discord.slash("source"))
    (field,) = source["embeds"][0]["fields"]
    assert field["name"].startswith("Belarus und der Westen")
    assert f"{len(bot.index.facts())} facts" in field["value"]
    help_de = await discord.reply(await discord.slash("help", locale="de"))
    description = help_de["embeds"][0]["description"]
    assert "/frage" in description and "Hallo!" in description
    assert help_de["flags"] & EPHEMERAL


async def test_rate_limit_per_user(emulator: DiscordEmulator, bot: FactBot, settings: Settings) -> None:
    async with serving(emulator, bot, settings, rate_limit_per_minute=2):
        for _ in range(2):
            assert (await ask(emulator, QUESTION))["embeds"]
        limited = await ask(emulator, QUESTION)
        assert limited["flags"] & EPHEMERAL
        assert limited["content"] == messages.text("rate_limited", "en")
        assert (await ask(emulator, QUESTION, user=BOB))["embeds"], "the limit is per user"


async def test_hostile_question_pings_nobody_and_breaks_no_markdown(
    discord: DiscordEmulator, bot: FactBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "@everyone <@&930000000000000001> <@111000000000000002> **How many** ||political|| `prisoners`\u200b?"
    message = await ask(discord, hostile)
    assert message["allowed_mentions"] == {"parse": []}
    # A passage answer shows the user's own question as the title: it must arrive escaped and visible-only.
    citation = bot.answer_fact(FACT_ID, "en").citation
    passage = Answer(hostile, AnswerKind.PASSAGE, "The article says: …", "en", 0.8, citation=citation)
    monkeypatch.setattr(bot, "ask", lambda question, **_: passage)
    title = (await ask(discord, hostile))["embeds"][0]["title"]
    assert "\u200b" not in title
    assert "\\*\\*How many\\*\\*" in title and "\\|\\|political\\|\\|" in title and "\\`prisoners\\`" in title


async def test_slow_database_defers_within_the_deadline(
    discord: DiscordEmulator, bot: FactBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_reply, "DEFER_AFTER", 0.05)
    original = bot.ask

    def slow_ask(question: str, **kwargs: Any) -> Answer:
        time.sleep(0.3)
        return original(question, **kwargs)

    monkeypatch.setattr(bot, "ask", slow_ask)
    interaction = await discord.slash("ask", {"question": QUESTION, "private": True})
    assert (await discord.response(interaction))["type"] == 5  # "thinking…" first
    message = await discord.reply(interaction)
    assert message["flags"] & EPHEMERAL and "14" in message["embeds"][0]["description"]


async def test_a_slow_failure_after_a_public_deferral_stays_private(
    discord: DiscordEmulator, bot: FactBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discord_reply, "DEFER_AFTER", 0.05)

    def unavailable(question: str, **_: Any) -> Answer:
        time.sleep(0.2)
        raise StoreUnavailable()

    monkeypatch.setattr(bot, "ask", unavailable)
    interaction = await discord.slash("ask", {"question": QUESTION})
    assert (await discord.response(interaction))["type"] == 5
    message = await discord.reply(interaction)
    assert message["flags"] & EPHEMERAL and message["content"] == StoreUnavailable().message("en")
    assert interaction.message_id not in discord.messages, "the public 'thinking…' message was removed"


async def test_a_command_the_bot_no_longer_has_gets_a_hint(discord: DiscordEmulator) -> None:
    discord.global_commands.append({"id": "1", "name": "ancient", "type": 1, "description": "gone", "contexts": [0]})
    reply = await discord.reply(await discord.slash("ancient", user=ALICE))
    assert reply["flags"] & EPHEMERAL and "outdated" in reply["content"]
