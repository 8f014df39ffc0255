"""`/fact …` through the real discord.py client: modal forms, retries, lists, history, and refusals."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.core.errors import NotModerator
from bot.core.model import Actor, FactDraft, LangText
from bot.core.service import FactBot
from tests.adapters.discord_emulator import (
    ALICE,
    EPHEMERAL,
    GUILD_ID,
    MODERATOR,
    MODERATOR_ROLE_ID,
    ROLE_MODERATOR,
    DiscordEmulator,
    Interaction,
    User,
    buttons,
)

QUOTE = (
    "Wenige Tage zuvor war der US-Sondergesandte Keith Kellogg in Belarus eingetroffen, "
    "um sich mit Lukaschenko zu treffen."
)
NEW_QUESTION = "Welcher Sondergesandte brachte Lukaschenko Schokolade mit?"
NEW_ID = "welcher-sondergesandte-brachte-lukaschenko-schokolade-mit"
FACT_ID = "prisoners-released"
REFUSAL = NotModerator().message("en")


def fields(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The modal's text inputs by custom id."""
    inputs = [row["component"] if row["type"] == 18 else row["components"][0] for row in modal["components"]]
    return {text_input["custom_id"]: text_input for text_input in inputs}


async def fact(discord: DiscordEmulator, subcommand: str, user: User = MODERATOR, **options: Any) -> Interaction:
    return await discord.slash("fact", options, subcommand=subcommand, user=user)


async def open_add_form(discord: DiscordEmulator, user: User = MODERATOR) -> Interaction:
    opened = await fact(discord, "add", user)
    await discord.modal(opened)
    return opened


async def answer_of(discord: DiscordEmulator, question: str) -> dict[str, Any]:
    return await discord.reply(await discord.slash("ask", {"question": question}))


async def test_add_fact_through_the_modal_and_it_is_answered_right_away(discord: DiscordEmulator) -> None:
    opened = await open_add_form(discord)
    modal = await discord.modal(opened)
    assert len(modal["title"]) <= 45
    assert set(fields(modal)) == {"questions", "answer", "quote", "lang"}
    assert fields(modal)["lang"]["value"] == "en"
    values = {
        "questions": f"{NEW_QUESTION}\nWho brought chocolate?",
        "answer": "Der US-Sondergesandte Keith Kellogg traf Lukaschenko in Belarus.",
        "quote": QUOTE,
        "lang": "de",
    }
    saved = await discord.reply(await discord.submit(opened, values, user=MODERATOR))
    assert saved["flags"] & EPHEMERAL
    assert f"`{NEW_ID}`" in saved["content"]
    preview = saved["embeds"][0]
    assert preview["description"] == values["answer"] and QUOTE in preview["fields"][0]["value"]

    answer = await answer_of(discord, NEW_QUESTION)
    assert answer["embeds"][0]["description"] == values["answer"]
    assert f"fb:vote:up:{NEW_ID}" in [b["custom_id"] for b in buttons(answer)]


async def test_invalid_input_comes_back_with_a_button_that_reopens_the_form(discord: DiscordEmulator) -> None:
    opened = await open_add_form(discord)
    values = {
        "questions": NEW_QUESTION,
        "answer": "Keith Kellogg.",
        "quote": "Dieser Satz steht nirgends.",
        "lang": "de",
    }
    failed = await discord.reply(await discord.submit(opened, values, user=MODERATOR))
    assert failed["flags"] & EPHEMERAL and "Invalid input" in failed["content"]
    (retry,) = buttons(failed)
    reopened = await discord.click(failed, retry["custom_id"], user=MODERATOR)
    assert {k: v["value"] for k, v in fields(await discord.modal(reopened)).items()} == values  # nothing was lost
    saved = await discord.reply(await discord.submit(reopened, {"quote": QUOTE}, user=MODERATOR))
    assert f"`{NEW_ID}`" in saved["content"]


async def test_edit_opens_a_prefilled_form_and_saves(discord: DiscordEmulator, bot: FactBot) -> None:
    current = bot.index.fact(FACT_ID)
    assert current is not None
    opened = await fact(discord, "edit", id=FACT_ID, language="en")
    prefilled = {k: v["value"] for k, v in fields(await discord.modal(opened)).items()}
    assert prefilled == {
        "questions": "\n".join(current.texts["en"].questions),
        "answer": current.texts["en"].answer,
        "quote": current.quote,
        "lang": "en",
    }
    new_answer = "Minsk announced that 14 political prisoners would be released."
    saved = await discord.reply(await discord.submit(opened, {"answer": new_answer}, user=MODERATOR))
    assert f"`{FACT_ID}`" in saved["content"]
    edited = bot.index.fact(FACT_ID)
    assert edited is not None and edited.texts["en"].answer == new_answer
    assert edited.texts["de"] == current.texts["de"], "the other language is kept"
    answer = await answer_of(discord, "How many political prisoners were released?")
    assert answer["embeds"][0]["description"] == new_answer


async def test_edit_of_a_fact_changed_meanwhile_is_refused(discord: DiscordEmulator, bot: FactBot) -> None:
    opened = await fact(discord, "edit", id=FACT_ID, language="en")
    await discord.modal(opened)
    current = bot.index.fact(FACT_ID)
    assert current is not None
    other = Actor("test", "other", "Other", is_moderator=True)
    bot.moderation.edit(
        other, FACT_ID, FactDraft(current.quote, {"de": current.texts["de"]} | {"en": current.texts["en"]})
    )
    failed = await discord.reply(await discord.submit(opened, {"answer": "Mine."}, user=MODERATOR))
    assert "Someone else changed this entry" in failed["content"] and buttons(failed)


async def test_remove_restore_and_undo(discord: DiscordEmulator, bot: FactBot) -> None:
    removed = await discord.reply(await fact(discord, "remove", id=FACT_ID))
    assert removed["flags"] & EPHEMERAL and f"`{FACT_ID}`" in removed["content"]
    assert bot.index.fact(FACT_ID) is None
    answer = await answer_of(discord, "How many political prisoners were released?")
    assert f"fb:vote:up:{FACT_ID}" not in [b["custom_id"] for b in buttons(answer)]

    choices = await discord.choices(
        await discord.slash("fact", {"id": "prison"}, subcommand="restore", user=MODERATOR, focused="id")
    )
    assert [c["value"] for c in choices] == [FACT_ID]
    restored = await discord.reply(await fact(discord, "restore", id=FACT_ID))
    assert "active again" in restored["content"] and bot.index.fact(FACT_ID) is not None

    undone = await discord.reply(await fact(discord, "undo"))
    assert f"`{FACT_ID}` is now removed" in undone["content"]
    assert bot.index.fact(FACT_ID) is None


async def test_list_is_paginated_with_buttons(discord: DiscordEmulator, bot: FactBot) -> None:
    first = await discord.reply(await fact(discord, "list"))
    total = len(bot.index.facts())
    (embed,) = first["embeds"]
    assert embed["title"] == f"Facts ({total})" and embed["footer"]["text"].startswith("Page 1/")
    back, forward = buttons(first)
    assert back["disabled"] and not forward["disabled"]
    second = await discord.reply(await discord.click(first, forward["custom_id"], user=MODERATOR))
    assert second["id"] == first["id"], f"the page turns in place: {second}"
    assert second["embeds"][0]["footer"]["text"].startswith("Page 2/")
    assert second["embeds"][0]["description"] != embed["description"]
    searched = await discord.reply(await fact(discord, "list", search="Gefangene"))
    assert "`prisoners-released`" in searched["embeds"][0]["description"]


async def test_show_has_texts_votes_and_history(discord: DiscordEmulator, bot: FactBot) -> None:
    await discord.reply(await fact(discord, "remove", id=FACT_ID))
    await discord.reply(await fact(discord, "restore", id=FACT_ID))
    shown = await discord.reply(await fact(discord, "show", id=FACT_ID))
    (embed,) = shown["embeds"]
    names = [f["name"] for f in embed["fields"]]
    assert names == ["Questions (de)", "Answer (de)", "Questions (en)", "Answer (en)", "Quote", "History"]
    history = embed["fields"][-1]["value"]
    assert "remove" in history and "restore" in history and "mod" in history
    assert "👍 0 · 👎 0" in embed["footer"]["text"]


async def test_unanswered_questions_open_a_prefilled_form(discord: DiscordEmulator) -> None:
    question = "Wie hoch ist der Eiffelturm in Paris?"
    for _ in range(2):
        await answer_of(discord, question)
    listed = await discord.reply(await fact(discord, "unanswered"))
    assert "×2" in listed["embeds"][0]["description"] and question in listed["embeds"][0]["description"]
    (add, *_) = buttons(listed)
    opened = await discord.click(listed, add["custom_id"], user=MODERATOR)
    prefilled = fields(await discord.modal(opened))
    assert prefilled["questions"]["value"] == question and prefilled["lang"]["value"] == "de"


async def test_edit_autocomplete_searches_ids_and_questions(discord: DiscordEmulator) -> None:
    by_question = await discord.choices(
        await discord.slash("fact", {"id": "political prisoners"}, subcommand="edit", user=MODERATOR, focused="id")
    )
    assert FACT_ID in [c["value"] for c in by_question]
    by_id = await discord.choices(
        await discord.slash("fact", {"id": "prisoners-rel"}, subcommand="edit", user=MODERATOR, focused="id")
    )
    assert by_id[0]["value"] == FACT_ID and len(by_id[0]["name"]) <= 100
    hidden = await discord.choices(
        await discord.slash("fact", {"id": "prisoners"}, subcommand="edit", user=ALICE, focused="id")
    )
    assert hidden == []


async def test_a_moderator_role_is_enough(discord: DiscordEmulator) -> None:
    listed = await discord.reply(await fact(discord, "list", user=ROLE_MODERATOR))
    assert listed["embeds"][0]["title"].startswith("Facts")
    uncached_guild = await discord.slash("fact", subcommand="list", user=ROLE_MODERATOR, guild_id=GUILD_ID + 1)
    assert (await discord.reply(uncached_guild))["embeds"], "the role ids come with the interaction"


@pytest.mark.parametrize(
    ("subcommand", "options"),
    [("add", {}), ("edit", {"id": FACT_ID}), ("remove", {"id": FACT_ID}), ("restore", {"id": FACT_ID}),
     ("undo", {}), ("list", {}), ("show", {"id": FACT_ID}), ("unanswered", {})],
)  # fmt: skip
async def test_non_moderators_are_refused_even_if_the_server_shows_them_fact(
    discord: DiscordEmulator, bot: FactBot, subcommand: str, options: dict[str, Any]
) -> None:
    before = bot.moderation.show(FACT_ID)
    refused = await discord.reply(await fact(discord, subcommand, ALICE, **options))
    assert refused["flags"] & EPHEMERAL and refused["content"] == REFUSAL
    assert bot.moderation.show(FACT_ID) == before


async def test_forms_and_buttons_check_the_moderator_too(discord: DiscordEmulator, bot: FactBot) -> None:
    opened = await open_add_form(discord)
    values = {"questions": NEW_QUESTION, "answer": "Kellogg.", "quote": QUOTE, "lang": "de"}
    refused = await discord.reply(await discord.submit(opened, values, user=ALICE))
    assert refused["content"] == REFUSAL and bot.index.fact(NEW_ID) is None
    listed = await discord.reply(await fact(discord, "list"))
    turned = await discord.reply(await discord.click(listed, buttons(listed)[1]["custom_id"], user=ALICE))
    assert turned["content"] == REFUSAL and turned["id"] != listed["id"]


async def test_hostile_modal_input(discord: DiscordEmulator, bot: FactBot) -> None:
    opened = await open_add_form(discord)
    too_long = {"questions": "x" * 4000, "answer": "y" * 4000, "quote": "z" * 4000, "lang": "de"}
    failed = await discord.reply(await discord.submit(opened, too_long, user=MODERATOR))
    assert failed["flags"] & EPHEMERAL and len(failed["content"]) <= 2000
    reopened = await discord.click(failed, buttons(failed)[0]["custom_id"], user=MODERATOR)
    assert fields(await discord.modal(reopened))["answer"]["value"] == "y" * 4000

    hostile = {
        "questions": f"@everyone <@&{MODERATOR_ROLE_ID}> \u200b{NEW_QUESTION}\u200b\n\u200b\u200b\n||spoiler|| ```",
        "answer": "**Kellogg** ```broken `code ||spoiler <@111000000000000001> @here\u202e",
        "quote": QUOTE,
        "lang": " DE ",
    }
    saved = await discord.reply(await discord.submit(opened, hostile, user=MODERATOR))
    fact_id = re.search(r"`([a-z0-9-]+)`", saved["content"])
    stored = bot.index.fact(fact_id[1] if fact_id else "")
    assert stored is not None and "de" in stored.texts
    assert all("\u200b" not in q for q in stored.texts["de"].questions) and len(stored.texts["de"].questions) == 2
    answer = await answer_of(discord, NEW_QUESTION)
    (embed,) = answer["embeds"]
    assert answer["allowed_mentions"] == {"parse": []}
    assert "\\*\\*Kellogg\\*\\*" in embed["description"] and "\\`\\`\\`broken" in embed["description"]
    assert "\u202e" not in embed["description"]


async def test_language_texts_can_be_added_and_removed_by_edit(discord: DiscordEmulator, bot: FactBot) -> None:
    actor = Actor("test", "mod", "Mod", is_moderator=True)
    created = bot.moderation.add(actor, FactDraft(QUOTE, {"de": LangText("Kellogg.", (NEW_QUESTION,))}))
    opened = await fact(discord, "edit", id=created.id, language="en")
    assert fields(await discord.modal(opened))["questions"].get("value") in (None, "")
    values = {"questions": "Who brought chocolate?", "answer": "Keith Kellogg."}
    await discord.reply(await discord.submit(opened, values, user=MODERATOR))
    stored = bot.index.fact(created.id)
    assert stored is not None and set(stored.texts) == {"de", "en"}
    opened = await fact(discord, "edit", id=created.id, language="de")
    await discord.reply(await discord.submit(opened, {"questions": "", "answer": ""}, user=MODERATOR))
    stored = bot.index.fact(created.id)
    assert stored is not None and set(stored.texts) == {"en"}
